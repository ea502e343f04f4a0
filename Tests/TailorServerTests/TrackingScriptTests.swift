import CompressNIO
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import NIOCore
import Testing
import TailorServer
import TailorTesting

/// `GET /tailor.js`: JavaScript, small, cacheable, revalidated by its ETag, gzip for browsers that take it.
@Suite("tailor.js")
struct TrackingScriptTests {
    @Test func servesTheScriptSmallWithItsTypeAndCacheHeaders() async throws {
        try await TestDatabase.with(.sqlite) { test in
            try await makeApp(test.database).test(.router) { client in
                let r = try await client.execute(uri: "/tailor.js", method: .get)
                #expect(r.status == .ok)
                #expect(r.headers[.contentType] == "text/javascript; charset=utf-8")
                #expect(r.headers[.cacheControl] == "public, max-age=3600")
                #expect(r.headers[.xContentTypeOptions] == "nosniff")
                #expect(r.headers[.contentEncoding] == nil, "no Accept-Encoding, no gzip")
                let script = String(buffer: r.body)
                // The size bound of the issue: under 8 KB as served, comments and all.
                #expect(r.body.readableBytes < 8 * 1024, "tailor.js is \(r.body.readableBytes) bytes")
                #expect(script.hasPrefix("/*! tailor.js"))
                for needle in ["tailor_aid", "/v1/batch", "sendBeacon", "keepalive", "SameSite=Lax", "pagehide", "visibilitychange"] {
                    #expect(script.contains(needle), "tailor.js lacks \(needle)")
                }
                // Tracking is public: the script is not behind a key and is not the API (no CORS headers).
                #expect(r.headers[.accessControlAllowOrigin] == nil)
            }
        }
    }

    @Test func anETagTheBrowserHoldsIsAnswered304() async throws {
        try await TestDatabase.with(.sqlite) { test in
            try await makeApp(test.database).test(.router) { client in
                let first = try await client.execute(uri: "/tailor.js", method: .get)
                let etag = try #require(first.headers[.eTag])
                #expect(etag.hasPrefix("\"") && etag.hasSuffix("\"") && etag.count == 34, "a strong ETag: \(etag)")
                for held in [etag, "W/" + etag, "\"old\", " + etag, "*"] {
                    let again = try await client.execute(uri: "/tailor.js", method: .get, headers: [.ifNoneMatch: held])
                    #expect(again.status == .notModified, "If-None-Match: \(held)")
                    #expect(again.body.readableBytes == 0)
                    #expect(again.headers[.eTag] == etag && again.headers[.cacheControl] == "public, max-age=3600")
                }
                let stale = try await client.execute(uri: "/tailor.js", method: .get, headers: [.ifNoneMatch: "\"0123\""])
                #expect(stale.status == .ok && stale.body == first.body)
            }
        }
    }

    @Test func browsersThatTakeGzipGetItCompressed() async throws {
        try await TestDatabase.with(.sqlite) { test in
            try await makeApp(test.database).test(.router) { client in
                let plain = try await client.execute(uri: "/tailor.js", method: .get)
                let gz = try await client.execute(uri: "/tailor.js", method: .get, headers: [.acceptEncoding: "gzip, deflate, br"])
                #expect(gz.headers[.contentEncoding] == "gzip" && gz.headers[.vary] == "Accept-Encoding")
                #expect(gz.body.readableBytes < plain.body.readableBytes / 2, "\(gz.body.readableBytes) of \(plain.body.readableBytes) bytes")
                var compressed = gz.body
                var inflated = ByteBufferAllocator().buffer(capacity: 64 * 1024)
                try compressed.decompress(to: &inflated, with: .gzip())
                #expect(inflated == plain.body)
                #expect(gz.headers[.eTag] == plain.headers[.eTag])
                let refused = try await client.execute(uri: "/tailor.js", method: .get, headers: [.acceptEncoding: "gzip;q=0, identity"])
                #expect(refused.headers[.contentEncoding] == nil && refused.body == plain.body)
            }
        }
    }
}
