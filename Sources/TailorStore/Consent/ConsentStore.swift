public import Foundation
public import TailorCore

/// The consent ledger: append-only. Entries are added, never changed or removed (the database refuses
/// updates and deletes of its table), so the history is the evidence.
///
/// Entries stay under the profile id they were recorded for; reading follows merges, so a person's history
/// includes what was recorded for the profiles merged into theirs.
public protocol ConsentStore: Sendable {
    /// Appends entries, in order, in one transaction (their proof sealed); an entry whose `key` is recorded
    /// already is skipped. Returns how many were appended.
    @discardableResult func appendConsent(_ entries: [ConsentEntry], at now: Date) async throws -> Int
    /// A person's entries, in recording order.
    func consentHistory(of profile: ProfileID) async throws -> [ConsentEntry]
    /// The latest entry on one purpose of each of some people (those without any are absent).
    func latestConsent(of profiles: [ProfileID], purpose: ConsentPurpose) async throws -> [ProfileID: ConsentEntry]
    /// Entries on one purpose recorded after the entry `after` (its ledger id), in recording order, each under the
    /// profile it belongs to now (following merges), with its ledger id: a cursor over what was recorded since.
    func consentEntries(purpose: ConsentPurpose, after: Int64, limit: Int) async throws -> [(id: Int64, entry: ConsentEntry)]
}
