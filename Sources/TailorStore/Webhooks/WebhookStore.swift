public import Foundation
public import TailorCore

/// Outgoing webhooks (docs/WEBHOOKS.md): subscriptions to events, and a durable queue of calls to make. Calls
/// are queued in the transaction that decides them (the subscriptions' event step, a journey's webhook step)
/// and made after, with retries, by `WebhookDeliverer`.
public protocol WebhookStore: Sendable {
    /// Stores a new subscription. - Throws: ``StoreError`` `.conflict` when its id is taken.
    func createWebhook(_ webhook: WebhookSubscription) async throws
    func webhooks() async throws -> [WebhookSubscription]
    /// Removes a subscription and the calls it still had to make; returns whether it existed.
    @discardableResult func deleteWebhook(_ id: String) async throws -> Bool
    /// Queues calls (a call whose key is queued already is skipped).
    func queueWebhookCalls(_ calls: [WebhookCall], at now: Date) async throws
    /// Claims up to `limit` calls due at `now`, oldest first: each is hidden from other claims for `lease`,
    /// so several processes share the queue without making a call twice at once.
    func claimWebhookCalls(at now: Date, limit: Int, lease: TimeInterval) async throws -> [ClaimedWebhookCall]
    /// Records how an attempt ended.
    func recordWebhookAttempt(_ id: Int64, _ outcome: WebhookAttemptOutcome, at now: Date) async throws
    /// The calls of one subscription (or, `nil`, of journeys), newest first.
    func webhookCalls(webhook: String?, limit: Int) async throws -> [WebhookCallStatus]
    /// The earliest time a queued call is due.
    func nextWebhookCallDue() async throws -> Date?
}

/// A subscription: events of these names (and, for segment events, of this segment) are POSTed to `url`.
public struct WebhookSubscription: Sendable, Hashable {
    public var id: String
    public var url: String
    public var events: [String]
    /// With `Segment Entered` / `Segment Exited`: only this segment's.
    public var segment: String?
    /// The HMAC key of `X-Tailor-Signature` (sealed at rest).
    public var secret: String
    public var createdAt: Date

    public init(id: String, url: String, events: [String], segment: String?, secret: String, createdAt: Date) {
        self.id = id
        self.url = url
        self.events = events
        self.segment = segment
        self.secret = secret
        self.createdAt = createdAt
    }
}

/// A call to queue. Its body is sealed at rest (it may carry personal data); a subscription's call is signed
/// with the subscription's secret, read when the call is made, a journey's with `secret`.
public struct WebhookCall: Sendable, Hashable {
    /// Unique per call: queuing the same call twice makes it once.
    public var key: String
    /// The subscription, or nil for a journey's webhook step.
    public var webhook: String?
    /// The journey id, for a journey's call.
    public var journey: String?
    /// The person the call is about (an erasure removes their calls).
    public var profile: ProfileID?
    public var url: String
    public var secret: String?
    public var body: JSONObject

    public init(key: String, webhook: String?, journey: String?, profile: ProfileID?, url: String, secret: String?, body: JSONObject) {
        self.profile = profile
        self.key = key
        self.webhook = webhook
        self.journey = journey
        self.url = url
        self.secret = secret
        self.body = body
    }
}

/// A call claimed to be made now.
public struct ClaimedWebhookCall: Sendable, Hashable {
    public var id: Int64
    public var key: String
    public var webhook: String?
    public var url: String
    public var secret: String
    public var body: JSONObject
    /// Attempts made before this one.
    public var attempts: Int

    public init(id: Int64, key: String, webhook: String?, url: String, secret: String, body: JSONObject, attempts: Int) {
        self.id = id
        self.key = key
        self.webhook = webhook
        self.url = url
        self.secret = secret
        self.body = body
        self.attempts = attempts
    }
}

public enum WebhookAttemptOutcome: Sendable, Hashable {
    /// The receiver answered 2xx.
    case delivered(status: Int)
    /// Try again at `retryAt`; `status` is the receiver's answer (nil: no answer), `error` why (no personal data).
    case retry(status: Int?, error: String, retryAt: Date)
    /// Given up.
    case failed(status: Int?, error: String)
}

public enum WebhookCallState: String, Sendable, Hashable {
    case pending, delivered, failed
}

/// A call as the delivery log shows it (no body: it may hold personal data).
public struct WebhookCallStatus: Sendable, Hashable {
    public var id: Int64
    public var key: String
    public var webhook: String?
    public var journey: String?
    public var url: String
    public var state: WebhookCallState
    public var attempts: Int
    public var lastStatus: Int?
    public var lastError: String?
    public var nextAttemptAt: Date?
    public var createdAt: Date
    public var updatedAt: Date

    public init(id: Int64, key: String, webhook: String?, journey: String?, url: String, state: WebhookCallState, attempts: Int, lastStatus: Int?,
                lastError: String?, nextAttemptAt: Date?, createdAt: Date, updatedAt: Date) {
        self.id = id
        self.key = key
        self.webhook = webhook
        self.journey = journey
        self.url = url
        self.state = state
        self.attempts = attempts
        self.lastStatus = lastStatus
        self.lastError = lastError
        self.nextAttemptAt = nextAttemptAt
        self.createdAt = createdAt
        self.updatedAt = updatedAt
    }
}

/// How both adapters store webhooks.
package enum WebhookRecord {
    package static let callColumns = "id, call_key, webhook_id, journey_id, url, state, attempts, last_status, last_error, next_attempt_at, created_at, updated_at"

    package static func events(_ list: [String]) -> String { JSONWriter.string(.array(list.map(JSONValue.string))) }

    package static func events(parsing text: String) -> [String] {
        ((try? JSONParser.parse(text))?.arrayValue ?? []).compactMap(\.stringValue)
    }

    /// The sealed part of a call: its body, and a journey call's secret.
    package static func sealedPart(_ call: WebhookCall) -> JSONObject {
        var o: JSONObject = ["body": .object(call.body)]
        if let secret = call.secret { o["secret"] = .string(secret) }
        return o
    }

    /// What an attempt's outcome writes: state, next attempt, status, error.
    package static func columns(_ outcome: WebhookAttemptOutcome) -> (state: String, next: Int64?, status: Int?, error: String?) {
        switch outcome {
        case .delivered(let status): ("delivered", nil, status, nil)
        case .retry(let status, let error, let at): ("pending", at.millisecondsSince1970, status, error)
        case .failed(let status, let error): ("failed", nil, status, error)
        }
    }
}
