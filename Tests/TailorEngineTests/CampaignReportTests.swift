import Foundation
import Testing
import TailorCore
import TailorEngine
import TailorStore
import TailorTesting

@Suite("Campaign reports")
struct CampaignReportTests {
    @Test(arguments: TestBackend.available)
    func everyFigureEqualsAHandCount(backend: TestBackend) async throws {
        try await TestDatabase.with(backend) { test in
            let shop = try await CampaignShop.make(test)
            try await shop.service.create(.init(name: "Report Test", template: "news", segments: ["vips"], excluded: ["staff"]))
            try await shop.service.send("report-test", settings: try shop.settings())
            let worker = OutboxWorker(store: test.stores.mail, configuration: .init(workerID: "w"), clock: shop.clock)
            #expect(try await worker.drain(using: ScriptedTransport()).sent == 2)  // Ana and Bo, delivered at t0
            let t0 = CampaignShop.t0
            let hour: TimeInterval = 3600, day: TimeInterval = 86_400
            func event(_ name: String, _ user: String, _ at: TimeInterval, _ properties: JSONObject = [:], id: String) -> TailorCore.Message {
                var p = properties
                if p["campaign_id"] == nil { p["campaign_id"] = "report-test" }
                return .track(name, userId: user, properties: p, at: t0 + at, messageId: id)
            }
            _ = try await test.database.ingest([
                // Ana: a machine open and a human one, a human click, an order a day later (converts), one 10 days later (outside
                // the window), a click on another email at day 3 and an order after it (the other email's).
                event("Email Opened", "u1", 60, ["machine_open": true], id: "e1"),
                event("Email Opened", "u1", hour, ["machine_open": false], id: "e2"),
                event("Email Clicked", "u1", 2 * hour, ["machine_click": false], id: "e3"),
                .track("Order Completed", userId: "u1", properties: ["order_id": "o1", "revenue": 40], at: t0 + day, messageId: "o1"),
                .track("Order Completed", userId: "u1", properties: ["order_id": "o2", "revenue": 99], at: t0 + 10 * day, messageId: "o2"),
                event("Email Clicked", "u1", 3 * day, ["campaign_id": "other"], id: "e4"),
                .track("Order Completed", userId: "u1", properties: ["order_id": "o3", "products": [["price": 5, "quantity": 2]]],
                       at: t0 + 3.5 * day, messageId: "o3"),
                // Bo: a machine open, a click one second after delivery (a scanner), an order (no human touch), an unsubscribe.
                event("Email Opened", "u2", 30, ["machine_open": true], id: "e5"),
                event("Email Clicked", "u2", 1, ["machine_click": false], id: "e6"),
                .track("Order Completed", userId: "u2", properties: ["order_id": "o4", "revenue": 25], at: t0 + day, messageId: "o4"),
                event("Unsubscribed", "u2", 2 * hour, id: "e7"),
            ], planner: IngestPlanner())

            let report = try await ReportService(stores: test.stores).campaign("Report Test")
            #expect(report.recipients == 5 && report.sent == 2 && report.delivered == 2 && report.bounced == 0)
            #expect(report.uniqueOpens == 1 && report.machineOpens == 2)
            #expect(report.uniqueClicks == 1 && report.botClicks == 1 && report.unsubscribes == 1)
            #expect(report.conversions == 1 && report.revenue == 40 && report.revenuePerRecipient == 20)
            #expect(report.clickThroughRate == 0.5 && report.clickToOpenRate == 1)
            // Opens as touches: Ana's human open would also have earned o1 (already counted); the machine opens never do.
            let withOpens = try await ReportService(stores: test.stores).campaign("report-test", opensCount: true)
            #expect(withOpens.conversions == 1 && withOpens.revenue == 40)
            // A window of 12 days takes in o2 (10 days after the click, with no other touch between… but the day-3 click on the
            // other email is later than ours: o2 goes to it).
            let wide = try await ReportService(stores: test.stores).campaign("report-test", window: 12 * day)
            #expect(wide.conversions == 1)
            let json = report.json
            for key in ["recipients", "sent", "delivered", "bounced", "unique_opens", "machine_opens", "unique_clicks", "unsubscribes",
                        "conversions", "revenue", "revenue_per_recipient"] {
                #expect(json[key] != nil, "\(key)")
            }
            await #expect(throws: RequestError.self) { try await ReportService(stores: test.stores).campaign("nope") }
        }
    }
}
