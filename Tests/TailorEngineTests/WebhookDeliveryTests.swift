import Foundation
import Testing
import TailorCore
import TailorEngine
import TailorStore
import TailorTesting

/// Webhook calls made to a real HTTP receiver (`Peers/webhook_receiver.py`, run with `TAILOR_PYTHON`), which
/// checks each signature with Python's `hmac` as docs/WEBHOOKS.md tells receivers to.
@Suite("Webhooks to a real receiver", .enabled(if: ProcessInfo.processInfo.environment["TAILOR_PYTHON"] != nil))
struct WebhookDeliveryTests {
    let t0 = Date(millisecondsSince1970: 1_780_000_000_000)
    static let secret = "whsec-0123456789abcdef"

    static func startReceiver(out: URL, fail: Int) async throws -> PythonPeerServer {
        try await PythonPeerServer.start(URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Peers/webhook_receiver.py"),
                                         arguments: ["--secret", secret, "--out", out.path, "--fail", "\(fail)"])
    }

    static func received(_ out: URL) throws -> [JSONObject] {
        guard let text = try? String(contentsOf: out, encoding: .utf8) else { return [] }
        return try text.split(separator: "\n").map { line in
            guard case .object(let o) = try JSONParser.parse(String(line)) else { throw StoreError(.corruptRow, "not an object") }
            return o
        }
    }

    /// A subscription to a segment's entries gets one signed call per entry; a receiver that answers 503
    /// gets the same call again after the backoff, and nothing is lost; other segments' entries are not sent.
    @Test(arguments: TestBackend.available)
    func segmentEntriesReachTheReceiverSignedAndRetried(backend: TestBackend) async throws {
        let out = FileManager.default.temporaryDirectory.appendingPathComponent("webhooks-\(UUID().uuidString).jsonl")
        let receiver = try await Self.startReceiver(out: out, fail: 1)
        defer {
            receiver.stop()
            try? FileManager.default.removeItem(at: out)
        }
        try await TestDatabase.with(backend) { test in
            let (clock, _) = try journeyWorld(test, at: t0)
            let segments = SegmentService(stores: test.stores, clock: clock)
            _ = try await segments.define(name: "VIP", condition: try Condition(text: "traits.vip = true"))
            _ = try await segments.define(name: "Berlin", condition: try Condition(text: "traits.city = \"Berlin\""))
            let webhooks = WebhookService(stores: test.stores, clock: clock)
            let url = "http://127.0.0.1:\(receiver.port)/hooks/vip"
            await #expect(throws: RequestError.self) {
                try await webhooks.create(url: url, events: ["Segment Entered"], segment: "nope", secret: Self.secret)
            }
            await #expect(throws: RequestError.self) { try await webhooks.create(url: url, events: ["Segment Entered"], segment: "vip", secret: "short") }
            let webhook = try await webhooks.create(url: url, events: ["Segment Entered"], segment: "vip", secret: Self.secret)

            _ = try await test.database.ingest([.identify(userId: "u1", traits: ["vip": true, "city": "Berlin"], at: t0, messageId: "i1"),
                                                .identify(userId: "u2", traits: ["city": "Berlin"], at: t0, messageId: "i2")],
                                               planner: IngestPlanner())
            let deliverer = WebhookDeliverer(stores: test.stores, clock: clock)
            // First attempt: the receiver answers 503.
            #expect(try await deliverer.deliverDue() == WebhookDeliverer.Tally(delivered: 0, retrying: 1, failed: 0))
            var log = try await webhooks.calls(of: webhook.id)
            #expect(log.count == 1 && log[0].state == .pending && log[0].attempts == 1 && log[0].lastStatus == 503)
            #expect(log[0].nextAttemptAt == clock.now() + 30)
            // Not before the backoff; then delivered.
            #expect(try await deliverer.deliverDue().total == 0)
            clock.advance(by: 30)
            #expect(try await deliverer.deliverDue() == WebhookDeliverer.Tally(delivered: 1, retrying: 0, failed: 0))
            log = try await webhooks.calls(of: webhook.id)
            #expect(log[0].state == .delivered && log[0].attempts == 2 && log[0].lastStatus == 200)

            let requests = try Self.received(out)
            #expect(requests.count == 2)
            #expect(requests.allSatisfy { $0["verified"] == true && $0["path"] == "/hooks/vip" && $0["content_type"] == "application/json" })
            // The same call both times, so a receiver can drop a repeat.
            #expect(requests[0]["id"] == requests[1]["id"] && requests[0]["body"] == requests[1]["body"])
            let body = try #require(requests[1]["body"]?.objectValue)
            let u1 = try #require(try await test.database.profile(.identity(Identity(.user, "u1"))))
            #expect(body["event"] == "Segment Entered" && body["webhook_id"] == .string(webhook.id) && body["profile_id"] == .string(u1.id.rawValue))
            #expect(body["properties"]?.objectValue?["segment_id"] == "vip")

            // Removing the subscription stops its calls.
            try await webhooks.delete(webhook.id)
            _ = try await test.database.ingest([.identify(userId: "u3", traits: ["vip": true], at: t0, messageId: "i3")], planner: IngestPlanner())
            #expect(try await deliverer.deliverDue().total == 0)
        }
    }

    /// A receiver that is down (nothing listens) loses nothing: the call waits with its reason, and the
    /// backoff doubles up to its cap.
    @Test func aReceiverThatIsDownLosesNothing() async throws {
        try await TestDatabase.with(.sqlite) { test in
            let clock = ManualClock(t0)
            try await test.stores.webhooks.queueWebhookCalls([WebhookCall(key: "k1", webhook: nil, journey: "j", profile: nil,
                                                                          url: "http://127.0.0.1:9/nothing", secret: Self.secret, body: ["a": 1])], at: t0)
            let deliverer = WebhookDeliverer(stores: test.stores, clock: clock, timeout: .seconds(2))
            #expect(try await deliverer.deliverDue().retrying == 1)
            let log = try await test.stores.webhooks.webhookCalls(webhook: nil, limit: 5)
            #expect(log.map(\.state) == [.pending] && log[0].lastError == "could not connect" && log[0].lastStatus == nil)
            #expect(WebhookDeliverer.backoff(attempt: 1) == 30 && WebhookDeliverer.backoff(attempt: 4) == 240 && WebhookDeliverer.backoff(attempt: 14) == 6 * 3600)
        }
    }

    /// The documented signature: HMAC-SHA256 of `t.body` in hex (a known vector, checked with Python's hmac).
    @Test func theSignatureIsTheDocumentedOne() {
        let s = WebhookDeliverer.signature(secret: "key", timestamp: Date(timeIntervalSince1970: 1_700_000_000), body: #"{"a":1}"#)
        #expect(s == "t=1700000000,v1=a438e398bfafc57e4396bb7fc2304422f0f768e965d073ca313cb52e22e6ad03")
    }
}
