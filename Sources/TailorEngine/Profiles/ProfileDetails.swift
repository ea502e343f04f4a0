public import Foundation
public import TailorCore
public import TailorStore

/// Everything known about one profile at one moment: what the admin API's profile and the dashboard's
/// profile page both show.
public struct ProfileDetails: Sendable {
    /// A segment the profile is in, and since when (its latest entry).
    public struct Membership: Sendable, Hashable {
        public var segmentId: String
        public var segmentName: String?
        public var since: Date?
    }

    public var view: ProfileView
    public var merges: [MergeRecord]
    public var computedTraits: [ComputedTrait]
    public var segments: [Membership]
    public var rfm: RFMScore?
    /// The current decision per purpose (the latest by decision time); purposes never decided are absent.
    public var consent: [ConsentPurpose: ConsentEntry]
}
