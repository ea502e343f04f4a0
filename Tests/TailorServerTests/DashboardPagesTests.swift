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

@Suite("Dashboard: profiles and segments")
struct DashboardPagesTests {
    static let shop = #"""
        {"batch": [
          {"type": "identify", "userId": "u-ana", "traits": {"email": "Ana.Lima@shop.test", "first_name": "Ana", "last_name": "Lima", "city": "New York"}, "messageId": "i1"},
          {"type": "identify", "userId": "u-bo", "traits": {"email": "bo@shop.test", "name": "Bo Svensson", "city": "Paris"}, "messageId": "i2"},
          {"type": "track", "userId": "u-ana", "event": "Order Completed", "properties": {"revenue": 80, "order_id": "o-1"}, "messageId": "o1"}
        ]}
        """#

    @Test(arguments: TestBackend.available)
    func searchFindsProfilesByEmailUserIdAndNameAndTheProfilePageShowsThem(_ backend: TestBackend) async throws {
        try await TestDatabase.with(backend) { test in
            try await addDashboardUser(test.stores, "vic@shop.test", .viewer)
            try await makeDashboardApp(stores: test.stores).test(.router) { client in
                try await ingest(client, Self.shop)
                _ = try await SegmentService(stores: test.stores, clock: SystemClock())
                    .define(name: "New York", condition: try Condition(text: #"traits.city = "New York""#))
                var browser = DashboardBrowser(client)
                #expect(try await browser.signIn("vic@shop.test").status == .seeOther)

                func found(_ query: String) async throws -> String {
                    let response = try await browser.get("/app/profiles?q=" + formEncode(query))
                    #expect(response.status == .ok)
                    return String(buffer: response.body)
                }
                let byEmail = try await found(" ana.lima@SHOP.test ")
                #expect(byEmail.contains("Ana Lima") && byEmail.contains("1 profile") && !byEmail.contains("Bo Svensson"))
                #expect(try await found("u-bo").contains("Bo Svensson"))
                let byName = try await found("svens")
                #expect(byName.contains("Bo Svensson") && byName.contains("bo@shop.test") && !byName.contains("Ana Lima"))
                #expect(try await found("lima").contains("u-ana"))
                #expect(try await found("nobody-at-all").contains("No profile matches."))

                let id = try #require(try await test.stores.profiles.profile(.identity(Identity(.user, "u-ana")))?.id)
                let page = String(buffer: try await browser.get("/app/profiles/" + id.rawValue).body)
                for expected in ["<h1>Ana Lima</h1>", "Ana.Lima@shop.test", "New York", "Order Completed", "80.00", "u-ana",
                                 "/app/segments/new-york", "since", "email_marketing"] {
                    #expect(page.contains(expected), "profile page lacks \(expected)")
                }
                #expect(try await browser.get("/app/profiles/p_unknown").status == .notFound)
                // Showing the page is a read of Ana's data: the access log names the user and the page.
                let log = try await test.stores.privacy.accessLog(of: id)
                #expect(log.map(\.actor) == ["dashboard:vic@shop.test"] && log.first?.action == "GET /app/profiles/{id}")
            }
        }
    }

    @Test(arguments: TestBackend.available)
    func aHostileTraitValueIsEscapedEverywhereItIsShown(_ backend: TestBackend) async throws {
        try await TestDatabase.with(backend) { test in
            try await addDashboardUser(test.stores, "vic@shop.test", .viewer)
            try await makeDashboardApp(stores: test.stores).test(.router) { client in
                let hostile = #"<script>alert(1)</script>\"><img src=x onerror=alert(2)>"#
                try await ingest(client, """
                    {"batch": [{"type": "identify", "userId": "u-x", "traits": {"name": "\(hostile)", "plan": "\(hostile)"}, "messageId": "h1"},
                               {"type": "track", "userId": "u-x", "event": "\(hostile)", "properties": {"note": "\(hostile)"}, "messageId": "h2"}]}
                    """)
                var browser = DashboardBrowser(client)
                #expect(try await browser.signIn("vic@shop.test").status == .seeOther)
                let id = try #require(try await test.stores.profiles.profile(.identity(Identity(.user, "u-x")))?.id)
                for uri in ["/app/profiles/" + id.rawValue, "/app/profiles?q=script"] {
                    let body = String(buffer: try await browser.get(uri).body)
                    #expect(!body.contains("<script>alert"), "\(uri)")
                    #expect(!body.contains("<img src=x"), "\(uri)")
                    #expect(body.contains("&lt;script&gt;alert(1)&lt;/script&gt;&quot;&gt;&lt;img src=x onerror=alert(2)&gt;"), "\(uri)")
                }
            }
        }
    }

    @Test(arguments: TestBackend.available)
    func theBuilderShowsASyntaxErrorAtLineAndColumnThenSavesTheFixedSegment(_ backend: TestBackend) async throws {
        try await TestDatabase.with(backend) { test in
            try await addDashboardUser(test.stores, "mia@shop.test", .marketer)
            try await makeDashboardApp(stores: test.stores).test(.router) { client in
                try await ingest(client, Self.shop)
                var browser = DashboardBrowser(client)
                #expect(try await browser.signIn("mia@shop.test").status == .seeOther)
                #expect(try await browser.get("/app/segments/new").status == .ok)

                let broken = "traits.city = \"New York\"\n  and count(\"Order Completed\") >="
                let expected = try #require(throws: ConditionSyntaxError.self) { try Condition(text: broken) }
                #expect(expected.line == 2)
                let refused = try await browser.post("/app/segments", [("name", "NY <buyers>"), ("condition", broken), ("intent", "save")])
                #expect(refused.status == .unprocessableContent)
                let body = String(buffer: refused.body)
                #expect(body.contains("Line 2, column \(expected.column): "))
                #expect(body.contains(#"aria-invalid="true""#))
                #expect(body.contains(#"value="NY &lt;buyers&gt;""#), "what was typed is kept, escaped")
                #expect(body.contains("count(&quot;Order Completed&quot;) &gt;="), "the condition is kept")
                #expect(try await test.stores.segments.segments().isEmpty)

                // The live check says the same as JSON.
                let live = try json(try await browser.post("/app/segments/check", [("condition", broken)], accept: "application/json"))
                #expect(live[path: "ok"] == false)
                #expect(live[path: "line"] == 2)
                #expect(live[path: "column"] == .number(Double(expected.column)))
                let counted = try json(try await browser.post("/app/segments/check", [("condition", #"traits.city = "New York""#)]))
                #expect(counted[path: "ok"] == true)
                #expect(counted[path: "count"] == 1)
                // A personal field is refused as saving would refuse it.
                #expect(try json(try await browser.post("/app/segments/check", [("condition", #"traits.email = "a""#)]))[path: "ok"] == false)

                // Checking counts and shows sample members without saving.
                let fixed = "traits.city = \"New York\"\n  and count(\"Order Completed\") >= 1"
                let checked = try await browser.post("/app/segments", [("name", "NY buyers"), ("condition", fixed), ("intent", "check")])
                #expect(checked.status == .ok)
                let checkedBody = String(buffer: checked.body)
                #expect(checkedBody.contains(#"<strong id="preview-count">1</strong>"#) && checkedBody.contains("Ana Lima"))
                #expect(try await test.stores.segments.segments().isEmpty)

                let saved = try await browser.post("/app/segments", [("name", "NY buyers"), ("condition", fixed), ("intent", "save")])
                #expect(saved.status == .seeOther)
                #expect(saved.headers[.location] == "/app/segments/ny-buyers?saved=1")
                let page = String(buffer: try await browser.get("/app/segments/ny-buyers?saved=1").body)
                #expect(page.contains(#"<dd id="member-count">1</dd>"#) && page.contains("Ana Lima") && page.contains("Segment saved."))
                let list = String(buffer: try await browser.get("/app/segments").body)
                #expect(list.contains("NY buyers") && list.contains(#"<td data-label="Members" class="num">1</td>"#))

                // A second segment of the same name is refused at the name field.
                let clash = try await browser.post("/app/segments", [("name", "NY buyers"), ("condition", fixed), ("intent", "save")])
                #expect(clash.status == .conflict)
                #expect(String(buffer: clash.body).contains(#"id="name-error""#))
            }
        }
    }
}
