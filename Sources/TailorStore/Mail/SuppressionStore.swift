public import Foundation
public import TailorCore

/// Addresses Tailor must not mail: hard bounces, complaints, unsubscribes and manual entries.
///
/// Entries are keyed by the address's blind index (the same HMAC the `email` identities use), never by
/// the address: the list holds no personal data, and erasing a profile leaves its entry in place, so an
/// erased person is not mailed again when their address comes back in an import. Checked before every
/// send (the outbox worker) and by whoever builds an audience.
public protocol SuppressionStore: Sendable {
    /// The blind index of an address (normalized as `email` identities are).
    func suppressionKey(forAddress address: String) -> String

    /// Adds entries; an index already listed keeps its first reason and time.
    /// - Returns: how many were new.
    @discardableResult
    func suppress(_ entries: [SuppressionEntry]) async throws -> Int

    /// Removes an index from the list (a resubscribe, or a manual correction).
    /// - Returns: whether it was listed.
    @discardableResult
    func unsuppress(key: String) async throws -> Bool

    /// The entries among `keys` (those not listed are absent).
    func suppressions(keys: [String]) async throws -> [String: SuppressionEntry]

    /// The whole list in key order, a page at a time (`after` is the last key of the previous page).
    func suppressions(after: String?, limit: Int) async throws -> [SuppressionEntry]
}

extension SuppressionStore {
    /// Whether an address is suppressed.
    public func isSuppressed(address: String) async throws -> Bool {
        let key = suppressionKey(forAddress: address)
        return try await suppressions(keys: [key])[key] != nil
    }
}

/// Why an address is suppressed.
public enum SuppressionReason: String, Sendable, Hashable, CaseIterable {
    /// The receiving server said the mailbox does not exist (5xx at RCPT, 5.1.x).
    case hardBounce = "hard_bounce"
    /// The recipient marked a message as spam (a feedback loop report).
    case complaint
    /// The recipient unsubscribed (one-click or the preference page).
    case unsubscribe
    /// An operator added it.
    case manual
}

/// One suppressed address, by blind index.
public struct SuppressionEntry: Sendable, Hashable {
    /// The address's blind index.
    public var key: String
    public var reason: SuppressionReason
    /// Where it came from (a campaign id, `cli`, `one-click`), never personal data.
    public var source: String?
    public var createdAt: Date

    public init(key: String, reason: SuppressionReason, source: String? = nil, createdAt: Date) {
        self.key = key
        self.reason = reason
        self.source = source
        self.createdAt = createdAt
    }
}
