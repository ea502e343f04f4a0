public import Foundation
public import TailorCore

/// A line of a profile search: enough to tell people apart and open one.
public struct ProfileSummary: Sendable {
    public var id: ProfileID
    public var userIds: [String]
    /// The name and email the profile's sealed traits hold (opened for the caller: handle as personal data).
    public var personal: Personal<JSONObject>
    public var lastSeen: Date?

    public init(id: ProfileID, userIds: [String], personal: Personal<JSONObject>, lastSeen: Date?) {
        self.id = id
        self.userIds = userIds
        self.personal = personal
        self.lastSeen = lastSeen
    }
}

/// Finding profiles by what people type: names are sealed at rest, so no index can search them; the store
/// opens the personal traits of the most recently updated profiles, a bounded number, and matches there.
/// Emails and user ids are found exactly through the identity table (``ProfileStore/profile(_:)``).
public protocol ProfileSearchStore: Sendable {
    /// Live profiles whose name holds `query` (``PersonName/matches(_:_:)``), looking at the `scanning` most
    /// recently updated ones, at most `limit` of them, most recently updated first.
    func profilesNamed(_ query: String, scanning: Int, limit: Int) async throws -> [ProfileSummary]
    /// Summaries of the given profiles (unknown ids are left out), in the order given.
    func profileSummaries(_ ids: [ProfileID]) async throws -> [ProfileSummary]
}
