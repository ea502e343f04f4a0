public import TailorCore

/// What the admin API and the engine read about profiles.
public protocol ProfileStore: Sendable {
    /// The profile, following merges (a merged-away id leads to the survivor).
    func profile(_ reference: ProfileReference) async throws -> ProfileView?
    /// The profile's traits and state as the engine keeps them.
    func aggregate(_ id: ProfileID) async throws -> ProfileAggregate?
    func merges(into profile: ProfileID) async throws -> [MergeRecord]
    /// All live (not merged-away) profile ids, in id order.
    func profileIDs(after: ProfileID?, limit: Int) async throws -> [ProfileID]
}
