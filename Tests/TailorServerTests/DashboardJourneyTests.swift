import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import NIOCore
import Testing
import TailorCore
import TailorEngine
import TailorServer
import TailorStore
import TailorTesting

/// `/app/journeys` as viewers and marketers use it: the list and a journey's steps with the runs waiting at
/// each (the same counts as the API), and the lifecycle buttons for those allowed to press them.
@Suite("Dashboard: journeys")
struct DashboardJourneyTests {
    @Test(arguments: TestBackend.available)
    func journeysShowTheirRunsPerStepAndMarketersMoveThem(_ backend: TestBackend) async throws {
        try await TestDatabase.with(backend) { test in
            try await addDashboardUser(test.stores, "vic@shop.test", .viewer)
            try await addDashboardUser(test.stores, "mia@shop.test", .marketer)
            try await makeDashboardApp(stores: test.stores).test(.router) { client in
                try await JourneyService(stores: test.stores).create(name: "Carts <b>now</b>", fromTemplate: "abandoned-cart", parameters: [:])
                try await ingest(client, #"{"batch":[{"type":"track","userId":"u1","event":"Product Added","properties":{"product_id":"p1"}},"#
                                 + #"{"type":"track","userId":"u2","event":"Product Added","properties":{"product_id":"p2"}}]}"#)
                let api = try json(try await client.execute(uri: "/v1/journeys/carts-b-now-b", method: .get, headers: bearer))
                #expect(api[keys: "counts", "waiting_at_step"] == [2])

                var viewer = DashboardBrowser(client)
                #expect(try await viewer.signIn("vic@shop.test").status == .seeOther)
                let list = String(buffer: try await viewer.get("/app/journeys").body)
                #expect(list.contains("Carts &lt;b&gt;now&lt;/b&gt;") && !list.contains("<b>now</b>"))
                #expect(list.contains(#"<td data-label="Active" class="num">2</td>"#), "\(list)")
                let page = String(buffer: try await viewer.get("/app/journeys/carts-b-now-b").body)
                #expect(page.contains("send abandoned-cart: <span class=\"waiting\">2</span> waiting") && page.contains("<svg"), "\(page)")
                #expect(!page.contains("Pause</button>"))
                #expect(try await viewer.post("/app/journeys/carts-b-now-b/state", [("state", "paused")]).status == .forbidden)

                var marketer = DashboardBrowser(client)
                #expect(try await marketer.signIn("mia@shop.test").status == .seeOther)
                _ = try await marketer.get("/app/journeys/carts-b-now-b")
                #expect(try await marketer.post("/app/journeys/carts-b-now-b/state", [("state", "paused")], withCSRF: false).status == .forbidden)
                #expect(try await marketer.post("/app/journeys/carts-b-now-b/state", [("state", "paused")]).status == .seeOther)
                let paused = String(buffer: try await marketer.get("/app/journeys/carts-b-now-b").body)
                #expect(paused.contains(#"<dd id="journey-state">paused</dd>"#) && paused.contains("Resume</button>"))
                #expect(try await marketer.post("/app/journeys/carts-b-now-b/state", [("state", "archived")]).status == .seeOther)
                let archived = String(buffer: try await marketer.get("/app/journeys/carts-b-now-b").body)
                #expect(archived.contains("archived: <span class=\"num\">2</span>") && !archived.contains("Resume</button>"), "\(archived)")
                let refused = try await marketer.post("/app/journeys/carts-b-now-b/state", [("state", "active")])
                #expect(refused.status == .conflict && String(buffer: refused.body).contains("is archived"))
                #expect(try await marketer.get("/app/journeys/nope").status == .notFound)

                // A journey with a branch and a wait for an event shows where each sends its runs.
                try await JourneyService(stores: test.stores).create(name: "Paths", json: try JSONParser.parse(#"""
                    {"trigger": {"event": "Signed Up"}, "steps": [
                      {"branch": {"if": "traits.vip = true", "then": "vip"}},
                      {"wait": "1d", "next": "check"},
                      {"id": "vip", "wait": "2h"},
                      {"id": "check", "wait_for": {"event": "Order Completed", "timeout": "3d", "on_timeout": "bye"}},
                      {"exit": true},
                      {"id": "bye", "exit": true}]}
                    """#))
                let paths = String(buffer: try await marketer.get("/app/journeys/paths").body)
                #expect(paths.contains("if traits.vip = true: <span class=\"waiting\">0</span> waiting; yes → 3 · no → 2</li>"), "\(paths)")
                #expect(paths.contains("wait 1d: <span class=\"waiting\">0</span> waiting; → 4</li>"))
                #expect(paths.contains("event → 5 · timeout → 6"))
            }
        }
    }
}
