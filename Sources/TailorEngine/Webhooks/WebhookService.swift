public import Foundation
public import TailorCore
public import TailorStore

/// Webhook subscriptions: checked and stored, listed, removed, and their delivery log (docs/WEBHOOKS.md).
public struct WebhookService: Sendable {
    public let stores: Stores
    public let clock: any WallClock

    public init(stores: Stores, clock: any WallClock = SystemClock()) {
        self.stores = stores
        self.clock = clock
    }

    /// Subscribes `url` to events of these names (with `segment`, only that segment's entries and exits).
    /// - Throws: ``RequestError`` `.invalid` naming the field, `.notFound` for an unknown segment.
    @discardableResult
    public func create(url: String, events: [String], segment: String?, secret: String) async throws -> WebhookSubscription {
        guard WebhookURL.isValid(url) else { throw RequestError(.invalid, "expected an http or https URL", field: "url") }
        let names = events.map { $0.trimmingCharacters(in: .whitespaces) }
        guard !names.isEmpty, names.allSatisfy({ !$0.isEmpty && $0.count <= 200 && !$0.utf8.contains(0) }) else {
            throw RequestError(.invalid, "give at least one event name (such as \"Segment Entered\" or \"Email Opened\")", field: "events")
        }
        guard secret.count >= 16, secret.count <= 256 else {
            throw RequestError(.invalid, "expected a signing secret of 16 to 256 characters", field: "secret")
        }
        if let segment {
            guard names.allSatisfy({ $0 == TailorEvent.segmentEntered || $0 == TailorEvent.segmentExited }) else {
                throw RequestError(.invalid, "a segment filters only Segment Entered and Segment Exited", field: "segment")
            }
            guard try await stores.segments.segment(segment) != nil else { throw RequestError(.notFound, "no segment \(segment)", field: "segment") }
        }
        let webhook = WebhookSubscription(id: "wh_" + Self.randomID(), url: url, events: Array(Set(names)).sorted(), segment: segment, secret: secret,
                                          createdAt: clock.now())
        try await stores.webhooks.createWebhook(webhook)
        return webhook
    }

    public func list() async throws -> [WebhookSubscription] { try await stores.webhooks.webhooks() }

    /// - Throws: ``RequestError`` `.notFound`.
    public func delete(_ id: String) async throws {
        guard try await stores.webhooks.deleteWebhook(id) else { throw RequestError(.notFound, "no webhook \(id)", field: "id") }
    }

    /// A subscription's calls, newest first. - Throws: ``RequestError`` `.notFound`.
    public func calls(of id: String, limit: Int = 100) async throws -> [WebhookCallStatus] {
        guard try await stores.webhooks.webhooks().contains(where: { $0.id == id }) else { throw RequestError(.notFound, "no webhook \(id)", field: "id") }
        return try await stores.webhooks.webhookCalls(webhook: id, limit: limit)
    }

    static func randomID() -> String {
        let alphabet = Array("abcdefghijklmnopqrstuvwxyz0123456789")
        var g = SystemRandomNumberGenerator()
        return String((0..<16).map { _ in alphabet[Int(g.next() % UInt64(alphabet.count))] })
    }
}

extension WebhookSubscription {
    /// The JSON the API and `--json` show (never the secret).
    public var json: JSONValue {
        var o: JSONObject = ["id": .string(id), "url": .string(url), "events": .array(events.map(JSONValue.string)),
                             "created_at": .string(ISO8601.format(createdAt))]
        o["segment"] = segment.map(JSONValue.string) ?? .null
        return .object(o)
    }
}

extension WebhookCallStatus {
    public var json: JSONValue {
        var o: JSONObject = ["id": .number(Double(id)), "call_id": .string(key), "url": .string(url), "state": .string(state.rawValue),
                             "attempts": .number(Double(attempts)), "created_at": .string(ISO8601.format(createdAt)),
                             "updated_at": .string(ISO8601.format(updatedAt))]
        o["webhook_id"] = webhook.map(JSONValue.string) ?? .null
        o["journey_id"] = journey.map(JSONValue.string) ?? .null
        o["last_status"] = lastStatus.map { .number(Double($0)) } ?? .null
        o["last_error"] = lastError.map(JSONValue.string) ?? .null
        o["next_attempt_at"] = nextAttemptAt.map { .string(ISO8601.format($0)) } ?? .null
        return .object(o)
    }
}
