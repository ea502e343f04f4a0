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

/// Generated hostile requests, from a seed, for a bounded time: no answer is a 5xx, nothing crashes or
/// hangs, and after all of it the server still stores and reads a well-formed event.
@Suite("API fuzzing", .timeLimit(.minutes(5)))
struct APIFuzzTests {
    /// SplitMix64: deterministic, so a failure can be replayed from its seed (printed with it).
    struct Rng {
        var state: UInt64
        mutating func next() -> UInt64 {
            state &+= 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
        mutating func int(_ n: Int) -> Int { Int(next() % UInt64(max(1, n))) }
        mutating func chance(_ p: Double) -> Bool { Double(next() % 1_000_000) / 1_000_000 < p }
        mutating func pick<T>(_ items: [T]) -> T { items[int(items.count)] }
    }

    static let seed = UInt64(ProcessInfo.processInfo.environment["TAILOR_FUZZ_SEED"] ?? "") ?? 20_261_202
    /// How many requests each test sends (`TAILOR_FUZZ_REQUESTS` to fuzz longer); the suite's time limit
    /// turns a hang into a failure.
    static let requests = Int(ProcessInfo.processInfo.environment["TAILOR_FUZZ_REQUESTS"] ?? "") ?? 120

    // MARK: - Values

    static let strings: [String] = [
        "", " ", "u1", "victim42", "a\u{0}b", "\u{0}", "é", "🇫🇷", "\u{FEFF}", "\u{202E}evil", String(repeating: "x", count: 5_000),
        "'; DROP TABLE events; --", "%00", "../../etc/passwd", "ann@example.com", "nan", "inf", " Infinity ", "-1e999", "1e308",
        "9999-12-31T23:59:59Z", "0000-01-01T00:00:00Z", "2024-02-30T00:00:00Z", "2024-05-01T12:00:00+99:99", "2024-05-01T12:00:00Z",
        "Order Completed", "Product Added", "Product Removed", "Segment Entered", "Email Opened",
    ]

    static func value(_ rng: inout Rng, depth: Int = 0) -> JSONValue {
        switch rng.int(depth > 3 ? 5 : 8) {
        case 0: return .null
        case 1: return .bool(rng.chance(0.5))
        case 2: return .number(rng.pick([0, -1, 1, 0.1, 1e308, -1e308, 9_007_199_254_740_993, 1e15, 123.456, -0.0]))
        case 3, 4: return .string(rng.pick(strings))
        case 5: return .array((0..<rng.int(4)).map { _ in value(&rng, depth: depth + 1) })
        default:
            var o: JSONObject = [:]
            for _ in 0..<rng.int(5) { o[rng.pick(["revenue", "price", "quantity", "product_id", "products", "Email", "total", rng.pick(strings)])] = value(&rng, depth: depth + 1) }
            return .object(o)
        }
    }

    static func message(_ rng: inout Rng) -> JSONValue {
        var o: JSONObject = [:]
        o["type"] = rng.chance(0.9) ? .string(rng.pick(["identify", "track", "page", "screen", "group", "alias"])) : value(&rng)
        for field in ["userId", "anonymousId", "messageId", "event", "name", "previousId", "groupId", "timestamp"] where rng.chance(0.6) {
            o[field] = rng.chance(0.8) ? .string(rng.pick(strings)) : value(&rng)
        }
        if rng.chance(0.3) { o["userId"] = .string("u\(rng.int(20))") }
        for field in ["traits", "properties", "context"] where rng.chance(0.5) {
            o[field] = rng.chance(0.8) ? .object(["revenue": value(&rng), "price": value(&rng), "quantity": value(&rng),
                                                 "product_id": value(&rng), "email": value(&rng), "products": value(&rng)]) : value(&rng)
        }
        return .object(o)
    }

    /// A request body: mostly JSON (valid or not for Segment), sometimes broken bytes.
    static func body(_ rng: inout Rng) -> [UInt8] {
        switch rng.int(10) {
        case 0:
            var bytes = Array(JSONWriter.bytes(.object(["batch": .array((0..<5).map { _ in message(&rng) })])))
            for _ in 0..<1 + rng.int(4) where !bytes.isEmpty { bytes[rng.int(bytes.count)] = UInt8(truncatingIfNeeded: rng.next()) }
            return bytes
        case 1:
            return Array(rng.pick(["", "{", "[]", "null", "{\"batch\":", "{\"batch\":{}}", "\u{0}", "{\"userId\":\"\\ud800\"}",
                                   String(repeating: "[", count: 10_000), "{\"a\":1e99999}"]).utf8)
        default:
            return Array(JSONWriter.bytes(.object(["batch": .array((0..<1 + rng.int(30)).map { _ in message(&rng) })])))
        }
    }

    static let conditions: [String] = [
        #"count("Order Completed" in last 30 days) >= 1"#, #"traits.city = "Paris""#, #"profile.revenue > 1e308"#,
        #"sum(revenue of "Order Completed") > 10"#, #"traits.Email exists"#, #"in segment "nope""#, #"count(activity in last 0 days) = 0"#,
        #"not not not traits.x exists"#, #"profile.cart_value between 1 and -1"#, #"traits.a.b.c.d.e.f exists"#,
        #""Product Added" not followed by "Order Completed" within 1 hours"#, #"rfm.group = "Champions""#, #"count("\u0000") > 0"#,
    ]

    static func condition(_ rng: inout Rng) -> String {
        switch rng.int(6) {
        case 0:
            // Wide: many names with windows of their own.
            return (0..<(1 + rng.int(400))).map { #"count("e\#($0)" in last \#(1 + rng.int(900)) days) >= 1"# }.joined(separator: " or ")
        case 1:
            // Deep.
            let depth = rng.int(80)
            return String(repeating: "(", count: depth) + rng.pick(conditions) + String(repeating: ")", count: depth)
        case 2:
            // Token soup.
            let tokens = ["(", ")", "and", "or", "not", "count(", "\"x\"", "in last", "5", "days", ">", "=", "traits.", "profile.", ",", "'", "\\"]
            return (0..<rng.int(30)).map { _ in rng.pick(tokens) }.joined(separator: " ")
        default:
            return (0..<(1 + rng.int(4))).map { _ in rng.pick(conditions) }.joined(separator: rng.pick([" and ", " or "]))
        }
    }

    // MARK: - Tests

    @Test("hostile tracking requests get a 2xx or a 4xx, never a 5xx, and good events still go through", arguments: TestBackend.available)
    func trackingAPI(backend: TestBackend) async throws {
        try await TestDatabase.with(backend) { test in
            try await makeApp(test.database).test(.router) { client in
                var rng = Rng(state: Self.seed)
                var sent = 0
                var statuses: [Int: Int] = [:]
                while sent < Self.requests {
                    let uri = rng.pick(["/v1/batch", "/v1/batch", "/v1/track", "/v1/identify", "/v1/page", "/v1/alias", "/v1/import"])
                    var headers = basic(writeKey)
                    var body = ByteBuffer(bytes: uri == "/v1/batch" || uri == "/v1/import" ? Self.body(&rng)
                                                  : JSONWriter.bytes(Self.message(&rng)))
                    if rng.chance(0.05) {
                        headers[.contentEncoding] = "gzip"
                        if rng.chance(0.5) { body = try body.compress(with: .gzip()) }
                    }
                    let r = try await client.execute(uri: uri, method: .post, headers: headers, body: body)
                    statuses[Int(r.status.code), default: 0] += 1
                    #expect(r.status.code < 500, "seed \(Self.seed), request \(sent) to \(uri): \(r.status) \(String(buffer: r.body).prefix(300))")
                    if r.status.code >= 500 { break }
                    sent += 1
                }
                #expect(sent == Self.requests)
                // The fuzz must reach the store, not only the validator.
                #expect((statuses[200] ?? 0) > 5, "\(statuses)")
                let good = #"{"userId":"after-fuzz","event":"Order Completed","properties":{"revenue":12},"messageId":"after-fuzz-1"}"#
                #expect(try await client.execute(uri: "/v1/track", method: .post, headers: basic(writeKey), body: ByteBuffer(string: good)).status == .ok)
                let p = try json(try await client.execute(uri: "/v1/profiles/user:after-fuzz", method: .get, headers: bearer))
                #expect(p[path: "computed.revenue"] == 12)
            }
        }
    }

    @Test("hostile segment definitions get a 2xx or a 4xx, and ingest keeps answering 200", arguments: TestBackend.available)
    func segmentDefinitions(backend: TestBackend) async throws {
        try await TestDatabase.with(backend) { test in
            try await makeApp(test.database).test(.router) { client in
                var rng = Rng(state: Self.seed &+ 1)
                let admin: HTTPFields = [.authorization: "Bearer \(adminKey)", .contentType: "application/json"]
                var defined = 0
                var created = 0
                while defined < Self.requests / 4 {
                    let name = "fuzz \(defined)"
                    let body: JSONValue = rng.chance(0.15) ? Self.value(&rng) : ["name": .string(name), "where": .string(Self.condition(&rng))]
                    let r = try await client.execute(uri: "/v1/segments", method: .post, headers: admin, body: ByteBuffer(bytes: JSONWriter.bytes(body)))
                    #expect(r.status.code < 500, "seed \(Self.seed), definition \(defined): \(r.status) \(String(buffer: r.body).prefix(300))")
                    if r.status == .created { created += 1 }
                    // Ingest after every definition: no definition may stop it.
                    let track = JSONWriter.string(["userId": .string("u\(rng.int(10))"), "event": .string("e\(rng.int(400))"),
                                                   "messageId": .string("fuzz-\(defined)")])
                    let t = try await client.execute(uri: "/v1/track", method: .post, headers: basic(writeKey), body: ByteBuffer(string: track))
                    #expect(t.status == .ok, "seed \(Self.seed), after definition \(defined): \(t.status) \(String(buffer: t.body).prefix(300))")
                    if r.status.code >= 500 || t.status != .ok { break }
                    defined += 1
                }
                #expect(created > 3)
                let list = try json(try await client.execute(uri: "/v1/segments", method: .get, headers: bearer))
                #expect(list[path: "segments"]?.arrayValue?.count == created)
            }
        }
    }
}
