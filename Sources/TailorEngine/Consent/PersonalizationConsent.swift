import Foundation
public import TailorCore
public import TailorStore

/// Who may be personalized (docs/PRIVACY.md, "Personalization"): the `personalization` purpose under a policy
/// (`TAILOR_PERSONALIZATION_CONSENT`: `opt-out` by default, so only a denial or a withdrawal refuses it; `opt-in`
/// needs a grant in force). A person refused gets no model traits and no RFM score in renders, popular products
/// instead of recommendations, and is left out of the segments that read behaviour.
public struct PersonalizationConsent: Sendable {
    public let store: any ConsentStore
    public let policy: ConsentPolicy
    public let clock: any WallClock

    public init(store: any ConsentStore, policy: ConsentPolicy = .optOut, clock: any WallClock = SystemClock()) {
        self.store = store
        // Confirming an address means nothing for profiling: double opt-in reads as opt-in.
        self.policy = policy == .doubleOptIn ? .optIn : policy
        self.clock = clock
    }

    /// The profiles (of those given) that may not be personalized now.
    public func refused(_ ids: [ProfileID]) async throws -> Set<ProfileID> {
        guard !ids.isEmpty else { return [] }
        let latest = try await store.latestConsent(of: ids, purpose: .personalization)
        let now = clock.now()
        return Set(ids.filter { !policy.allows(latest[$0], at: now) })
    }

    /// Whether one profile may be personalized now.
    public func allows(_ id: ProfileID) async throws -> Bool {
        try await refused([id]).isEmpty
    }
}
