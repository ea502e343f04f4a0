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
}
