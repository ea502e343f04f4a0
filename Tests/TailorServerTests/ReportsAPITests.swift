import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Testing
import TailorCore
import TailorEngine
import TailorServer
import TailorStore
import TailorTesting

@Suite("Reports API")
struct ReportsAPITests {
    @Test(arguments: TestBackend.available)
    func theOverviewOverHTTP(backend: TestBackend) async throws {
        try await TestDatabase.with(backend) { test in
            func at(_ text: String) -> Date { ISO8601.parse(text)! }
            _ = try await test.database.ingest([
                .identify(userId: "u1", traits: ["vip": true], at: at("2026-03-28T10:00:00Z"), messageId: "i1"),
                .track("Email Sent", userId: "u1", properties: ["campaign_id": "c1"], at: at("2026-03-28T08:00:00Z"), messageId: "s1"),
                .track("Email Clicked", userId: "u1", properties: ["campaign_id": "c1"], at: at("2026-03-29T21:30:00Z"), messageId: "k1"),
                .track("Order Completed", userId: "u1", properties: ["order_id": "o1", "revenue": 12.5], at: at("2026-03-29T22:30:00Z"), messageId: "o1"),
            ], planner: IngestPlanner())
            var settings = ServerSettings(port: 0, keys: APIKeys(writeKeys: [writeKey], adminKeyHashes: [APIKeys.hash(adminKey)]))
            settings.timeZone = TimeZone(identifier: "Europe/Paris")!
            let app = Application(router: buildRouter(settings: settings, stores: test.stores, ingest: IngestService(events: test.database)))
            try await app.test(.router) { client in
                #expect(try await client.execute(uri: "/v1/reports/overview?from=2026-03-28&to=2026-03-30", method: .get).status == .unauthorized)
                let ok = try await client.execute(uri: "/v1/reports/overview?from=2026-03-28&to=2026-03-30", method: .get, headers: bearer)
                #expect(ok.status == .ok)
                let body = try json(ok)
                #expect(body[path: "time_zone"] == "Europe/Paris" && body[path: "events"] == 4 && body[path: "emails_sent"] == 1 && body[path: "unique_clicks"] == 1)
                #expect(body[path: "conversions"] == 1 && body[path: "revenue"] == 12.5 && body[path: "new_profiles"] == 1)
                #expect(body[path: "daily"]?.arrayValue?.map { $0[path: "revenue"] } == [0, 0, 12.5])
                // The same engine call as the CLI and the dashboard.
                let range = try DayRange(from: "2026-03-28", to: "2026-03-30", timeZone: TimeZone(identifier: "Europe/Paris")!)
                #expect(body == .object(try await ReportService(stores: test.stores).overview(range).json))

                for (uri, path) in [("/v1/reports/overview?to=2026-03-30", "from"), ("/v1/reports/overview?from=2026-03-28", "to"),
                                    ("/v1/reports/overview?from=yesterday&to=2026-03-30", "from"), ("/v1/reports/overview?from=2026-03-28&to=2026-13-01", "to"),
                                    ("/v1/reports/overview?from=2026-03-28&to=2026-03-01", "to"), ("/v1/reports/overview?from=2024-01-01&to=2026-01-01", "to"),
                                    ("/v1/reports/overview?from=2026-03-28&to=2026-03-30&window=soon", "window")] {
                    let bad = try await client.execute(uri: uri, method: .get, headers: bearer)
                    #expect(bad.status == .badRequest, "\(uri)")
                    #expect(try json(bad)[keys: "error", "path"] == .string(path), "\(uri)")
                }
            }
        }
    }
}
