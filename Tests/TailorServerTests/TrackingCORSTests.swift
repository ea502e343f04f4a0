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

/// CORS on the tracking API only (docs/TRACKING.md): preflights and answers for browsers on the tracking routes,
/// from any origin or from the configured ones; nothing of it on the admin API or the dashboard.
@Suite("Tracking CORS")
struct TrackingCORSTests {
    static func app(_ stores: Stores, origins: TrackingOrigins = .any) -> some ApplicationProtocol {
        var settings = ServerSettings(port: 0, keys: APIKeys(writeKeys: [writeKey], adminKeyHashes: [APIKeys.hash(adminKey)]))
        settings.trackingOrigins = origins
        return Application(router: buildRouter(settings: settings, stores: stores, ingest: IngestService(events: stores.events)))
    }

    static let shop = "https://shop.test"
    static func preflight(from origin: String) -> HTTPFields {
        [.origin: origin, .accessControlRequestMethod: "POST", .accessControlRequestHeaders: "content-type"]
    }

    /// What tailor.js sends: a batch with the write key in the body, as `text/plain` (sendBeacon's type).
    static let beaconBatch = #"""
        {"batch": [
          {"type": "page", "anonymousId": "a-web", "messageId": "m-page", "timestamp": "2026-12-01T10:00:00.000Z",
           "properties": {"path": "/"}, "context": {"library": {"name": "tailor.js", "version": "1.0.0"}}},
          {"type": "track", "anonymousId": "a-web", "event": "Product Viewed", "messageId": "m-track", "properties": {"product_id": "p1"}}
        ], "sentAt": "2026-12-01T10:00:01.000Z", "writeKey": "wk_test"}
        """#

    @Test(arguments: TestBackend.available)
    func browsersMayCallTheTrackingAPIFromAnyOrigin(backend: TestBackend) async throws {
        try await TestDatabase.with(backend) { test in
            try await Self.app(test.stores).test(.router) { client in
                for path in ["/v1/identify", "/v1/track", "/v1/page", "/v1/screen", "/v1/group", "/v1/alias", "/v1/batch", "/v1/import"] {
                    let r = try await client.execute(uri: path, method: .options, headers: Self.preflight(from: Self.shop))
                    #expect(r.status == .noContent, "\(path)")
                    #expect(r.headers[.accessControlAllowOrigin] == "*", "\(path)")
                    #expect(r.headers[.accessControlAllowMethods] == "POST, OPTIONS", "\(path)")
                    #expect(r.headers[.accessControlAllowHeaders] == "Authorization, Content-Type, Content-Encoding", "\(path)")
                    #expect(r.headers[.accessControlMaxAge] == "7200" && r.headers[.vary] == nil, "\(path)")
                    #expect(r.headers[.accessControlAllowCredentials] == nil, "no cookies are involved")
                }
                // An OPTIONS that is no preflight (no Origin) says what the route takes.
                let plain = try await client.execute(uri: "/v1/batch", method: .options)
                #expect(plain.status == .noContent && plain.headers[.allow] == "POST, OPTIONS" && plain.headers[.accessControlAllowOrigin] == nil)

                // sendBeacon's text/plain body is read as JSON, and the answer is readable by the page.
                let sent = try await client.execute(uri: "/v1/batch", method: .post,
                                                    headers: [.origin: Self.shop, .contentType: "text/plain;charset=UTF-8"],
                                                    body: ByteBuffer(string: Self.beaconBatch))
                #expect(sent.status == .ok, "\(String(buffer: sent.body))")
                #expect(sent.headers[.accessControlAllowOrigin] == "*")
                let events = try json(try await client.execute(uri: "/v1/profiles/anonymous:a-web/events", method: .get, headers: bearer))
                #expect(events[path: "events"]?.arrayValue?.compactMap { $0[path: "messageId"]?.stringValue }.sorted() == ["m-page", "m-track"])
                #expect(events[path: "events"]?.arrayValue?.first { $0[path: "type"] == "page" }?[path: "context.library.name"] == "tailor.js")

                // A refusal is readable too: the page's script can tell a wrong key or a bad message.
                let wrongKey = try await client.execute(uri: "/v1/batch", method: .post, headers: [.origin: Self.shop, .contentType: "text/plain"],
                                                        body: ByteBuffer(string: Self.beaconBatch.replacingOccurrences(of: "wk_test", with: "wk_nope")))
                #expect(wrongKey.status == .unauthorized && wrongKey.headers[.accessControlAllowOrigin] == "*")
                let bad = try await client.execute(uri: "/v1/track", method: .post, headers: [.origin: Self.shop, .contentType: "text/plain"],
                                                   body: ByteBuffer(string: #"{"writeKey": "wk_test", "anonymousId": "a-web"}"#))
                #expect(bad.status == .badRequest && bad.headers[.accessControlAllowOrigin] == "*")
                #expect(try json(bad)[path: "error.path"] == "event")
            }
        }
    }

    @Test func theAdminAPIAndTheDashboardSendNoCORSHeaders() async throws {
        try await TestDatabase.with(.sqlite) { test in
            for origins in [TrackingOrigins.any, .only([Self.shop])] {
                try await Self.app(test.stores, origins: origins).test(.router) { client in
                    let calls: [(HTTPRequest.Method, String, HTTPFields)] = [
                        (.options, "/v1/profiles/user:u1", Self.preflight(from: Self.shop)),
                        (.get, "/v1/profiles/user:u1", bearer + [.origin: Self.shop]),
                        (.options, "/v1/segments", Self.preflight(from: Self.shop)),
                        (.get, "/v1/segments", bearer + [.origin: Self.shop]),
                        (.get, "/v1/privacy/export/user:u1", bearer + [.origin: Self.shop]),
                        (.get, "/app", [.origin: Self.shop]),
                        (.options, "/app/sign-in", Self.preflight(from: Self.shop)),
                        (.post, "/app/sign-in", [.origin: Self.shop, .contentType: "application/x-www-form-urlencoded"]),
                        (.get, "/openapi.json", [.origin: Self.shop]),
                        (.get, "/healthz", [.origin: Self.shop]),
                    ]
                    for (method, uri, headers) in calls {
                        let r = try await client.execute(uri: uri, method: method, headers: headers, body: ByteBuffer(string: "{}"))
                        let cors = r.headers.filter { $0.name.canonicalName.hasPrefix("access-control-") }
                        #expect(cors.isEmpty, "\(method) \(uri) answered \(r.status) with \(cors)")
                        #expect(!(method == .options && r.status.code < 300), "\(method) \(uri) must not pass for a preflight")
                    }
                }
            }
        }
    }

    @Test(arguments: TestBackend.available)
    func aListOfOriginsAdmitsThoseAloneAndLeavesServersAlone(backend: TestBackend) async throws {
        try await TestDatabase.with(backend) { test in
            let origins = try TrackingOrigins(parsing: " https://shop.test , http://localhost:8000/")
            try await Self.app(test.stores, origins: origins).test(.router) { client in
                let ok = try await client.execute(uri: "/v1/batch", method: .options, headers: Self.preflight(from: "http://localhost:8000"))
                #expect(ok.status == .noContent && ok.headers[.accessControlAllowOrigin] == "http://localhost:8000")
                #expect(ok.headers[.vary] == "Origin")

                let other = try await client.execute(uri: "/v1/batch", method: .options, headers: Self.preflight(from: "https://evil.test"))
                #expect(other.status == .forbidden && other.headers[.accessControlAllowOrigin] == nil)
                #expect(try json(other)[path: "error.code"] == "origin_not_allowed")
                #expect(try json(other)[path: "error.path"] == "Origin")

                // A beacon needs no preflight: the origin is checked on the call itself, and nothing of it is stored.
                let beacon = try await client.execute(uri: "/v1/batch", method: .post, headers: [.origin: "https://evil.test", .contentType: "text/plain"],
                                                      body: ByteBuffer(string: Self.beaconBatch))
                #expect(beacon.status == .forbidden)
                #expect(try await client.execute(uri: "/v1/profiles/anonymous:a-web", method: .get, headers: bearer).status == .notFound)

                let listed = try await client.execute(uri: "/v1/batch", method: .post, headers: [.origin: Self.shop, .contentType: "text/plain"],
                                                      body: ByteBuffer(string: Self.beaconBatch))
                #expect(listed.status == .ok && listed.headers[.accessControlAllowOrigin] == Self.shop && listed.headers[.vary] == "Origin")

                // A server (no Origin) is not concerned by the list.
                let server = try await client.execute(uri: "/v1/track", method: .post, headers: basic(writeKey),
                                                      body: ByteBuffer(string: #"{"userId": "u-srv", "event": "Order Completed", "messageId": "s1"}"#))
                #expect(server.status == .ok && server.headers[.accessControlAllowOrigin] == nil)
            }
        }
    }

    @Test func theOriginsSettingIsReadOrRefusedNamingTheEntry() throws {
        #expect(try TrackingOrigins(parsing: "") == .any)
        #expect(try TrackingOrigins(parsing: " * ") == .any)
        #expect(try TrackingOrigins(parsing: "https://Shop.Test, http://127.0.0.1:8000/") == .only(["https://shop.test", "http://127.0.0.1:8000"]))
        for bad in ["shop.test", "https://shop.test/path", "ftp://shop.test", "https://shop.test:0", "https://shop.test:99999", "https://"] {
            #expect(throws: TrackingOrigins.Invalid.self, "\(bad)") { try TrackingOrigins(parsing: "https://ok.test," + bad) }
            do {
                _ = try TrackingOrigins(parsing: bad)
            } catch {
                #expect(error.description.contains("TAILOR_TRACKING_ORIGINS") && error.description.contains(bad))
            }
        }
    }
}

private func + (lhs: HTTPFields, rhs: HTTPFields) -> HTTPFields {
    var out = lhs
    out.append(contentsOf: rhs)
    return out
}
