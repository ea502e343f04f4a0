public import Foundation
public import TailorCore
public import TailorStore

/// What the tracking endpoints do once a link is verified: record `Email Opened`, `Email Clicked` and
/// `Unsubscribed` on the recipient's profile, and keep the suppression list in step with unsubscribes.
///
/// The request's address and user agent go into the event's `context` (which the store seals). With a
/// consent ledger, an unsubscribe also records the withdrawal of `email_marketing` (and a resubscribe its
/// grant), with the address, the user agent and the way it was made as evidence.
public struct MailEngagement: Sendable {
    public let store: any MailStore
    public let links: TrackingLinks
    public let detector: MachineOpenDetector
    public let consent: (any ConsentStore)?
    let clock: any WallClock

    public init(store: any MailStore, links: TrackingLinks, detector: MachineOpenDetector = MachineOpenDetector(),
                consent: (any ConsentStore)? = nil, clock: any WallClock = SystemClock()) {
        self.store = store
        self.links = links
        self.detector = detector
        self.consent = consent
        self.clock = clock
    }

    /// Who sent a request, as far as the server can tell.
    public struct Requester: Sendable {
        public var userAgent: String?
        public var address: String?
        public init(userAgent: String?, address: String?) {
            self.userAgent = userAgent
            self.address = address
        }
    }

    /// Records an open. - Returns: the machine source when the open looks automated.
    @discardableResult
    public func recordOpen(_ token: TrackingToken, by requester: Requester) async throws -> String? {
        let source = detector.machineSource(userAgent: requester.userAgent, address: requester.address)
        var properties = Self.properties(token)
        properties["machine_open"] = .bool(source != nil)
        if let source { properties["machine_source"] = .string(source) }
        _ = try await store.appendEvents([(token.profileID, event(TailorEvent.emailOpened, properties, requester))])
        return source
    }

    /// Records a click on `target` (already verified against the token's signature).
    public func recordClick(_ token: TrackingToken, target: String, by requester: Requester) async throws {
        var properties = Self.properties(token)
        properties["url"] = .string(target)
        let source = detector.machineSource(userAgent: requester.userAgent, address: requester.address)
        properties["machine_click"] = .bool(source != nil)
        if let source { properties["machine_source"] = .string(source) }
        _ = try await store.appendEvents([(token.profileID, event(TailorEvent.emailClicked, properties, requester))])
    }

    /// The address the token's message went to, as its suppression key.
    /// - Throws: ``MailEngagementError/unknownMessage`` when the token names no outbox message.
    public func suppressionKey(for token: TrackingToken) async throws -> String {
        guard let key = token.messageKey, let record = try await store.outboxRecord(key: key), record.profileID == token.profileID else {
            throw MailEngagementError.unknownMessage
        }
        return record.recipientIndex
    }

    /// Whether the token's address is suppressed now (and why).
    public func suppression(for token: TrackingToken) async throws -> SuppressionEntry? {
        let key = try await suppressionKey(for: token)
        return try await store.suppressions(keys: [key])[key]
    }

    /// Unsubscribes the token's address (idempotent) and records `Unsubscribed` when it was not suppressed yet.
    /// - Parameter method: `one-click` (RFC 8058) or `preferences` (the page's form).
    public func unsubscribe(_ token: TrackingToken, method: String, by requester: Requester) async throws {
        let key = try await suppressionKey(for: token)
        let added = try await store.suppress([SuppressionEntry(key: key, reason: .unsubscribe, source: token.campaign ?? method,
                                                               createdAt: clock.now())])
        guard added > 0 else { return }
        var properties = Self.properties(token)
        properties["method"] = .string(method)
        _ = try await store.appendEvents([(token.profileID, event(TailorEvent.unsubscribed, properties, requester))])
        try await recordDecision(.withdrawn, token: token, form: method == "one-click" ? "one-click unsubscribe (RFC 8058)" : "preference page",
                                 by: requester)
    }

    /// Appends the person's decision on `email_marketing` to the consent ledger, when there is one.
    func recordDecision(_ status: ConsentStatus, token: TrackingToken, form: String, by requester: Requester) async throws {
        guard let consent else { return }
        var proof: JSONObject = ["form": .string(form)]
        if let address = requester.address { proof["ip"] = .string(address) }
        if let agent = requester.userAgent { proof["user_agent"] = .string(agent) }
        if let campaign = token.campaign { proof["campaign_id"] = .string(campaign) }
        let now = clock.now()
        _ = try await consent.appendConsent([ConsentEntry(profileID: token.profileID, purpose: .emailMarketing, status: status, at: now,
                                                      source: .preferencePage, proof: proof)], at: now)
    }

    /// Lifts an unsubscribe. Hard bounces and complaints stay: a person cannot undo those from a link.
    /// - Returns: whether the address can be mailed again.
    @discardableResult
    public func resubscribe(_ token: TrackingToken, by requester: Requester) async throws -> Bool {
        let key = try await suppressionKey(for: token)
        guard let entry = try await store.suppressions(keys: [key])[key] else { return true }
        guard entry.reason == .unsubscribe else { return false }
        try await store.unsuppress(key: key)
        var properties = Self.properties(token)
        properties["method"] = .string("preferences")
        _ = try await store.appendEvents([(token.profileID, event("Resubscribed", properties, requester))])
        try await recordDecision(.granted, token: token, form: "preference page", by: requester)
        return true
    }

    static func properties(_ token: TrackingToken) -> JSONObject {
        var properties: JSONObject = [:]
        if let campaign = token.campaign { properties["campaign_id"] = .string(campaign) }
        if let variant = token.variant { properties["variant"] = .string(variant) }
        if let key = token.messageKey { properties["message_key"] = .string(key) }
        return properties
    }

    func event(_ name: String, _ properties: JSONObject, _ requester: Requester) -> Message {
        var context: JSONObject = [:]
        if let agent = requester.userAgent { context["userAgent"] = .string(agent) }
        if let address = requester.address { context["ip"] = .string(address) }
        return Message(type: .track, messageId: UUID().uuidString.lowercased(), event: name, properties: properties, context: context,
                       timestamp: clock.now())
    }
}

/// Why an engagement could not be recorded.
public enum MailEngagementError: Error, Sendable, CustomStringConvertible {
    /// The token names no outbox message of its profile (it was never queued, or it was erased).
    case unknownMessage

    public var description: String { "the link refers to no message Tailor sent" }
}
