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

/// The admin API is guarded once, by `AdminKeyMiddleware` on its route group: every admin route refuses a
/// missing or wrong key with 401 before doing anything, and answers with the right one.
@Suite("Admin key")
struct AdminKeyTests {
    static let routes: [(HTTPRequest.Method, String)] = [
        (.get, "/v1/profiles/user:u1"), (.get, "/v1/profiles/user:u1/events"), (.get, "/v1/profiles/user:u1/recommendations"),
        (.get, "/v1/segments"), (.post, "/v1/segments"), (.get, "/v1/segments/templates"), (.get, "/v1/segments/audit"),
        (.get, "/v1/segments/vip"), (.put, "/v1/segments/vip"), (.delete, "/v1/segments/vip"), (.get, "/v1/segments/vip/members"),
        (.get, "/v1/segments/vip/explain/user:u1"),
    ]

    @Test("every admin route answers 401 without the key, with a wrong one or with a write key; with the key it answers")
    func everyAdminRouteNeedsTheKey() async throws {
        try await TestDatabase.with(.sqlite) { test in
            try await makeApp(test.database).test(.router) { client in
                let create = #"{"name": "VIP", "where": "profile.revenue > 100"}"#
                let admin: HTTPFields = [.authorization: "Bearer \(adminKey)", .contentType: "application/json"]
                #expect(try await client.execute(uri: "/v1/segments", method: .post, headers: admin, body: ByteBuffer(string: create)).status == .created)
                let body = #"{"name": "Other", "where": "profile.revenue > 1"}"#
                for (n, (method, uri)) in Self.routes.enumerated() {
                    for var headers in [[.contentType: "application/json"], [.authorization: "Bearer wrong", .contentType: "application/json"],
                                        basic(writeKey)] as [HTTPFields] {
                        // From an address per route, to stay under the failed-authentication limit (APIKeyScopeTests).
                        headers[.init("X-Forwarded-For")!] = "10.0.\(n).1"
                        let r = try await client.execute(uri: uri, method: method, headers: headers, body: ByteBuffer(string: body))
                        #expect(r.status == .unauthorized, "\(method) \(uri)")
                        #expect(try json(r)[path: "error.code"] == "unauthorized")
                    }
                    let allowed = try await client.execute(uri: uri, method: method, headers: admin, body: ByteBuffer(string: body))
                    #expect(allowed.status != .unauthorized, "\(method) \(uri) with the key")
                }
            }
        }
    }
}
