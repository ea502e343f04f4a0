public import Foundation

/// What a store must read before planning a batch.
public struct IngestLookups: Sendable {
    public var identities: Set<Identity>
    public var messageIds: [String]
}

/// What a store read: the current owners of the batch's identities, those profiles, and which message ids
/// are already stored.
public struct IngestSnapshot: Sendable {
    public var links: [Identity: ProfileID]
    public var profiles: [ProfileID: ProfileAggregate]
    public var existingMessageIds: Set<String>

    public init(links: [Identity: ProfileID] = [:], profiles: [ProfileID: ProfileAggregate] = [:], existingMessageIds: Set<String> = []) {
        self.links = links
        self.profiles = profiles
        self.existingMessageIds = existingMessageIds
    }
}

/// The writes one batch needs, computed without I/O. A store applies it in one transaction:
/// new profiles, merges (events and identities move to the survivor), identity links, events, then
/// rebuilds and profile rows.
public struct IngestPlan: Sendable {
    /// Events to store, in arrival order, with the profile each belongs to.
    public var events: [(profile: ProfileID, message: Message)] = []
    public var createdProfiles: [ProfileID] = []
    /// Final traits and state of every profile the batch touched (survivors only).
    public var profiles: [ProfileID: ProfileAggregate] = [:]
    /// Identity links to insert or repoint.
    public var links: [Identity: ProfileID] = [:]
    public var merges: [MergeRecord] = []
    /// Profiles whose state must be recomputed from their whole history (late cart events, merges).
    public var rebuild: Set<ProfileID> = []
    /// Message ids skipped because they were stored before (or repeated in the batch).
    public var duplicates: [String] = []
    /// Profiles whose traits this batch changed (identify with traits, merges, new profiles); the others
    /// only need their computed state written.
    public var traitsChanged: Set<ProfileID> = []

    public init() {}
}

/// Identity resolution and incremental profile state for a batch of messages.
///
/// Resolution rules (docs/ARCHITECTURE.md, "Identity"):
/// - a message's identities are its `userId`, `anonymousId`, an identify's `traits.email`, and for
///   `alias` its `previousId` (as a user id or an anonymous id);
/// - the profile that owns the user id wins; a new user id joins the first matching profile that has no
///   user id yet, or starts a new profile;
/// - every other profile matched by the message is merged into the winner, except one that already has
///   a different user id: user ids are authoritative and two of them are never merged;
/// - a merged profile's events and identities move to the winner, its traits are combined (newest wins,
///   per trait) and the winner's state is rebuilt from all events.
public struct IngestPlanner: Sendable {
    public var makeProfileID: @Sendable (Date) -> ProfileID

    public init(makeProfileID: @escaping @Sendable (Date) -> ProfileID = { ProfileID.generate(at: $0) }) {
        self.makeProfileID = makeProfileID
    }

    public static func identities(of m: Message) -> [Identity] {
        var ids: [Identity] = []
        if let u = m.userId { ids.append(Identity(.user, u)) }
        if m.type == .identify, let e = m.traits["email"]?.stringValue, !Identity.normalizeEmail(e).isEmpty {
            ids.append(Identity(.email, e))
        }
        if let a = m.anonymousId { ids.append(Identity(.anonymous, a)) }
        if m.type == .alias, let p = m.previousId {
            ids.append(Identity(.user, p))
            ids.append(Identity(.anonymous, p))
        }
        return ids
    }

    public static func lookups(for messages: [Message]) -> IngestLookups {
        var ids = Set<Identity>()
        for m in messages { ids.formUnion(identities(of: m)) }
        return IngestLookups(identities: ids, messageIds: messages.map(\.messageId))
    }

    /// Plans a batch. `snapshot.profiles` must hold every profile that `snapshot.links` points to.
    public func plan(_ messages: [Message], snapshot: IngestSnapshot) -> IngestPlan {
        var plan = IngestPlan()
        var links = snapshot.links
        var profiles = snapshot.profiles
        var seen = snapshot.existingMessageIds
        // Profiles touched so far; their final aggregates go into the plan at the end (copying them into
        // the plan after every message would make the next message's update copy their storage).
        var touched = Set<ProfileID>()

        for m in messages {
            guard seen.insert(m.messageId).inserted else {
                plan.duplicates.append(m.messageId)
                continue
            }
            let ids = Self.identities(of: m)
            let userIdentity = m.userId.map { Identity(.user, $0) }
            let userOwner = userIdentity.flatMap { links[$0] }
            var others: [ProfileID] = []
            for id in ids where id != userIdentity {
                if let p = links[id], p != userOwner, !others.contains(p) { others.append(p) }
            }

            let survivor: ProfileID
            if let userOwner {
                survivor = userOwner
            } else if m.userId != nil, let free = others.first(where: { profiles[$0]?.userIds.isEmpty ?? true }) {
                survivor = free
            } else if m.userId == nil, let first = others.first {
                survivor = first
            } else {
                survivor = makeProfileID(m.timestamp)
                profiles[survivor] = ProfileAggregate(id: survivor, createdAt: m.receivedAt)
                plan.createdProfiles.append(survivor)
                plan.traitsChanged.insert(survivor)
            }
            if let userIdentity, links[userIdentity] == nil {
                profiles[survivor]!.identities.insert(userIdentity)
            }

            for other in others where other != survivor {
                guard let otherProfile = profiles[other] else { continue }
                let survivorUsers = Set(profiles[survivor]!.userIds)
                let otherUsers = Set(otherProfile.userIds)
                if !survivorUsers.isEmpty, !otherUsers.isEmpty, survivorUsers.isDisjoint(with: otherUsers) { continue }
                // Merge `other` into `survivor`.
                profiles[survivor]!.traits.merge(otherProfile.traits)
                profiles[survivor]!.identities.formUnion(otherProfile.identities)
                profiles[survivor]!.createdAt = min(profiles[survivor]!.createdAt, otherProfile.createdAt)
                for (identity, owner) in links where owner == other {
                    links[identity] = survivor
                    plan.links[identity] = survivor
                }
                for (identity, owner) in plan.links where owner == other { plan.links[identity] = survivor }
                for i in plan.events.indices where plan.events[i].profile == other { plan.events[i].profile = survivor }
                profiles[other] = nil
                touched.remove(other)
                plan.rebuild.remove(other)
                plan.rebuild.insert(survivor)
                plan.traitsChanged.insert(survivor)
                plan.createdProfiles.removeAll { $0 == other }
                plan.merges.append(MergeRecord(from: other, into: survivor, reason: Self.reason(m), messageId: m.messageId, at: m.receivedAt))
            }

            for id in ids where links[id] == nil {
                links[id] = survivor
                plan.links[id] = survivor
                profiles[survivor]!.identities.insert(id)
            }

            if !profiles[survivor]!.apply(m) { plan.rebuild.insert(survivor) }
            if m.type == .identify, !m.traits.isEmpty { plan.traitsChanged.insert(survivor) }
            plan.events.append((survivor, m))
            touched.insert(survivor)
        }
        for id in touched { plan.profiles[id] = profiles[id] }
        return plan
    }

    static func reason(_ m: Message) -> String {
        switch m.type {
        case .alias: "alias"
        case .identify: m.userId != nil ? "identify with a known identity" : "identify"
        default: "\(m.type.rawValue) with a known identity"
        }
    }
}
