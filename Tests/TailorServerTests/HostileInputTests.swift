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

/// Input an attacker or a broken client sends through the public write key and the admin key: each gets a
/// clean 4xx naming what and where, and nothing already stored is lost or detached.
@Suite("Hostile input")
struct HostileInputTests {
    var adminJSON: HTTPFields { [.authorization: "Bearer \(adminKey)", .contentType: "application/json"] }

    func post(_ client: some TestClientProtocol, _ uri: String, _ body: String, headers: HTTPFields = basic(writeKey)) async throws -> TestResponse {
        try await client.execute(uri: uri, method: .post, headers: headers, body: ByteBuffer(string: body))
    }

    /// The profile's order count and user ids, read through the admin API.
    func orders(_ client: some TestClientProtocol, _ reference: String) async throws -> (orders: JSONValue?, userIds: JSONValue?) {
        let r = try await client.execute(uri: "/v1/profiles/\(reference)", method: .get, headers: bearer)
        #expect(r.status == .ok)
        let p = try json(r)
        return (p[path: "computed.order_count"], p[path: "identities.user_ids"])
    }

    @Test("a NUL in an id or a name is refused with the field's path, and the customer's history stays theirs",
          arguments: TestBackend.available)
    func nulInIdentifiers(backend: TestBackend) async throws {
        try await TestDatabase.with(backend) { test in
            try await makeApp(test.database).test(.router) { client in
                #expect(try await post(client, "/v1/identify", #"{"userId":"victim42","messageId":"i1"}"#).status == .ok)
                let order = #"{"userId":"victim42","event":"Order Completed","properties":{"revenue":10},"messageId":"o1"}"#
                #expect(try await post(client, "/v1/track", order).status == .ok)
                let before = try await test.database.counts()
                let cases: [(uri: String, body: String, path: String)] = [
                    ("/v1/identify", #"{"userId":"victim42\u0000","messageId":"i2"}"#, "userId"),
                    ("/v1/identify", #"{"userId":"\u0000x","messageId":"i3"}"#, "userId"),
                    ("/v1/identify", #"{"anonymousId":"a\u0000b","messageId":"i4"}"#, "anonymousId"),
                    ("/v1/track", #"{"userId":"victim42","event":"Order\u0000 Completed","messageId":"t1"}"#, "event"),
                    ("/v1/track", #"{"userId":"victim42","event":"x","messageId":"o1\u0000again"}"#, "messageId"),
                    ("/v1/page", #"{"userId":"victim42","name":"Home\u0000","messageId":"p1"}"#, "name"),
                    ("/v1/alias", #"{"userId":"victim42","previousId":"anon\u0000","messageId":"a1"}"#, "previousId"),
                    ("/v1/group", #"{"userId":"victim42","groupId":"\u0000","messageId":"g1"}"#, "groupId"),
                    ("/v1/batch", #"{"batch":[{"type":"track","userId":"victim42","event":"x","messageId":"b1"},{"type":"identify","userId":"victim42\u0000"}]}"#,
                     "batch[1].userId"),
                ]
                for c in cases {
                    let r = try await post(client, c.uri, c.body)
                    #expect(r.status == .badRequest, "\(c.uri) \(c.path)")
                    let e = try json(r)
                    #expect(e[path: "error.path"] == .string(c.path), "\(c.uri) \(c.path)")
                    #expect(e[path: "error.message"]?.stringValue?.contains("NUL") == true)
                    // The value itself is never echoed.
                    #expect(!String(buffer: r.body).contains("victim42"))
                }
                #expect(try await test.database.counts() == before)
                let victim = try await orders(client, "user:victim42")
                #expect(victim.orders == 1)
                #expect(victim.userIds == ["victim42"])
                // Looking a profile up by an id with a NUL finds nothing rather than the id before the NUL.
                let lookup = try await client.execute(uri: "/v1/profiles/user:victim42%00", method: .get, headers: bearer)
                #expect(lookup.status == .badRequest || lookup.status == .notFound)
            }
        }
    }

    @Test("message ids that differ only after a NUL: a 400 naming the item, nothing stored, and the good events go through on retry",
          arguments: TestBackend.available)
    func messageIdsDifferingAfterNUL(backend: TestBackend) async throws {
        try await TestDatabase.with(backend) { test in
            try await makeApp(test.database).test(.router) { client in
                let bad = #"{"batch":[{"type":"track","userId":"u1","event":"A","messageId":"m\u0000one"},{"type":"track","userId":"u1","event":"B","messageId":"m\u0000two"},{"type":"track","userId":"u2","event":"C","messageId":"ok"}]}"#
                for _ in 0..<2 {
                    let r = try await post(client, "/v1/batch", bad)
                    #expect(r.status == .badRequest)
                    #expect(try json(r)[path: "error.path"] == "batch[0].messageId")
                    #expect(try json(r)[path: "error.index"] == 0)
                }
                #expect(try await test.database.counts().events == 0)
                let good = #"{"batch":[{"type":"track","userId":"u2","event":"C","messageId":"ok"}]}"#
                #expect(try await post(client, "/v1/batch", good).status == .ok)
                #expect(try await test.database.counts().events == 1)
            }
        }
    }

    @Test("the store refuses a message with a NUL in an id whoever sends it, and stores nothing of its batch",
          arguments: TestBackend.available)
    func storeRefusesNUL(backend: TestBackend) async throws {
        try await TestDatabase.with(backend) { test in
            let db = test.database
            let t = Date(millisecondsSince1970: 1_700_000_000_000)
            _ = try await db.ingest([.identify(userId: "victim42", traits: [:], at: t, messageId: "i1")], planner: IngestPlanner())
            await #expect {
                _ = try await db.ingest([.track("X", userId: "ok", at: t, messageId: "x1"),
                                         .identify(userId: "victim42\u{0}", traits: [:], at: t, messageId: "i2")], planner: IngestPlanner())
            } throws: { error in
                guard let e = error as? StoreError else { return false }
                return e.kind == .invalidInput && e.description.contains("userId") && !e.description.contains("victim")
            }
            #expect(try await db.counts() == StoreCounts(profiles: 1, events: 1, products: 0, merges: 0))
        }
    }

    @Test("numbers that are not finite or too large are stored as sent, and every computed value stays finite",
          arguments: TestBackend.available)
    func nonFiniteNumbers(backend: TestBackend) async throws {
        try await TestDatabase.with(backend) { test in
            try await makeApp(test.database).test(.router) { client in
                let batch = #"""
                    {"batch": [
                      {"type": "track", "userId": "u1", "event": "Order Completed", "properties": {"revenue": "nan", "total": 20}, "messageId": "o1", "timestamp": "2026-01-01T00:00:01Z"},
                      {"type": "track", "userId": "u1", "event": "Order Completed", "properties": {"revenue": " Infinity "}, "messageId": "o2", "timestamp": "2026-01-01T00:00:02Z"},
                      {"type": "track", "userId": "u1", "event": "Order Completed", "properties": {"revenue": "-inf", "products": [{"price": 1e308, "quantity": 10}, {"price": "3", "quantity": "2"}]}, "messageId": "o3", "timestamp": "2026-01-01T00:00:03Z"},
                      {"type": "track", "userId": "u1", "event": "Product Added", "properties": {"product_id": "p1", "price": 1e308, "quantity": 10}, "messageId": "a1", "timestamp": "2026-01-01T00:00:04Z"},
                      {"type": "track", "userId": "u1", "event": "Product Added", "properties": {"product_id": 1e300, "price": 5, "quantity": "inf"}, "messageId": "a2", "timestamp": "2026-01-01T00:00:05Z"}
                    ]}
                    """#
                #expect(try await post(client, "/v1/batch", batch).status == .ok)
                let p = try json(try await client.execute(uri: "/v1/profiles/user:u1", method: .get, headers: bearer))
                #expect(p[path: "computed.order_count"] == 3)
                #expect(p[path: "computed.revenue"] == 26)
                #expect(p[path: "computed.cart_value"] == 5)
                #expect(p[path: "computed.average_order_value"] == 8.67)
                let events = try json(try await client.execute(uri: "/v1/profiles/user:u1/events?limit=10", method: .get, headers: bearer))
                let first = events[path: "events"]?.arrayValue?.first { $0[path: "messageId"] == "o1" }
                #expect(first?[path: "properties.revenue"] == "nan")
                // Rebuilt from history, the state is the same.
                let id = try #require(try await test.database.profile(ProfileReference("user:u1")!)).id
                let before = try #require(try await test.database.aggregate(id)).state
                _ = try await test.database.rebuildProfiles(progress: nil)
                #expect(try await test.database.aggregate(id)?.state == before)
            }
        }
    }

    @Test("the admin API names Tailor's fields in snake_case, keeps Segment's wire names, and writes money to the cent")
    func snakeCaseAndCents() async throws {
        try await TestDatabase.with(.sqlite) { test in
            try await makeApp(test.database).test(.router) { client in
                let batch = #"""
                    {"batch": [
                      {"type": "identify", "userId": "u1", "anonymousId": "a1", "traits": {"city": "Oslo"}, "messageId": "i1"},
                      {"type": "track", "userId": "u1", "event": "Order Completed", "properties": {"revenue": 10.1}, "messageId": "o1"},
                      {"type": "track", "userId": "u1", "event": "Order Completed", "properties": {"revenue": 20.2}, "messageId": "o2"},
                      {"type": "track", "userId": "u1", "event": "Order Completed", "properties": {"revenue": 30.3}, "messageId": "o3"},
                      {"type": "track", "userId": "u1", "event": "Product Added", "properties": {"product_id": "p", "price": 0.1, "quantity": 3}, "messageId": "z1"}
                    ]}
                    """#
                #expect(try await post(client, "/v1/batch", batch).status == .ok)
                let r = try await client.execute(uri: "/v1/profiles/user:u1", method: .get, headers: bearer)
                let text = String(buffer: r.body)
                let p = try json(r)
                // 10.1 + 20.2 + 30.3 is 60.599999999999994 in binary floating point.
                #expect(text.contains(#""revenue":60.6"#))
                #expect(p[path: "computed.average_order_value"] == 20.2)
                #expect(p[path: "computed.cart_value"] == 0.3)
                #expect(p[path: "trait_families.geographic.city"] == "Oslo")
                #expect(p[path: "identities.user_ids"] == ["u1"])
                #expect(p[path: "identities.anonymous_ids"] == ["a1"])
                #expect(p[path: "event_counts.Order Completed"] == 3)
                #expect(p[path: "created_at"]?.stringValue != nil)
                for camel in ["traitFamilies", "eventCounts", "createdAt", "userIds", "anonymousIds"] { #expect(!text.contains(camel)) }
                let events = try json(try await client.execute(uri: "/v1/profiles/user:u1/events?limit=1", method: .get, headers: bearer))
                #expect(events[path: "profile_id"]?.stringValue?.hasPrefix("p_") == true)
                #expect(events[path: "events"]?.arrayValue?.first?[path: "messageId"] == "z1")
                #expect(events[path: "events"]?.arrayValue?.first?[path: "receivedAt"]?.stringValue != nil)
            }
        }
    }

    @Test("a timestamp in year 9999 does not freeze a trait or last_seen; impossible ones are refused", arguments: TestBackend.available)
    func futureAndImpossibleTimestamps(backend: TestBackend) async throws {
        try await TestDatabase.with(backend) { test in
            try await makeApp(test.database).test(.router) { client in
                let future = #"{"userId":"u1","traits":{"plan":"gold"},"timestamp":"9999-12-31T23:59:59Z","messageId":"i1"}"#
                #expect(try await post(client, "/v1/identify", future).status == .ok)
                let later = #"{"userId":"u1","traits":{"plan":"silver"},"messageId":"i2"}"#
                #expect(try await post(client, "/v1/identify", later).status == .ok)
                let p = try json(try await client.execute(uri: "/v1/profiles/user:u1", method: .get, headers: bearer))
                #expect(p[path: "traits.plan"] == "silver")
                let lastSeen = try #require(p[path: "computed.last_seen"]?.stringValue.flatMap(ISO8601.parse))
                #expect(lastSeen < Date().addingTimeInterval(3600))
                let events = try json(try await client.execute(uri: "/v1/profiles/user:u1/events", method: .get, headers: bearer))
                let first = events[path: "events"]?.arrayValue?.first { $0[path: "messageId"] == "i1" }
                #expect(first?[path: "context.originalTimestamp"] == "9999-12-31T23:59:59Z")
                for bad in ["2024-05-01T12:00:00+99:99", "0000-01-01T00:00:00Z", "2023-02-29T10:00:00Z"] {
                    let r = try await post(client, "/v1/track", #"{"userId":"u1","event":"x","timestamp":"\#(bad)"}"#)
                    #expect(r.status == .badRequest, "\(bad)")
                    #expect(try json(r)[path: "error.path"] == "timestamp")
                }
            }
        }
    }

    @Test("creating a segment whose id or name is taken answers 409 and changes nothing; PUT updates it",
          arguments: TestBackend.available)
    func createDoesNotRedefine(backend: TestBackend) async throws {
        try await TestDatabase.with(backend) { test in
            try await makeApp(test.database).test(.router) { client in
                let first = try await post(client, "/v1/segments", #"{"name": "Big", "where": "profile.revenue > 100"}"#, headers: adminJSON)
                #expect(first.status == .created)
                let sameName = try await post(client, "/v1/segments", #"{"name": "Big", "where": "profile.revenue > 1"}"#, headers: adminJSON)
                #expect(sameName.status == .conflict)
                #expect(try json(sameName)[path: "error.code"] == "segment_exists")
                let sameId = try await post(client, "/v1/segments", #"{"name": "Other", "id": "big", "where": "profile.revenue > 1"}"#,
                                            headers: adminJSON)
                #expect(sameId.status == .conflict)
                let shown = try json(try await client.execute(uri: "/v1/segments/big", method: .get, headers: bearer))
                #expect(shown[path: "text"] == "profile.revenue > 100")
                let put = try await client.execute(uri: "/v1/segments/big", method: .put, headers: adminJSON,
                                                   body: ByteBuffer(string: #"{"where": "profile.revenue > 5"}"#))
                #expect(put.status == .ok)
                #expect(try json(put)[path: "text"] == "profile.revenue > 5")
                let template = #"{"from_template": "lapsed"}"#
                #expect(try await post(client, "/v1/segments", template, headers: adminJSON).status == .created)
                #expect(try await post(client, "/v1/segments", template, headers: adminJSON).status == .conflict)
            }
        }
    }

    @Test("a segment over a thousand windowed event names is created, and tracking goes on", arguments: TestBackend.available)
    func wideSegmentKeepsIngestRunning(backend: TestBackend) async throws {
        try await TestDatabase.with(backend) { test in
            try await makeApp(test.database).test(.router) { client in
                let atoms = (0..<1000).map { #"count("e\#($0)" in last \#($0 + 1) days) >= 1"# }.joined(separator: " or ")
                let body = JSONWriter.string(["name": "Wide", "where": .string(atoms)])
                let created = try await post(client, "/v1/segments", body, headers: adminJSON)
                #expect(created.status == .created)
                for i in 0..<5 {
                    let track = #"{"userId":"u\#(i)","event":"e\#(i * 100)","messageId":"t\#(i)"}"#
                    #expect(try await post(client, "/v1/track", track).status == .ok)
                }
                let members = try json(try await client.execute(uri: "/v1/segments/wide/members", method: .get, headers: bearer))
                #expect(members[path: "members"]?.arrayValue?.count == 5)
                let count = try json(try await client.execute(uri: "/v1/segments/wide/members?count=true", method: .get, headers: bearer))
                #expect(count[path: "count"] == 5)
            }
        }
    }
}
