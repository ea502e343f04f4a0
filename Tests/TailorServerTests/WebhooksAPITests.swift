import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import NIOCore
import Testing
import TailorCore
import TailorServer
import TailorStore
import TailorTesting

/// `/v1/webhooks` as a client uses it: a subscription to a segment's entries created (its secret never shown
/// again), refused with the field named, a call queued when an identify puts someone in the segment, the
/// delivery log read, and the subscription deleted.
@Suite("Webhooks API")
struct WebhooksAPITests {
    static let secret = "whsec-0123456789abcdef"

    @Test(arguments: TestBackend.available)
    func webhooksAreCreatedListedLoggedAndDeleted(backend: TestBackend) async throws {
        try await TestDatabase.with(backend) { test in
            try await makeApp(test.database).test(.router) { client in
                let admin: HTTPFields = [.authorization: "Bearer \(adminKey)", .contentType: "application/json"]
                func post(_ uri: String, _ body: String) async throws -> TestResponse {
                    try await client.execute(uri: uri, method: .post, headers: admin, body: ByteBuffer(string: body))
                }
                func refusal(_ body: String) async throws -> (HTTPResponse.Status, String?) {
                    let r = try await post("/v1/webhooks", body)
                    #expect(!String(buffer: r.body).contains(Self.secret), "an error echoed the secret")
                    return (r.status, try json(r)[keys: "error", "path"]?.stringValue)
                }
                let segment = try await post("/v1/segments", #"{"name": "Paris", "where": "traits.city = \"Paris\""}"#)
                #expect(segment.status == .created)

                // Refused, each naming its field.
                let hook = #""url": "https://crm.shop.test/hooks""#
                let key = #""secret": "\#(Self.secret)""#
                let good = #"\#(hook), "events": ["Segment Entered"], \#(key)"#
                #expect(try await refusal(#"{"url": "ftp://crm.shop.test", "events": ["Segment Entered"], \#(key)}"#) == (.badRequest, "url"))
                #expect(try await refusal(#"{"events": ["Segment Entered"], \#(key)}"#) == (.badRequest, "url"))
                #expect(try await refusal(#"{\#(hook), "events": ["Segment Entered"], "secret": "short"}"#) == (.badRequest, "secret"))
                #expect(try await refusal(#"{\#(hook), "events": ["Segment Entered"]}"#) == (.badRequest, "secret"))
                #expect(try await refusal(#"{\#(hook), "events": [], \#(key)}"#) == (.badRequest, "events"))
                #expect(try await refusal(#"{\#(hook), "events": "Segment Entered", \#(key)}"#)
                        == (.badRequest, "events"))
                #expect(try await refusal(#"{\#(hook), "events": ["A", 7], \#(key)}"#)
                        == (.badRequest, "events[1]"))
                #expect(try await refusal(#"{\#(good), "segment": "atlantis"}"#) == (.notFound, "segment"))
                #expect(try await refusal(#"{\#(hook), "events": ["Order Completed"], "segment": "paris", \#(key)}"#)
                        == (.badRequest, "segment"))
                #expect(try await refusal("[1]").0 == .badRequest)

                let created = try await post("/v1/webhooks", #"{\#(good), "segment": "paris"}"#)
                #expect(created.status == .created)
                #expect(!String(buffer: created.body).contains(Self.secret) && !String(buffer: created.body).contains("secret"))
                let webhook = try json(created)
                let id = try #require(webhook[path: "id"]?.stringValue)
                #expect(id.hasPrefix("wh_") && webhook[path: "url"] == "https://crm.shop.test/hooks" && webhook[path: "segment"] == "paris")
                #expect(webhook[path: "events"] == ["Segment Entered"])
                let order = try await post("/v1/webhooks", #"{"url": "http://127.0.0.1:9/orders", "events": ["Order Completed"], \#(key)}"#)
                #expect(order.status == .created)

                let listed = try await client.execute(uri: "/v1/webhooks", method: .get, headers: bearer)
                #expect(listed.status == .ok && !String(buffer: listed.body).contains(Self.secret))
                let ids = try json(listed)[path: "webhooks"]?.arrayValue?.compactMap { $0[path: "id"]?.stringValue } ?? []
                #expect(Set(ids) == [id, try #require(try json(order)[path: "id"]?.stringValue)])

                // No calls yet; a Paris identify puts ann in the segment: one call queued, due now. A Berlin one queues none.
                let log = "/v1/webhooks/\(id)/calls"
                #expect(try json(try await client.execute(uri: log, method: .get, headers: bearer))[path: "calls"] == [])
                for (user, city) in [("ann", "Paris"), ("bo", "Berlin")] {
                    let identify = #"{"userId": "\#(user)", "traits": {"city": "\#(city)"}, "messageId": "i-\#(user)"}"#
                    let r = try await client.execute(uri: "/v1/identify", method: .post, headers: basic(writeKey), body: ByteBuffer(string: identify))
                    #expect(r.status == .ok)
                }
                let calls = try json(try await client.execute(uri: log + "?limit=10", method: .get, headers: bearer))[path: "calls"]?.arrayValue ?? []
                #expect(calls.count == 1)
                let call = try #require(calls.first)
                #expect(call[path: "webhook_id"] == .string(id) && call[path: "url"] == "https://crm.shop.test/hooks")
                #expect(call[path: "state"] == "pending" && call[path: "attempts"] == 0 && call[path: "last_status"] == .null)
                #expect(call[path: "next_attempt_at"]?.stringValue != nil && call[path: "call_id"]?.stringValue?.hasPrefix("webhook:\(id):") == true)
                let badLimit = try await client.execute(uri: log + "?limit=0", method: .get, headers: bearer)
                #expect(try badLimit.status == .badRequest && json(badLimit)[keys: "error", "path"] == "limit")

                // Unknown ids, then the delete.
                let unknownCalls = try await client.execute(uri: "/v1/webhooks/wh_nope/calls", method: .get, headers: bearer)
                #expect(try unknownCalls.status == .notFound && json(unknownCalls)[keys: "error", "path"] == "id")
                #expect(try await client.execute(uri: "/v1/webhooks/wh_nope", method: .delete, headers: bearer).status == .notFound)
                #expect(try await client.execute(uri: "/v1/webhooks/wh%00x", method: .delete, headers: bearer).status == .notFound)
                #expect(try await client.execute(uri: "/v1/webhooks/\(id)", method: .delete, headers: bearer).status == .noContent)
                #expect(try await client.execute(uri: "/v1/webhooks/\(id)", method: .delete, headers: bearer).status == .notFound)
                #expect(try await client.execute(uri: log, method: .get, headers: bearer).status == .notFound)
                let after = try json(try await client.execute(uri: "/v1/webhooks", method: .get, headers: bearer))
                #expect(after[path: "webhooks"]?.arrayValue?.count == 1)
                #expect(try await client.execute(uri: "/v1/webhooks", method: .get).status == .unauthorized)
            }
        }
    }
}
