import Dispatch
import Foundation
import Synchronization
import TailorCore
import TailorStore

/// Identity links and profiles as the last ingest transaction left them, so that the next one need not
/// read and decode them again (profile rows are JSON and a sealed column: decoding them was a fifth of
/// the writer's time per event).
///
/// The cache is trusted only while nothing but ingest has written to the database since it was filled:
/// each ingest transaction records the connection's `PRAGMA data_version` (which changes when another
/// connection or process commits) and `total_changes` (which counts this connection's own writes: mail
/// events, segment timers, a rebuild, an erasure…). If either differs at the start of the next
/// transaction, or the last transaction's commit was not confirmed, everything is dropped and read
/// again. What is kept is what a read would give: dates at the database's millisecond precision,
/// no email identities (they are stored as blind indexes only).
///
/// It also keeps what the membership step read of each profile besides its row (``MembershipFacts``: the
/// events the segment conditions look at, the profile's segments, timer, RFM scores and computed traits), for the catalog
/// of the time: the next transaction then appends the batch's own events and applies its own membership
/// changes instead of reading them again (reading the touched profiles' histories was 42 % of the
/// writer's time with the seed segments, and grows with the histories).
///
/// SQLite only: one process holds the single writer, so "nothing else wrote" can be checked. Bounded by
/// `capacity` profiles (and as many identities), least recently used first out, approximately; membership
/// facts by `factsCapacity` profiles of at most `maxHeldEvents` events each (a longer history is read
/// each time, as before), so that what they hold stays in the tens of megabytes whatever the conditions.
final class SQLiteIngestCache: Sendable {
    struct Marker: Equatable, Sendable {
        var dataVersion: Int64
        var totalChanges: Int
    }

    /// What the membership step reads of a profile besides its row, as committed.
    struct MembershipFacts: Sendable {
        /// The events the catalog's needs select; a superset is allowed (the evaluator applies each window).
        var events: [SubjectEvent]
        var segments: Set<String>
        var timer: Date?
        var rfm: RFMScore?
        /// Empty unless the catalog reads computed traits. Rewriting them (`tailor ml …`) is a write besides
        /// ingest, so it empties the whole cache (see above).
        var computed: [String: FieldValue] = [:]
    }

    /// What facts were read for: the events the catalog selects, and whether its conditions read RFM scores
    /// and computed traits.
    struct FactsKey: Equatable, Sendable {
        var needs: SegmentCatalog.EventNeeds
        var rfm: Bool
        var computed: Bool
    }

    /// What an ingest transaction's membership step knows of its profiles after it.
    struct FactsUpdate: Sendable {
        var key: FactsKey
        var facts: [ProfileID: MembershipFacts] = [:]
        /// Profiles whose held facts are no longer complete.
        var dropped: Set<ProfileID> = []
    }

    private struct State {
        var links: TwoGenerations<Identity, ProfileID>
        var profiles: TwoGenerations<ProfileID, ProfileAggregate>
        var facts: TwoGenerations<ProfileID, MembershipFacts>
        var factsKey: FactsKey?
        /// How many profiles' facts ``facts(_:key:)`` has given (for tests).
        var factsServed = 0
        var marker: Marker?
        var confirmed = false
        var generation: UInt64 = 0

        mutating func forgetAll() {
            links.removeAll()
            profiles.removeAll()
            facts.removeAll()
            factsKey = nil
        }
    }

    private let state: Mutex<State>
    /// Where ``record(links:saved:stale:facts:mergesHappened:marker:)`` stores entries, and its work in flight.
    private let recorder = DispatchQueue(label: "tailor.sqlite.ingest-cache")
    private let pending = DispatchGroup()

    /// The most events one profile's held facts may have.
    static let maxHeldEvents = 100

    init(capacity: Int, factsCapacity: Int = 50_000) {
        state = Mutex(State(links: TwoGenerations(capacity: capacity), profiles: TwoGenerations(capacity: capacity),
                            facts: TwoGenerations(capacity: factsCapacity)))
    }

    /// Called first in an ingest transaction: whether what is cached is still what the database holds.
    /// When not, the cache is emptied.
    func begin(_ marker: Marker) -> Bool {
        pending.wait()
        return state.withLock { s in
            if s.confirmed, s.marker == marker { return true }
            s.forgetAll()
            s.marker = nil
            s.confirmed = false
            return false
        }
    }

    func links(_ identities: some Sequence<Identity>) -> [Identity: ProfileID] {
        let keys = Array(identities)
        return state.withLock { $0.links.values(for: keys) }
    }

    func profiles(_ ids: some Sequence<ProfileID>) -> [ProfileID: ProfileAggregate] {
        let keys = Array(ids)
        return state.withLock { $0.profiles.values(for: keys) }
    }

    /// The membership facts held for these profiles, read for `key`. When the key differs from the one the
    /// facts were read for (the catalog changed), every profile's are dropped.
    func facts(_ ids: some Sequence<ProfileID>, key: FactsKey) -> [ProfileID: MembershipFacts] {
        let ids = Array(ids)
        return state.withLock { s in
            guard s.factsKey == key else {
                s.facts.removeAll()
                s.factsKey = key
                return [:]
            }
            let found = s.facts.values(for: ids)
            s.factsServed += found.count
            return found
        }
    }

    /// How many profiles' membership facts the cache has given since it was made.
    var factsServed: Int { state.withLock { $0.factsServed } }

    /// Records what a transaction read and wrote, before its commit; returns a token for ``confirm(_:)``.
    /// The entries are stored on the cache's own queue, while the writer commits.
    /// `stale` are profiles whose stored row the transaction changed after `saved` was computed. `facts` is
    /// nil when the transaction kept no membership facts (there are no segments): every profile's are dropped.
    func record(links: [Identity: ProfileID], saved: [ProfileID: ProfileAggregate], stale: Set<ProfileID>,
                facts: FactsUpdate?, mergesHappened: Bool, marker: Marker) -> UInt64 {
        let token = state.withLock { s in
            s.generation &+= 1
            s.confirmed = false
            if mergesHappened {
                // A merge repoints every identity of the merged profile, not only those in the batch.
                s.forgetAll()
                s.marker = nil
            } else {
                s.marker = marker
            }
            return s.generation
        }
        guard !mergesHappened else { return token }
        // Storing the entries runs beside the transaction's commit, off the writer; the next `begin` (or an
        // `invalidate`) waits for it.
        recorder.async(group: pending) {
            let stored = saved.filter { !stale.contains($0.key) }.mapValues(Self.asStored)
            self.state.withLock { s in
                if facts?.key != s.factsKey {
                    s.facts.removeAll()
                    s.factsKey = facts?.key
                }
                if let facts {
                    for id in facts.dropped { s.facts.remove(id) }
                    for (id, f) in facts.facts where !facts.dropped.contains(id) {
                        if f.events.count <= Self.maxHeldEvents { s.facts[id] = f } else { s.facts.remove(id) }
                    }
                }
                for (identity, owner) in links {
                    s.links[identity] = owner
                }
                for id in stale { s.profiles.remove(id) }
                for (id, aggregate) in stored { s.profiles[id] = aggregate }
            }
        }
        return token
    }

    /// The transaction that returned `token` committed: the cache may be used by the next one.
    func confirm(_ token: UInt64) {
        state.withLock { s in
            if s.generation == token, s.marker != nil { s.confirmed = true }
        }
    }

    /// The transaction failed or its outcome is unknown: nothing cached can be trusted.
    func invalidate() {
        pending.wait()
        state.withLock { s in
            s.forgetAll()
            s.marker = nil
            s.confirmed = false
            s.generation &+= 1
        }
    }

    /// The aggregate as reading its row back would give it.
    static func asStored(_ p: ProfileAggregate) -> ProfileAggregate {
        var p = p
        p.createdAt = p.createdAt.atStoredPrecision
        if p.identities.contains(where: { $0.kind == .email }) { p.identities = p.identities.filter { $0.kind != .email } }
        p.state.firstSeen = p.state.firstSeen?.atStoredPrecision
        p.state.lastSeen = p.state.lastSeen?.atStoredPrecision
        p.state.lastActivity = p.state.lastActivity?.atStoredPrecision
        p.state.lastOrderAt = p.state.lastOrderAt?.atStoredPrecision
        p.state.cartUpdatedAt = p.state.cartUpdatedAt?.atStoredPrecision
        return p
    }
}

extension Date {
    /// The date as a database column gives it back: whole milliseconds.
    var atStoredPrecision: Date { Date(millisecondsSince1970: millisecondsSince1970) }
}

/// A map bounded to about `capacity` entries that forgets the least recently used ones first,
/// approximately: entries live in a young and an old generation; a read of an old entry moves it to the
/// young one; when the young one is full it becomes the old one (the previous old one is dropped).
struct TwoGenerations<Key: Hashable, Value> {
    private var young: [Key: Value] = [:]
    private var old: [Key: Value] = [:]
    let half: Int

    init(capacity: Int) {
        half = max(1, capacity / 2)
    }

    var count: Int { young.count + old.count }

    subscript(key: Key) -> Value? {
        mutating get {
            if let v = young[key] { return v }
            guard let v = old.removeValue(forKey: key) else { return nil }
            young[key] = v
            rotateIfFull()
            return v
        }
        set {
            if let newValue {
                young[key] = newValue
                old[key] = nil
                rotateIfFull()
            } else {
                remove(key)
            }
        }
    }

    /// The entries held for these keys (each read counts as a use).
    mutating func values(for keys: some Sequence<Key>) -> [Key: Value] {
        var found: [Key: Value] = [:]
        for key in keys {
            if let value = self[key] { found[key] = value }
        }
        return found
    }

    mutating func remove(_ key: Key) {
        young[key] = nil
        old[key] = nil
    }

    mutating func removeAll() {
        young = [:]
        old = [:]
    }

    private mutating func rotateIfFull() {
        if young.count >= half {
            old = young
            young = [:]
        }
    }
}
