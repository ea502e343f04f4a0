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

@Suite("Privacy API")
struct PrivacyAPITests {
    @Test(arguments: TestBackend.available)
    func anExportAnswersWithEveryEventOfThePerson(backend: TestBackend) async throws {
        try await TestDatabase.with(backend) { test in
            try await makeApp(test.database).test(.router) { client in
                let batch = #"{"batch":[{"type":"identify","userId":"u1","traits":{"email":"ann@example.test"},"messageId":"i1"},"#
                    + #"{"type":"track","userId":"u1","event":"Viewed","messageId":"t1"},{"type":"track","userId":"u2","event":"Viewed","messageId":"t2"}]}"#
                #expect(try await client.execute(uri: "/v1/batch", method: .post, headers: basic(writeKey), body: ByteBuffer(string: batch)).status == .ok)
                let export = try await client.execute(uri: "/v1/privacy/export/email:ann@example.test", method: .get, headers: bearer)
                #expect(export.status == .ok)
                let doc = try json(export)
                #expect(doc[path: "events"]?.arrayValue?.compactMap { $0[path: "messageId"]?.stringValue } == ["i1", "t1"])
                #expect(doc[keys: "profile", "traits", "email"] == "ann@example.test")
                #expect(try await client.execute(uri: "/v1/privacy/export/user:nobody", method: .get, headers: bearer).status == .notFound)
                #expect(try await client.execute(uri: "/v1/privacy/export/nobody", method: .get, headers: bearer).status == .badRequest)
                #expect(try await client.execute(uri: "/v1/privacy/export/user:u1", method: .get).status == .unauthorized)
            }
        }
    }

    /// Erasure answers its receipt, again the same; later tracking calls naming the person are dropped; every
    /// read of the profile is logged with its purpose, and the log outlives the erasure.
    @Test(arguments: TestBackend.available)
    func anErasureAnswersItsReceiptAndReadsAreLogged(backend: TestBackend) async throws {
        try await TestDatabase.with(backend) { test in
            try await makeApp(test.database).test(.router) { client in
                let batch = #"{"batch":[{"type":"identify","userId":"u1","traits":{"email":"ann@example.test","city":"Oslo"},"messageId":"i1"},"#
                    + #"{"type":"track","userId":"u1","event":"Viewed","messageId":"t1"},{"type":"track","userId":"u2","event":"Viewed","messageId":"t2"}]}"#
                #expect(try await client.execute(uri: "/v1/batch", method: .post, headers: basic(writeKey), body: ByteBuffer(string: batch)).status == .ok)
                var reading = bearer
                reading[.init("X-Tailor-Purpose")!] = "support ticket 12"
                #expect(try await client.execute(uri: "/v1/profiles/user:u1", method: .get, headers: reading).status == .ok)
                #expect(try await client.execute(uri: "/v1/profiles/user:u1/events", method: .get, headers: bearer).status == .ok)
                #expect(try await client.execute(uri: "/v1/profiles/user:u1/consent", method: .get, headers: bearer).status == .ok)
                var tooLong = bearer
                tooLong[.init("X-Tailor-Purpose")!] = String(repeating: "x", count: 300)
                let refused = try await client.execute(uri: "/v1/profiles/user:u1", method: .get, headers: tooLong)
                #expect(try refused.status == .badRequest && json(refused)[path: "error.path"] == "X-Tailor-Purpose", "\(String(buffer: refused.body))")

                // A preview of an email for her reads her data too.
                let template = #"{"name":"hello","subject":"Hi","html":"<p>Hi {{ traits.city }}</p>"}"#
                #expect(try await client.execute(uri: "/v1/templates", method: .post, headers: bearer, body: ByteBuffer(string: template)).status == .created)
                #expect(try await client.execute(uri: "/v1/templates/hello/preview?profile=user:u1", method: .get, headers: bearer).status == .ok)

                // Rectification: the trait changes, and the profile answers it.
                let rectified = try await client.execute(uri: "/v1/profiles/user:u1/traits", method: .patch, headers: bearer,
                                                         body: ByteBuffer(string: #"{"traits":{"city":"Bergen"}}"#))
                #expect(rectified.status == .ok)
                #expect((try json(rectified))[keys: "traits", "city"] == "Bergen")
                let badTraits = try await client.execute(uri: "/v1/profiles/user:u1/traits", method: .patch, headers: bearer,
                                                         body: ByteBuffer(string: #"{"traits":{"consent":{"analytics":true}}}"#))
                #expect(try badTraits.status.code == 422 && json(badTraits)[path: "error.path"] == "traits.consent", "\(String(buffer: badTraits.body))")
                #expect(try await client.execute(uri: "/v1/profiles/user:u1/traits", method: .patch, headers: bearer,
                                                 body: ByteBuffer(string: #"{"traits":7}"#)).status == .badRequest)

                let erased = try await client.execute(uri: "/v1/privacy/erase/email:ann@example.test", method: .post, headers: bearer)
                #expect(erased.status == .ok)
                let receipt = try json(erased)
                #expect(receipt[keys: "removed", "events"]?.doubleValue == 3, "\(receipt)")  // i1, t1 and the rectification
                #expect(receipt[keys: "removed", "identities"]?.doubleValue == 2 && receipt[keys: "kept", "suppressed_addresses"]?.doubleValue == 1)
                #expect(receipt[keys: "storage", "reclaimed_at"]?.stringValue != nil)
                let again = try await client.execute(uri: "/v1/privacy/erase/user:u1", method: .post, headers: bearer)
                #expect(try again.status == .ok && json(again) == receipt)
                #expect(try await client.execute(uri: "/v1/privacy/erase/user:nobody", method: .post, headers: bearer).status == .notFound)
                #expect(try await client.execute(uri: "/v1/privacy/erase/nobody", method: .post, headers: bearer).status == .badRequest)
                #expect(try await client.execute(uri: "/v1/privacy/erase/user:u2", method: .post).status == .unauthorized)
                #expect(try await client.execute(uri: "/v1/profiles/user:u1", method: .get, headers: bearer).status == .notFound)

                // The person's app keeps sending: accepted as Segment expects, stored nowhere.
                let late = #"{"batch":[{"type":"track","userId":"u1","event":"Viewed","messageId":"t9"}]}"#
                #expect(try await client.execute(uri: "/v1/batch", method: .post, headers: basic(writeKey), body: ByteBuffer(string: late)).status == .ok)
                #expect(try await client.execute(uri: "/v1/profiles/user:u1", method: .get, headers: bearer).status == .notFound)

                let log = try await client.execute(uri: "/v1/privacy/access-log/user:u1", method: .get, headers: bearer)
                #expect(log.status == .ok)
                let entries = try #require((try json(log))[path: "entries"]?.arrayValue)
                #expect(entries.map { $0[path: "action"]?.stringValue } == [
                    "GET /v1/profiles/{id}", "GET /v1/profiles/{id}/events", "GET /v1/profiles/{id}/consent", "GET /v1/templates/{name}/preview", "PATCH /v1/profiles/{id}/traits",
                    "POST /v1/privacy/erase/{id}",
                    "POST /v1/privacy/erase/{id}",  // the second request, answered with the same receipt, is logged too
                ])
                #expect(entries.first?[path: "purpose"] == "support ticket 12" && entries.first?[path: "actor"] == "admin_key")
                #expect(try await client.execute(uri: "/v1/privacy/access-log/user:nobody", method: .get, headers: bearer).status == .notFound)
            }
        }
    }
}
