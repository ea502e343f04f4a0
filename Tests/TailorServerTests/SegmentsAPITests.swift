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

@Suite("Segments API")
struct SegmentsAPITests {
    var adminJSON: HTTPFields { [.authorization: "Bearer \(adminKey)", .contentType: "application/json"] }

    @Test func createFromTextOrJSONThenMembersExplainAndDelete() async throws {
        try await TestDatabase.with(.sqlite) { test in
            try await makeApp(test.database).test(.router) { client in
                let batch = #"""
                    {"batch": [
                      {"type": "identify", "userId": "ny1", "traits": {"city": "New York"}, "messageId": "i1"},
                      {"type": "identify", "userId": "ny2", "traits": {"city": "New York"}, "messageId": "i2"},
                      {"type": "identify", "userId": "pa1", "traits": {"city": "Paris"}, "messageId": "i3"},
                      {"type": "track", "userId": "ny2", "event": "Order Completed", "properties": {"revenue": 80}, "messageId": "o1"}
                    ]}
                    """#
                #expect(try await client.execute(uri: "/v1/batch", method: .post, headers: basic(writeKey), body: ByteBuffer(string: batch)).status == .ok)

                // The text form.
                let created = try await client.execute(uri: "/v1/segments", method: .post, headers: adminJSON,
                                                       body: ByteBuffer(string: #"{"name": "New York", "where": "traits.city = \"New York\""}"#))
                #expect(created.status == .created)
                let c = try json(created)
                #expect(c[path: "id"] == "new-york")
                #expect(c[path: "size"] == 2)
                #expect(c[path: "where.field"] == "traits.city")
                // The JSON form, referring to the first.
                let buyers = #"{"name": "NY buyers", "where": {"and": [{"segment": "new-york"}, {"event": {"names": ["Order Completed"]}, "aggregate": "count", "op": ">=", "value": 1}]}}"#
                let b = try await client.execute(uri: "/v1/segments", method: .post, headers: adminJSON, body: ByteBuffer(string: buyers))
                #expect(b.status == .created)
                #expect(try json(b)[path: "text"] == #"in segment "new-york" and count("Order Completed") >= 1"#)

                let members = try json(try await client.execute(uri: "/v1/segments/ny-buyers/members", method: .get, headers: bearer))
                #expect(members[path: "members"]?.arrayValue?.compactMap { $0[path: "user_id"]?.stringValue } == ["ny2"])
                let csv = try await client.execute(uri: "/v1/segments/new-york/members?format=csv", method: .get, headers: bearer)
                let lines = String(buffer: csv.body).split(separator: "\n").map(String.init)
                #expect(lines.first == "profile_id,user_id")
                #expect(Set(lines.dropFirst().map { String($0.split(separator: ",").last!) }) == ["ny1", "ny2"])

                let explain = try json(try await client.execute(uri: "/v1/segments/ny-buyers/explain/user:ny1", method: .get, headers: bearer))
                #expect(explain[path: "member"] == false)
                #expect(explain[path: "explanation.children"]?.arrayValue?.map { $0[path: "held"] } == [true, false])

                // New York is used by NY buyers: it cannot be deleted first.
                let refused = try await client.execute(uri: "/v1/segments/new-york", method: .delete, headers: bearer)
                #expect(refused.status == .conflict)
                #expect(try await client.execute(uri: "/v1/segments/ny-buyers", method: .delete, headers: bearer).status == .noContent)
                #expect(try await client.execute(uri: "/v1/segments/new-york", method: .delete, headers: bearer).status == .noContent)
                let list = try json(try await client.execute(uri: "/v1/segments", method: .get, headers: bearer))
                #expect(list[path: "segments"]?.arrayValue?.isEmpty == true)
            }
        }
    }

    @Test func badDefinitionsAreRefusedWithWhatAndWhere() async throws {
        try await TestDatabase.with(.sqlite) { test in
            try await makeApp(test.database).test(.router) { client in
                func post(_ body: String) async throws -> (HTTPResponse.Status, JSONValue) {
                    let r = try await client.execute(uri: "/v1/segments", method: .post, headers: adminJSON, body: ByteBuffer(string: body))
                    return (r.status, try json(r))
                }
                let (s1, e1) = try await post(#"{"name": "x", "where": "traits.city = "}"#)
                #expect(s1 == .badRequest)
                #expect(e1[path: "error.code"] == "invalid_condition")
                #expect(e1[path: "error.message"]?.stringValue?.contains("line 1, column 15") == true)
                let (s2, e2) = try await post(#"{"name": "x", "where": {"field": "traits.city", "op": "like", "value": "x"}}"#)
                #expect(s2 == .badRequest)
                #expect(e2[path: "error.path"] == "where.op")
                let (s3, e3) = try await post(#"{"name": "x", "where": "traits.email contains \"@\""}"#)
                #expect(s3 == .unprocessableContent)
                #expect(e3[path: "error.message"]?.stringValue?.contains("personal data") == true)
                let (s4, _) = try await post(#"{"name": "x", "where": "in segment \"nope\""}"#)
                #expect(s4 == .unprocessableContent)
                let (s5, _) = try await post(#"{"where": "traits.x exists"}"#)
                #expect(s5 == .badRequest)
                let unauthorized = try await client.execute(uri: "/v1/segments", method: .get, headers: [.authorization: "Bearer nope"])
                #expect(unauthorized.status == .unauthorized)
                #expect(try await client.execute(uri: "/v1/segments/nope", method: .get, headers: bearer).status == .notFound)
                // Templates and audit answer.
                let templates = try json(try await client.execute(uri: "/v1/segments/templates", method: .get, headers: bearer))
                #expect(templates[path: "templates"]?.arrayValue?.count == SegmentTemplates.all.count)
                #expect(try json(try await client.execute(uri: "/v1/segments/audit", method: .get, headers: bearer))[path: "profiles"] == 0)
                let fromTemplate = try await client.execute(uri: "/v1/segments", method: .post, headers: adminJSON,
                                                            body: ByteBuffer(string: #"{"from_template": "lapsed"}"#))
                #expect(fromTemplate.status == .created)
                #expect(try json(fromTemplate)[path: "id"] == "lapsed")
            }
        }
    }

    @Test func aSegmentOnComputedTraitsCountsTheScoredProfiles() async throws {
        try await TestDatabase.with(.sqlite) { test in
            try await makeApp(test.database).test(.router) { client in
                let batch = #"{"batch": [{"type": "identify", "userId": "u1", "messageId": "i1"}, {"type": "identify", "userId": "u2", "messageId": "i2"}, "#
                    + #"{"type": "identify", "userId": "u3", "messageId": "i3"}, {"type": "identify", "userId": "u4", "messageId": "i4"}]}"#
                #expect(try await client.execute(uri: "/v1/batch", method: .post, headers: basic(writeKey), body: ByteBuffer(string: batch)).status == .ok)
                // Scores as `tailor ml scores` writes them: 75, 60 and 59.5; u4 has none.
                var traits: [ComputedTrait] = []
                for (user, score) in [("u1", 75.0), ("u2", 60), ("u3", 59.5)] {
                    let id = try #require(try await test.database.profile(.identity(Identity(.user, user)))).id
                    traits.append(ComputedTrait(profileId: id, name: "engagement_score", number: score))
                }
                try await test.stores.computedTraits.writeComputedTraits(traits, at: Date())

                let created = try await client.execute(uri: "/v1/segments", method: .post, headers: adminJSON,
                                                       body: ByteBuffer(string: #"{"name": "Engaged", "where": "computed.engagement_score >= 60"}"#))
                #expect(created.status == .created)
                let c = try json(created)
                #expect(c[path: "size"] == 2)
                #expect(c[path: "where.field"] == "computed.engagement_score")
                let members = try json(try await client.execute(uri: "/v1/segments/engaged/members", method: .get, headers: bearer))
                #expect(members[path: "members"]?.arrayValue?.compactMap { $0[path: "user_id"]?.stringValue }.sorted() == ["u1", "u2"])
                let explain = try json(try await client.execute(uri: "/v1/segments/engaged/explain/user:u3", method: .get, headers: bearer))
                #expect(explain[path: "member"] == false)
                #expect(explain[path: "explanation.value"] == "59.5")

                let typo = try await client.execute(uri: "/v1/segments", method: .post, headers: adminJSON,
                                                    body: ByteBuffer(string: #"{"name": "Typo", "where": "computed.engagement >= 60"}"#))
                #expect(typo.status == .badRequest)
                let message = try json(typo)[path: "error.message"]?.stringValue ?? ""
                #expect(message.contains("line 1, column 10") && message.contains("unknown computed trait"), "\(message)")
            }
        }
    }
}
