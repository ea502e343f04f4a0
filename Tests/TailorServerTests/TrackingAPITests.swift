import CompressNIO
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

let writeKey = "wk_test"
let adminKey = "ak_secret"

func makeApp(_ database: any TailorDatabase, ingest: IngestService? = nil, limits: MessageDecoder.Limits = .init()) -> some ApplicationProtocol {
    makeApp(stores: Stores(database), ingest: ingest, limits: limits)
}

func makeApp(stores: Stores, ingest: IngestService? = nil, limits: MessageDecoder.Limits = .init()) -> some ApplicationProtocol {
    let settings = ServerSettings(port: 0, keys: APIKeys(writeKeys: [writeKey], adminKeyHashes: [APIKeys.hash(adminKey)]), limits: limits)
    let service = ingest ?? IngestService(events: stores.events)
    return Application(router: buildRouter(settings: settings, stores: stores, ingest: service, clock: SystemClock()))
}

func basic(_ key: String) -> HTTPFields {
    [.authorization: "Basic " + Data("\(key):".utf8).base64EncodedString(), .contentType: "application/json"]
}

let bearer: HTTPFields = [.authorization: "Bearer \(adminKey)"]

func json(_ response: TestResponse) throws -> JSONValue {
    try JSONParser.parse(Array(response.body.readableBytesView))
}

@Suite("Tracking API")
struct TrackingAPITests {
    @Test func trackAndIdentifyAreStoredAndReadable() async throws {
        try await TestDatabase.with(.sqlite) { test in
            try await makeApp(test.database).test(.router) { client in
                let identify = #"{"userId":"u1","traits":{"email":"ann@example.com","city":"New York"},"timestamp":"2024-05-01T10:00:00Z","messageId":"i1"}"#
                let r1 = try await client.execute(uri: "/v1/identify", method: .post, headers: basic(writeKey), body: ByteBuffer(string: identify))
                #expect(r1.status == .ok)
                #expect(try json(r1)[path: "success"] == .bool(true))
                let track = #"{"userId":"u1","event":"Order Completed","properties":{"revenue":42},"writeKey":"wk_test","messageId":"t1"}"#
                let r2 = try await client.execute(uri: "/v1/track", method: .post, headers: [.contentType: "application/json"],
                                                  body: ByteBuffer(string: track))
                #expect(r2.status == .ok)
                let profile = try await client.execute(uri: "/v1/profiles/email:ann@example.com", method: .get, headers: bearer)
                #expect(profile.status == .ok)
                let p = try json(profile)
                #expect(p[path: "traits.city"] == "New York")
                #expect(p[path: "trait_families.geographic.city"] == "New York")
                #expect(p[path: "traits.email"] == "ann@example.com")
                #expect(p[path: "computed.order_count"] == 1)
                #expect(p[path: "computed.revenue"] == 42)
                #expect(p[path: "identities.user_ids"] == ["u1"])
                let events = try await client.execute(uri: "/v1/profiles/user:u1/events?limit=1", method: .get, headers: bearer)
                let e = try json(events)
                #expect(e[path: "events"]?.arrayValue?.count == 1)
                #expect(e[path: "events"]?.arrayValue?.first?[path: "messageId"] == "t1")
                let cursor = try #require(e[path: "next"]?.stringValue)
                let older = try json(try await client.execute(uri: "/v1/profiles/user:u1/events?before=\(cursor)", method: .get, headers: bearer))
                #expect(older[path: "events"]?.arrayValue?.first?[path: "messageId"] == "i1")
                #expect(older[path: "events"]?.arrayValue?.first?[path: "timestamp"] == "2024-05-01T10:00:00.000Z")
            }
        }
    }

    /// Consent sent with tracked messages (docs/PRIVACY.md) reaches the ledger; an unreadable decision is a
    /// 400 naming its place, and nothing of its batch is stored.
    @Test(arguments: TestBackend.available)
    func consentInMessagesIsRecordedAndBadDecisionsAreRefused(backend: TestBackend) async throws {
        try await TestDatabase.with(backend) { test in
            try await makeApp(test.database).test(.router) { client in
                let identify = #"{"userId":"u1","traits":{"consent":{"email_marketing":true}},"context":{"ip":"192.0.2.1"},"messageId":"i1"}"#
                #expect(try await client.execute(uri: "/v1/identify", method: .post, headers: basic(writeKey), body: ByteBuffer(string: identify)).status == .ok)
                let bad = #"{"batch":[{"type":"track","userId":"u1","event":"Viewed","messageId":"t1"},"#
                    + #"{"type":"page","userId":"u1","name":"Home","messageId":"p1","context":{"consent":{"categoryPreferences":{"Analytics":"yes"}}}}]}"#
                let refused = try await client.execute(uri: "/v1/batch", method: .post, headers: basic(writeKey), body: ByteBuffer(string: bad))
                #expect(refused.status == .badRequest)
                #expect(try json(refused)[keys: "error", "path"] == "batch[1].context.consent.categoryPreferences.Analytics")
                let good = bad.replacingOccurrences(of: #""Analytics":"yes""#, with: #""Analytics":false"#)
                #expect(try await client.execute(uri: "/v1/batch", method: .post, headers: basic(writeKey), body: ByteBuffer(string: good)).status == .ok)
                let ledger = try json(try await client.execute(uri: "/v1/profiles/user:u1/consent", method: .get, headers: bearer))
                #expect(ledger[path: "history"]?.arrayValue?.count == 2)
                #expect(ledger[keys: "current", "email_marketing", "status"] == "granted")
                #expect(ledger[keys: "current", "email_marketing", "proof", "ip"] == "192.0.2.1")
                #expect(ledger[keys: "current", "analytics", "status"] == "denied")
                let events = try json(try await client.execute(uri: "/v1/profiles/user:u1/events", method: .get, headers: bearer))
                #expect(events[path: "events"]?.arrayValue?.count == 3)
            }
        }
    }

    @Test func retriedBatchIsStoredOnce() async throws {
        try await TestDatabase.with(.sqlite) { test in
            try await makeApp(test.database).test(.router) { client in
                let items = (0..<100).map { #"{"type":"track","userId":"u\#($0 % 7)","event":"Product Viewed","messageId":"b\#($0)"}"# }
                let body = #"{"batch":[\#(items.joined(separator: ","))]}"#
                for _ in 0..<3 {
                    let r = try await client.execute(uri: "/v1/batch", method: .post, headers: basic(writeKey), body: ByteBuffer(string: body))
                    #expect(r.status == .ok)
                }
            }
            #expect(try await test.database.counts().events == 100)
            #expect(try await test.database.counts().profiles == 7)
        }
    }

    @Test func gzipBodiesAreAccepted() async throws {
        try await TestDatabase.with(.sqlite) { test in
            try await makeApp(test.database).test(.router) { client in
                var plain = ByteBuffer(string: #"{"batch":[{"type":"page","anonymousId":"a","name":"Home","messageId":"g1"}]}"#)
                let gz = try plain.compress(with: .gzip())
                var headers = basic(writeKey)
                headers[.contentEncoding] = "gzip"
                let r = try await client.execute(uri: "/v1/batch", method: .post, headers: headers, body: gz)
                #expect(r.status == .ok)
            }
            #expect(try await test.database.counts().events == 1)
        }
    }

    @Test func unknownWriteKeyIsRefused() async throws {
        try await TestDatabase.with(.sqlite) { test in
            try await makeApp(test.database).test(.router) { client in
                let body = ByteBuffer(string: #"{"userId":"u","event":"x"}"#)
                let r = try await client.execute(uri: "/v1/track", method: .post, headers: basic("wrong"), body: body)
                #expect(r.status == .unauthorized)
                #expect(try json(r)[path: "error.code"] == "unauthorized")
                let none = try await client.execute(uri: "/v1/track", method: .post, body: body)
                #expect(none.status == .unauthorized)
                let admin = try await client.execute(uri: "/v1/profiles/user:u", method: .get, headers: [.authorization: "Bearer nope"])
                #expect(admin.status == .unauthorized)
            }
            #expect(try await test.database.counts().events == 0)
        }
    }

    /// Each kind of bad input gets a 400 with a JSON error that says what and where, and nothing is stored.
    @Test(arguments: [
        ("/v1/track", #"{"userId":"u","event":"#, "invalid_json", nil as String?),
        ("/v1/track", #"{"userId":["u"],"event":"x"}"#, "invalid_message", "userId"),
        ("/v1/track", #"{"userId":"u","event":"x","properties":"nope"}"#, "invalid_message", "properties"),
        ("/v1/track", #"{"userId":"u","event":"x","timestamp":"yesterday"}"#, "invalid_message", "timestamp"),
        ("/v1/batch", #"{"batch":[{"type":"track","userId":"u","event":"ok","messageId":"fine"},{"type":"track","event":"x"}]}"#, "invalid_message", "batch[1]"),
        ("/v1/batch", #"{"batch":{}}"#, "invalid_message", "batch"),
        ("/v1/track", "\u{FEFF}[]", "invalid_json", nil),
    ])
    func badInputIsRefusedWhole(uri: String, body: String, code: String, path: String?) async throws {
        try await TestDatabase.with(.sqlite) { test in
            try await makeApp(test.database).test(.router) { client in
                let r = try await client.execute(uri: uri, method: .post, headers: basic(writeKey), body: ByteBuffer(string: body))
                #expect(r.status == .badRequest)
                let e = try json(r)
                #expect(e[path: "success"] == false)
                #expect(e[path: "error.code"]?.stringValue == code)
                #expect(e[path: "error.path"]?.stringValue == path)
                let message = e[path: "error.message"]?.stringValue ?? ""
                #expect(message.count > 0)
            }
            #expect(try await test.database.counts().events == 0)
        }
    }

    @Test func invalidUTF8IsRefused() async throws {
        try await TestDatabase.with(.sqlite) { test in
            try await makeApp(test.database).test(.router) { client in
                var body = ByteBuffer(string: #"{"userId":"u","event":""#)
                body.writeBytes([0xFF, 0xFE])
                body.writeString(#""}"#)
                let r = try await client.execute(uri: "/v1/track", method: .post, headers: basic(writeKey), body: body)
                #expect(r.status == .badRequest)
                #expect(try json(r)[path: "error.message"]?.stringValue?.contains("UTF-8") == true)
            }
        }
    }

    @Test func segmentLimitsAreEnforced() async throws {
        try await TestDatabase.with(.sqlite) { test in
            try await makeApp(test.database).test(.router) { client in
                // An event over 32 KB, alone and inside a batch.
                let big = String(repeating: "x", count: 33 * 1024)
                let single = try await client.execute(uri: "/v1/track", method: .post, headers: basic(writeKey),
                                                      body: ByteBuffer(string: #"{"userId":"u","event":"x","properties":{"blob":"\#(big)"}}"#))
                #expect(single.status == .badRequest)
                #expect(try json(single)[path: "error.code"] == "too_large")
                let inBatch = try await client.execute(uri: "/v1/batch", method: .post, headers: basic(writeKey), body: ByteBuffer(string:
                    #"{"batch":[{"type":"track","userId":"u","event":"a"},{"type":"track","userId":"u","event":"x","properties":{"blob":"\#(big)"}}]}"#))
                #expect(inBatch.status == .badRequest)
                #expect(try json(inBatch)[path: "error.index"] == 1)
                // A batch over 500 KB.
                let item = #"{"type":"track","userId":"u","event":"x","properties":{"blob":"\#(String(repeating: "y", count: 20_000))"}}"#
                let huge = #"{"batch":[\#(Array(repeating: item, count: 30).joined(separator: ","))]}"#
                let tooBig = try await client.execute(uri: "/v1/batch", method: .post, headers: basic(writeKey), body: ByteBuffer(string: huge))
                #expect(tooBig.status == .badRequest)
                #expect(try json(tooBig)[path: "error.code"] == "too_large")
                // More than 2,500 messages.
                let tiny = #"{"type":"page","userId":"u"}"#
                let many = #"{"batch":[\#(Array(repeating: tiny, count: 2_501).joined(separator: ","))]}"#
                let tooMany = try await client.execute(uri: "/v1/batch", method: .post, headers: basic(writeKey), body: ByteBuffer(string: many))
                #expect(tooMany.status == .badRequest)
                #expect(try json(tooMany)[path: "error.path"] == "batch")
                // A gzip body that inflates past the limit.
                var bomb = ByteBuffer(string: #"{"batch":[],"pad":""# + String(repeating: "z", count: 2_000_000) + #""}"#)
                var headers = basic(writeKey)
                headers[.contentEncoding] = "gzip"
                let gz = try bomb.compress(with: .gzip())
                let r = try await client.execute(uri: "/v1/batch", method: .post, headers: headers, body: gz)
                #expect(r.status == .badRequest)
                #expect(try json(r)[path: "error.code"] == "too_large")
            }
            #expect(try await test.database.counts().events == 0)
        }
    }

    @Test func overloadAnswers429WithRetryAfter() async throws {
        try await TestDatabase.with(.sqlite) { test in
            let gated = GatedDatabase(test.database)
            var options = IngestService.Options()
            options.maxQueuedMessages = 1
            let ingest = IngestService(events: gated, options: options)
            let loop = Task { try await ingest.run() }
            try await makeApp(stores: test.stores.gated(gated), ingest: ingest).test(.router) { client in
                let body = ByteBuffer(string: #"{"userId":"u","event":"x","messageId":"held"}"#)
                // The first request is taken by the writer and held at the gate …
                async let first = client.execute(uri: "/v1/track", method: .post, headers: basic(writeKey), body: body)
                while gated.entered == 0 { try await Task.sleep(for: .milliseconds(5)) }
                // … the second fills the queue, the third is refused.
                async let second = client.execute(uri: "/v1/track", method: .post, headers: basic(writeKey),
                                                  body: ByteBuffer(string: #"{"userId":"u","event":"x","messageId":"queued"}"#))
                try await Task.sleep(for: .milliseconds(100))
                let third = try await client.execute(uri: "/v1/track", method: .post, headers: basic(writeKey),
                                                     body: ByteBuffer(string: #"{"userId":"u","event":"x","messageId":"refused"}"#))
                #expect(third.status == .tooManyRequests)
                #expect(third.headers[.retryAfter] == "1")
                gated.open()
                #expect(try await first.status == .ok)
                #expect(try await second.status == .ok)
            }
            loop.cancel()
            #expect(try await test.database.counts().events == 2)
        }
    }

    @Test func healthz() async throws {
        try await TestDatabase.with(.sqlite) { test in
            try await makeApp(test.database).test(.router) { client in
                let r = try await client.execute(uri: "/healthz", method: .get)
                #expect(r.status == .ok)
            }
        }
    }
}
