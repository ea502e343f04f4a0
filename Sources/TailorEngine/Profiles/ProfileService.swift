import Foundation
public import TailorCore
public import TailorStore

/// Reading profiles as people look at them: one profile with everything known about it, its events, and
/// finding profiles by what someone types.
public struct ProfileService: Sendable {
    let profiles: any ProfileStore
    let events: any EventStore
    let computedTraits: any ComputedTraitStore
    let segments: any SegmentStore
    let consent: any ConsentStore
    let search: any ProfileSearchStore

    /// How many of the most recently updated profiles a name search opens (names are sealed: no index finds them).
    public static let nameScan = 20_000

    public init(stores: Stores) {
        profiles = stores.profiles
        events = stores.events
        computedTraits = stores.computedTraits
        segments = stores.segments
        consent = stores.consent
        search = stores.profileSearch
    }

    /// The profile (following merges) with its computed traits, segments, RFM and consent; nil when unknown.
    public func details(_ reference: ProfileReference) async throws -> ProfileDetails? {
        guard let view = try await profiles.profile(reference) else { return nil }
        return ProfileDetails(view: view, merges: try await profiles.merges(into: view.id),
                              computedTraits: try await computedTraits.computedTraits(of: view.id),
                              segments: try await memberships(of: view.id), rfm: try await segments.rfmScore(of: view.id),
                              consent: ConsentLedger.current(try await consent.consentHistory(of: view.id)))
    }

    /// The segments a profile is in, by id, each with its name and since when (its latest entry).
    public func memberships(of profile: ProfileID) async throws -> [ProfileDetails.Membership] {
        let current = Set(try await segments.memberships(of: profile))
        guard !current.isEmpty else { return [] }
        var since: [String: MembershipChange] = [:]
        for change in try await segments.membershipHistory(segment: nil, profile: profile, limit: 10_000)
        where change.entered && current.contains(change.segmentId) && since[change.segmentId] == nil {
            since[change.segmentId] = change  // newest first: the latest entry
        }
        return current.sorted().map { ProfileDetails.Membership(segmentId: $0, segmentName: since[$0]?.segmentName, since: since[$0]?.at) }
    }

    /// A profile's events, newest first, before the `before` cursor when given.
    public func timeline(of profile: ProfileID, before: Int64?, limit: Int) async throws -> [StoredEvent] {
        try await events.events(of: profile, before: before, limit: limit)
    }

    /// Profiles matching what someone typed: a profile id (`p_…`) or a reference (`user:…`, `email:…`,
    /// `anonymous:…`) exactly; an email address exactly (through its blind index); a user id exactly; and names
    /// holding the text among the ``nameScan`` most recently updated profiles. At most `limit`, exact matches first.
    public func search(_ text: String, limit: Int = 50) async throws -> [ProfileSummary] {
        let query = text.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !query.isEmpty, !query.utf8.contains(0), query.utf8.count <= 320 else { return [] }
        var references: [ProfileReference] = []
        if let reference = ProfileReference(query) { references.append(reference) }
        if query.contains("@") { references.append(.identity(Identity(.email, query))) }
        references.append(.identity(Identity(.user, query)))
        var exact: [ProfileID] = []
        for reference in references {
            if let view = try await profiles.profile(reference), !exact.contains(view.id) { exact.append(view.id) }
        }
        var found = try await search.profileSummaries(exact)
        if found.count < limit, !query.contains("@") {
            for match in try await search.profilesNamed(query, scanning: Self.nameScan, limit: limit)
            where !found.contains(where: { $0.id == match.id }) && found.count < limit {
                found.append(match)
            }
        }
        return found
    }

    /// Short descriptions of some profiles (a segment's sample members), in the order given.
    public func summaries(_ ids: [ProfileID]) async throws -> [ProfileSummary] {
        try await search.profileSummaries(ids)
    }
}
