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

/// Named keys through the router: each scope opens exactly its routes (every admin operation of `/openapi.json`,
/// whose `security` must name the scope the server enforces), a revoked key stops within the cache's lifetime,
/// the access log names the key, and 300 bad keys in a row from one address end in 429 with `Retry-After`.
@Suite("API key scopes")
struct APIKeyScopeTests {
    static let t0 = Date(millisecondsSince1970: 1_700_000_000_000)

    /// The admin operations of the OpenAPI document with the scope their `security` names.
    static func adminOperations() throws -> [(method: String, path: String, scope: APIKeyScope)] {
        let (doc, ops) = try OpenAPIDocumentTests.documented()
        var out: [(String, String, APIKeyScope)] = []
        for op in ops.sorted() {
            let parts = op.split(separator: " ", maxSplits: 1).map(String.init)
            guard case .array(let security)? = doc[path: "paths"]?.objectValue?[parts[1]]?[path: parts[0].lowercased() + ".security"],
                  case .object(let requirement)? = security.first, case .array(let scopes)? = requirement["adminKey"] else { continue }
            let name = try #require(scopes.first?.stringValue, "\(op) names no scope")
            out.append((parts[0], parts[1], try #require(APIKeyScope(rawValue: name), "\(op): unknown scope \(name)")))
        }
        return out
    }

    static func uri(_ path: String) -> String {
        path.replacingOccurrences(of: "{id}", with: "user:u1").replacingOccurrences(of: "{name}", with: "x")
            .replacingOccurrences(of: "{profile}", with: "user:u1")
    }

    static func app(_ test: TestDatabase, clock: ManualClock) -> some ApplicationProtocol {
        var settings = ServerSettings(port: 0, keys: APIKeys(writeKeys: [writeKey], adminKeyHashes: [APIKeys.hash(adminKey)]))
        settings.campaigns = .preview
        return Application(router: buildRouter(settings: settings, stores: test.stores, ingest: IngestService(events: test.database), clock: clock))
    }

    @Test func theDocumentNamesTheScopeTheServerEnforcesForEveryAdminOperation() throws {
        let ops = try Self.adminOperations()
        #expect(ops.count >= 40)
        for op in ops {
            #expect(AdminRouteScopes.scope(HTTPRequest.Method(op.method)!, op.path) == op.scope, "\(op.method) \(op.path)")
        }
        #expect(Set(ops.map(\.scope)) == Set(APIKeyScope.allCases), "every scope opens some route")
    }

    @Test func aKeyReachesTheRoutesOfItsScopesAndGets403OnEveryOther() async throws {
        try await TestDatabase.with(.sqlite) { test in
            let clock = ManualClock(Self.t0)
            let service = APIKeyService(stores: test.stores, clock: clock)
            var made: [APIKeyScope: String] = [:]
            for scope in APIKeyScope.allCases {
                made[scope] = try await service.create(name: "only-" + scope.rawValue.replacingOccurrences(of: ":", with: "-"),
                                                          scopes: [scope.rawValue]).secret
            }
            let ops = try Self.adminOperations()
            let secrets = made
            try await Self.app(test, clock: clock).test(.router) { client in
                for op in ops {
                    for scope in APIKeyScope.allCases {
                        let headers: HTTPFields = [.authorization: "Bearer \(secrets[scope]!)", .contentType: "application/json"]
                        let r = try await client.execute(uri: Self.uri(op.path), method: HTTPRequest.Method(op.method)!, headers: headers,
                                                         body: ByteBuffer(string: "{}"))
                        if scope == op.scope {
                            #expect(r.status != .unauthorized && r.status != .forbidden && r.status.code < 500,
                                    "\(op.method) \(op.path) with \(scope): \(r.status)")
                        } else {
                            #expect(r.status == .forbidden, "\(op.method) \(op.path) with \(scope): \(r.status)")
                            let body = try json(r)
                            #expect(body[path: "code"] == "insufficient_scope" && body[path: "scope"] == .string(op.scope.rawValue))
                            #expect(body[path: "error.scope"] == .string(op.scope.rawValue))
                        }
                    }
                }
                // The lists answer 200 to their scope.
                for (uri, scope) in [("/v1/segments", APIKeyScope.segments), ("/v1/campaigns", .campaigns), ("/v1/templates", .campaigns),
                                     ("/v1/journeys", .campaigns), ("/v1/webhooks", .campaigns)] {
                    let r = try await client.execute(uri: uri, method: .get, headers: [.authorization: "Bearer \(secrets[scope]!)"])
                    #expect(r.status == .ok, "\(uri)")
                }
                // The admin key holds every scope.
                #expect(try await client.execute(uri: "/v1/segments", method: .get, headers: bearer).status == .ok)
            }
        }
    }

    @Test(arguments: TestBackend.available)
    func theAccessLogNamesTheKeyAndARevokedKeyStopsWithinSeconds(backend: TestBackend) async throws {
        try await TestDatabase.with(backend) { test in
            let clock = ManualClock(Self.t0)
            let created = try await APIKeyService(stores: test.stores, clock: clock).create(name: "support-desk", scopes: ["profiles:read"])
            let key: HTTPFields = [.authorization: "Bearer \(created.secret)"]
            try await Self.app(test, clock: clock).test(.router) { client in
                let batch = #"{"batch":[{"type":"identify","userId":"u1","traits":{"plan":"pro"},"messageId":"i1"}]}"#
                #expect(try await client.execute(uri: "/v1/batch", method: .post, headers: basic(writeKey), body: ByteBuffer(string: batch)).status == .ok)
                #expect(try await client.execute(uri: "/v1/profiles/user:u1", method: .get, headers: key).status == .ok)
                #expect(try await client.execute(uri: "/v1/profiles/user:u1", method: .get, headers: bearer).status == .ok)
                let log = try await client.execute(uri: "/v1/privacy/access-log/user:u1", method: .get, headers: bearer)
                let entries = try #require(try json(log)[path: "entries"]?.arrayValue)
                #expect(entries.map { $0[path: "actor"]?.stringValue } == ["key:support-desk", "admin_key"])
                #expect(try await test.stores.apiKeys.apiKeys().first?.lastUsedAt == Self.t0, "the use is recorded")

                // Revoked by another process (the CLI): refused once the server's cached read is older than 5 s.
                _ = try await APIKeyService(stores: test.stores, clock: clock).revoke(name: "support-desk")
                clock.advance(by: 6)
                let refused = try await client.execute(uri: "/v1/profiles/user:u1", method: .get, headers: key)
                #expect(try refused.status == .unauthorized && json(refused)[path: "code"] == "unauthorized")
            }
        }
    }

    @Test func threeHundredBadKeysInARowGet429WithRetryAfterUntilTheWindowPasses() async throws {
        try await TestDatabase.with(.sqlite) { test in
            let clock = ManualClock(Self.t0)
            try await Self.app(test, clock: clock).test(.router) { client in
                let from: HTTPFields = [.init("X-Forwarded-For")!: "203.0.113.9"]
                var statuses: [HTTPResponse.Status] = []
                var retryAfter: Set<String> = []
                for i in 0..<300 {
                    var headers = from
                    headers[.authorization] = "Bearer tk_guess\(i)"
                    let r = try await client.execute(uri: "/v1/segments", method: .get, headers: headers)
                    statuses.append(r.status)
                    if r.status == .tooManyRequests {
                        retryAfter.insert(r.headers[.retryAfter] ?? "")
                        #expect(try json(r)[path: "code"] == "too_many_failures")
                    }
                }
                #expect(statuses.prefix(20).allSatisfy { $0 == .unauthorized })
                #expect(statuses.dropFirst(20).allSatisfy { $0 == .tooManyRequests }, "the 21st and later attempts are refused unchecked")
                #expect(retryAfter == ["60"])
                // While refused, even the right key is not checked (an answer would tell a guess succeeded).
                var good = from
                good[.authorization] = "Bearer \(adminKey)"
                #expect(try await client.execute(uri: "/v1/segments", method: .get, headers: good).status == .tooManyRequests)
                // Another address is not affected; the window passes.
                var other = bearer
                other[.init("X-Forwarded-For")!] = "198.51.100.7"
                #expect(try await client.execute(uri: "/v1/segments", method: .get, headers: other).status == .ok)
                clock.advance(by: 30)
                let later = try await client.execute(uri: "/v1/segments", method: .get, headers: good)
                #expect(later.status == .tooManyRequests && later.headers[.retryAfter] == "30")
                clock.advance(by: 30)
                #expect(try await client.execute(uri: "/v1/segments", method: .get, headers: good).status == .ok)
            }
        }
    }
}
