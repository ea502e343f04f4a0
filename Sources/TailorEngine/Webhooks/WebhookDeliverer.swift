public import AsyncHTTPClient
import Crypto
public import Foundation
public import NIOCore
import NIOHTTP1
public import TailorCore
public import TailorStore

/// Makes the queued webhook calls (docs/WEBHOOKS.md): a JSON POST signed with `X-Tailor-Signature`, retried
/// with exponential backoff until the receiver answers 2xx or the attempts run out. A receiver that is down
/// loses nothing: calls wait in the store, and a claimed call that a crash interrupted is claimed again when
/// its lease ends (so a receiver may see a call twice: `X-Tailor-Webhook-Id` is the same each time).
public struct WebhookDeliverer: Sendable {
    public let stores: Stores
    public let clock: any WallClock
    let client: HTTPClient
    /// How long one attempt may take.
    let timeout: TimeAmount

    /// Attempts before a call is given up: with the backoff, about two days.
    public static let maxAttempts = 15

    /// The process's client for webhooks: a receiver that does not accept a connection within 3 s is
    /// counted as down at once (the default client would keep trying until the whole attempt's deadline).
    public static let client = HTTPClient(eventLoopGroupProvider: .singleton,
                                          configuration: HTTPClient.Configuration(timeout: .init(connect: .seconds(3), read: .seconds(10))))

    public init(stores: Stores, clock: any WallClock = SystemClock(), client: HTTPClient = WebhookDeliverer.client, timeout: TimeAmount = .seconds(10)) {
        self.stores = stores
        self.clock = clock
        self.client = client
        self.timeout = timeout
    }

    public struct Tally: Sendable, Hashable {
        public var delivered = 0
        public var retrying = 0
        public var failed = 0

        public init(delivered: Int = 0, retrying: Int = 0, failed: Int = 0) {
            self.delivered = delivered
            self.retrying = retrying
            self.failed = failed
        }

        public var total: Int { delivered + retrying + failed }
    }

    /// Makes every call due now, `width` at a time; returns how the attempts ended.
    @discardableResult
    public func deliverDue(limit: Int = 100, width: Int = 8) async throws -> Tally {
        var tally = Tally()
        while true {
            let calls = try await stores.webhooks.claimWebhookCalls(at: clock.now(), limit: limit, lease: 60)
            guard !calls.isEmpty else { return tally }
            let outcomes = try await Concurrently.map(calls, width: width) { call in (call.id, await attempt(call)) }
            for (id, outcome) in outcomes {
                try await stores.webhooks.recordWebhookAttempt(id, outcome, at: clock.now())
                switch outcome {
                case .delivered: tally.delivered += 1
                case .retry: tally.retrying += 1
                case .failed: tally.failed += 1
                }
            }
            if calls.count < limit { return tally }
        }
    }

    /// One attempt: 2xx delivers; 410 Gone gives up at once; anything else (another status, no answer) is
    /// tried again later, until the last attempt.
    func attempt(_ call: ClaimedWebhookCall) async -> WebhookAttemptOutcome {
        let body = JSONWriter.string(.object(call.body))
        let now = clock.now()
        var request = HTTPClientRequest(url: call.url)
        request.method = .POST
        request.headers.add(name: "Content-Type", value: "application/json")
        request.headers.add(name: "User-Agent", value: "Tailor-Webhooks/1")
        request.headers.add(name: "X-Tailor-Webhook-Id", value: call.key)
        request.headers.add(name: "X-Tailor-Signature", value: Self.signature(secret: call.secret, timestamp: now, body: body))
        request.body = .bytes(ByteBuffer(string: body))
        let attempt = call.attempts + 1
        do {
            let response = try await client.execute(request, timeout: timeout)
            // The answer's body is not kept (it is the receiver's), only read to free the connection.
            _ = try? await response.body.collect(upTo: 64 * 1024)
            let status = Int(response.status.code)
            if (200..<300).contains(status) { return .delivered(status: status) }
            if status == 410 || attempt >= Self.maxAttempts { return .failed(status: status, error: "HTTP \(status)") }
            return .retry(status: status, error: "HTTP \(status)", retryAt: clock.now().addingTimeInterval(Self.backoff(attempt: attempt)))
        } catch {
            let reason = Self.reason(error)
            if attempt >= Self.maxAttempts { return .failed(status: nil, error: reason) }
            return .retry(status: nil, error: reason, retryAt: clock.now().addingTimeInterval(Self.backoff(attempt: attempt)))
        }
    }

    /// Seconds before attempt `attempt + 1`: 30 s doubling, at most 6 hours.
    public static func backoff(attempt: Int) -> TimeInterval {
        min(30 * pow(2, Double(max(0, attempt - 1))), 6 * 3600)
    }

    /// `t=UNIX_SECONDS,v1=HEX`, where HEX is HMAC-SHA256 keyed with the secret over `UNIX_SECONDS.BODY`: a
    /// receiver recomputes it from the raw body and refuses stale timestamps (replays).
    public static func signature(secret: String, timestamp: Date, body: String) -> String {
        let t = Int64(timestamp.timeIntervalSince1970.rounded(.down))
        let mac = HMAC<SHA256>.authenticationCode(for: Array("\(t).\(body)".utf8), using: SymmetricKey(data: Array(secret.utf8)))
        return "t=\(t),v1=" + mac.map { String(format: "%02x", $0) }.joined()
    }

    /// Why an attempt got no answer, in words that carry no data of the call.
    static func reason(_ error: any Error) -> String {
        if let e = error as? HTTPClientError {
            switch e {
            case .deadlineExceeded, .readTimeout, .connectTimeout: return "timed out"
            case .remoteConnectionClosed: return "connection closed"
            default: return "HTTP client error"
            }
        }
        return "could not connect"
    }

    /// What a subscription's call POSTs for one event.
    static func eventBody(_ message: Message, profile: ProfileID, webhook: String, key: String) -> JSONObject {
        [
            "id": .string(key), "type": "event", "webhook_id": .string(webhook), "event": .string(message.eventName),
            "message_id": .string(message.messageId), "profile_id": .string(profile.rawValue),
            "timestamp": .string(ISO8601.format(message.timestamp)), "properties": .object(message.properties),
        ]
    }
}
