import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Testing
import TailorCore
import TailorEngine
import TailorStore
import TailorTesting

extension CampaignsAPITests {
    @Test(arguments: TestBackend.available)
    func campaignExperimentsOverHTTP(backend: TestBackend) async throws {
        try await TestDatabase.with(backend) { test in
            try await shop(test)
            try await app(test, campaigns: try settings()).test(.router) { client in
                let template = try await send(client, .post, "/v1/templates", ["name": "news", "subject": "Hi", "html": "<p>Hi</p>"])
                #expect(template.status == .created)
                // A design that does not hold is refused, naming the field.
                let twins = try await send(client, .post, "/v1/campaigns", [
                    "name": "Twins", "template": "news", "segments": ["VIPs"],
                    "experiment": ["variants": [["name": "A"], ["name": "A"]]],
                ])
                #expect(try twins.status == .badRequest && json(twins)[keys: "error", "path"] == "experiment.variants[1].name")
                let unknown = try await send(client, .post, "/v1/campaigns", [
                    "name": "Ghost", "template": "news", "segments": ["VIPs"],
                    "experiment": ["variants": [["name": "A", "template": "nope"]]],
                ])
                #expect(try unknown.status == .notFound && json(unknown)[keys: "error", "path"] == "experiment.variants[0].template")

                let created = try await send(client, .post, "/v1/campaigns", [
                    "name": "Trial", "template": "news", "segments": ["VIPs"],
                    "experiment": ["variants": [["name": "A", "subject": "Alpha", "weight": 1], ["name": "B", "subject": "Beta", "weight": 1]],
                                   "holdout": 0.2, "test": ["share": 0.5, "duration": "2h", "metric": "clicks", "at_end": "stop"]],
                ])
                #expect(created.status == .created)
                let design = try json(created)[keys: "experiment"]
                #expect(design?[keys: "holdout"] == 0.2 && design?[keys: "test", "duration"] == "2h" && design?[keys: "state"] == "testing")
                #expect(design?[keys: "variants"]?.arrayValue?.compactMap { $0[keys: "name"]?.stringValue } == ["A", "B"])
                #expect(try await send(client, .post, "/v1/campaigns/trial/send").status == .accepted)
                let sending = try await CampaignService(stores: test.stores, clock: ManualClock(t0)).send("trial", settings: try settings())
                #expect(sending.campaign.audience == 3)

                let listed = try json(try await send(client, .get, "/v1/campaigns/trial"))
                let assigned = listed[keys: "experiment", "assignment"]?.objectValue ?? [:]
                var total = 0.0
                for statuses in assigned.values {
                    for n in statuses.objectValue?.values ?? [:].values { total += n.doubleValue ?? 0 }
                }
                #expect(total == 3)

                let checked = try await send(client, .post, "/v1/campaigns/trial/decide")
                #expect(try checked.status == .ok && json(checked)[keys: "experiment", "state"] == "testing")
                let unknownWinner = try await send(client, .post, "/v1/campaigns/trial/decide", ["winner": "Z"])
                #expect(try unknownWinner.status == .unprocessableContent && json(unknownWinner)[keys: "error", "path"] == "winner")
                let decided = try await send(client, .post, "/v1/campaigns/trial/decide", ["winner": "B"])
                #expect(try decided.status == .ok && json(decided)[keys: "experiment", "winner"] == "B")
                #expect(try json(decided)[keys: "experiment", "analysis", "reason"] == "by_hand")

                let report = try await send(client, .get, "/v1/reports/campaigns/trial?by=variant")
                #expect(report.status == .ok)
                let groups = try json(report)[keys: "variants"]?.arrayValue ?? []
                #expect(groups.compactMap { $0[keys: "variant"]?.stringValue }.allSatisfy { ["A", "B", "holdout"].contains($0) })
                #expect(groups.compactMap { $0[keys: "recipients"]?.doubleValue }.reduce(0, +) == 3)
                for key in ["recipients", "sent", "delivered", "bounced", "unique_opens", "machine_opens", "unique_clicks", "unsubscribes",
                            "conversions", "revenue", "revenue_per_recipient"] {
                    #expect(groups.allSatisfy { $0[keys: key] != nil }, "\(key)")
                }
                let segments = try json(try await send(client, .get, "/v1/reports/campaigns/trial?by=segment"))[keys: "segments"]?.arrayValue
                #expect(segments?.first?[keys: "segment"] == "vips" && segments?.first?[keys: "recipients"] == 3)
                let badBy = try await send(client, .get, "/v1/reports/campaigns/trial?by=colour")
                #expect(try badBy.status == .badRequest && json(badBy)[keys: "error", "path"] == "by")

                _ = try await send(client, .post, "/v1/campaigns", ["name": "Plain", "template": "news", "segments": ["VIPs"]])
                let plain = try await send(client, .post, "/v1/campaigns/plain/decide")
                #expect(try plain.status == .unprocessableContent && json(plain)[keys: "error", "path"] == "experiment")
                let plainByVariant = try await send(client, .get, "/v1/reports/campaigns/plain?by=variant")
                #expect(try plainByVariant.status == .unprocessableContent && json(plainByVariant)[keys: "error", "path"] == "by")
            }
        }
    }
}
