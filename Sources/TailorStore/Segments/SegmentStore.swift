public import Foundation
public import TailorCore
import Synchronization

/// Segments: definitions, memberships kept in real time, the audience query, timers and RFM scores.
///
/// Membership is maintained inside the ingest transaction when segments exist: the profiles a batch touched
/// are evaluated (only for the segments the batch can change), and membership changes, their history and the
/// `Segment Entered`/`Segment Exited` events commit with the batch. Everything else that changes memberships
/// (saving or deleting a segment, the timers that time makes due, RFM) is a workflow of `SegmentService`
/// (TailorEngine), which plans with the pure planners of Core and applies each step through the transaction-sized
/// operations below.
public protocol SegmentStore: Sendable {
    /// The clock segments are evaluated with in the ingest transaction (the fixed `TAILOR_NOW`, or a test's
    /// manual clock).
    func useSegmentClock(_ clock: any WallClock)
    /// The personal-data policy the store splits traits by: segments may not query what it calls personal.
    var segmentPolicy: PersonalDataPolicy { get }

    func segments() async throws -> [SegmentDefinition]
    /// By id or by name.
    func segment(_ idOrName: String) async throws -> SegmentDefinition?

    // MARK: Workflow steps

    /// In one transaction, one definition change at a time (across nodes where several share the database):
    /// reads the stored definitions, hands them to `plan`, and writes the edit it returns. Saving upserts the
    /// definition (`updated_at` is `now`); deleting ends the segment's memberships (``SegmentEdit/exits(of:members:at:)``
    /// at `now`) and drops its recorded sizes. Both change the catalog's version, so every node reloads it.
    /// - Returns: the edit written.
    /// - Throws: what `plan` throws (nothing is written then), or ``StoreError``.
    @discardableResult
    func editSegments(at now: Date, _ plan: @escaping @Sendable ([SegmentDefinition]) throws -> SegmentEdit) async throws -> SegmentEdit

    /// In one transaction: selects profiles, reads what the membership planner needs of them (their events as of
    /// `now`, memberships, timers, RFM scores) with the catalog as of that transaction, and writes the outcome
    /// `plan` decides. `plan` is not called when nothing is selected.
    /// - Returns: the profiles selected, in order, and the outcome written.
    func evaluateMemberships(_ selection: MembershipSelection, now: Date,
                             plan: @escaping @Sendable (MembershipBatch) throws -> MembershipOutcome) async throws -> MembershipPass

    /// The live profiles with at least one order, as RFM scoring ranks them.
    func rfmCustomers() async throws -> [RFMScorer.Customer]
    /// Stores `scores` (in profile order) as computed at `at`; profiles that are no longer customers lose theirs.
    /// How many transactions that takes is the backend's choice (SQLite, one writer: small ones, so that ingest
    /// never waits for the whole population).
    func replaceRFMScores(_ scores: [(profile: ProfileID, score: RFMScore)], at: Date) async throws
    /// Counts every segment's stored members and records the counts as of `at`, in one transaction.
    @discardableResult func recordSegmentSizes(at: Date) async throws -> [String: Int]

    // MARK: Reading

    /// The live profiles that satisfy a condition now, computed in SQL; `limit` nil lists all.
    func audience(_ condition: Condition, limit: Int?) async throws -> [ProfileID]
    func audienceCount(_ condition: Condition) async throws -> Int
    /// The stored members of a segment (as maintained in real time), in id order.
    func members(of segmentId: String, after: ProfileID?, limit: Int) async throws -> [ProfileID]
    func memberCount(of segmentId: String) async throws -> Int
    /// Each profile's user id (the smallest, when it has several); profiles without one are left out.
    func userIds(of profiles: [ProfileID]) async throws -> [ProfileID: String]
    /// The segments a profile is in.
    func memberships(of profile: ProfileID) async throws -> [String]
    /// Entries and exits, newest first (of one segment, one profile, or both).
    func membershipHistory(segment: String?, profile: ProfileID?, limit: Int) async throws -> [MembershipChange]

    /// What the evaluator needs of one profile (for explain).
    func segmentSubject(_ profile: ProfileID) async throws -> SegmentSubject?
    /// The earliest pending timer.
    func nextSegmentTimer() async throws -> Date?
    func rfmScore(of profile: ProfileID) async throws -> RFMScore?
    /// Recorded sizes, oldest first, per segment.
    func segmentSizeHistory() async throws -> [String: [(Date, Int)]]
}

/// The parts of the segment machinery a store keeps in memory: the clock and the catalog, reloaded when its
/// version in the database changes (another node, another process).
package final class SegmentRuntime: Sendable {
    private let clockBox = Mutex<any WallClock>(SystemClock())
    private let cached = Mutex<(version: Int64, catalog: SegmentCatalog?)>((-1, nil))
    package let policy: PersonalDataPolicy

    package init(policy: PersonalDataPolicy) {
        self.policy = policy
    }

    package var now: Date { clockBox.withLock { $0 }.now() }
    package func use(_ clock: any WallClock) { clockBox.withLock { $0 = clock } }

    package func cachedCatalog(version: Int64) -> SegmentCatalog? {
        cached.withLock { $0.version == version ? $0.catalog : nil }
    }

    /// The catalog for a version, built from the stored definitions when the version changed.
    package func catalog(version: Int64, load: () throws -> [SegmentDefinition]) throws -> SegmentCatalog {
        if let c = cached.withLock({ $0.version == version ? $0.catalog : nil }) { return c }
        let c = try SegmentCatalog(try load(), policy: policy)
        cached.withLock { $0 = (version, c) }
        return c
    }
}

/// Definitions are stored as the JSON form of their condition.
package enum SegmentRecord {
    package static func definition(id: String, name: String, description: String, json: String, createdAt: Int64, updatedAt: Int64) throws -> SegmentDefinition {
        do {
            let condition = try Condition(json: try JSONParser.parse(json))
            return SegmentDefinition(id: id, name: name, description: description, condition: condition,
                                     createdAt: Date(millisecondsSince1970: createdAt), updatedAt: Date(millisecondsSince1970: updatedAt))
        } catch {
            throw StoreError(.corruptRow, "segment \(id): stored definition does not decode (\(error))")
        }
    }

    /// Parses an event's stored properties for the evaluator (empty when unreadable).
    package static func properties(_ text: String) -> JSONObject {
        guard !text.isEmpty, text != "{}", case .object(let o)? = try? JSONParser.parse(text) else { return [:] }
        return o
    }

    /// Distinct windows the event filter spells out one by one; beyond this, windowed names share the widest.
    package static let maxFilterWindows = 16

    /// The WHERE clause (after `profile_id IN …`) selecting at least the events a catalog's evaluator reads,
    /// and its binds; nil when it reads none. `placeholder` writes one bind's marker.
    ///
    /// Its size does not grow with the number of names: one `IN` list for the names read without a window,
    /// one term per distinct window (up to ``maxFilterWindows``, then one term with the widest window), and
    /// one for activity. A catalog of a thousand windowed names is therefore a handful of terms, not a
    /// thousand `OR`s (which SQLite refuses past its expression depth). The filter may select more than the
    /// evaluator reads; readers keep only the rows ``eventMatches(_:now:type:name:timestamp:)`` selects, so
    /// what is held is exactly that rule's.
    package static func eventFilter(_ needs: SegmentCatalog.EventNeeds, now: Date, placeholder: (SQLBind) -> String) -> String? {
        guard !needs.isEmpty else { return nil }
        let nowMs = now.millisecondsSince1970
        var clauses: [String] = []
        func names(_ list: [String]) -> String { list.map { placeholder(.text($0)) }.joined(separator: ", ") }
        let unbounded = needs.names.filter { $0.value == nil }.keys.sorted()
        if !unbounded.isEmpty {
            clauses.append("(type = 'track' AND name IN (\(names(unbounded))))")
        }
        var bySpan: [Int64: [String]] = [:]
        for case (let name, let span?) in needs.names { bySpan[span, default: []].append(name) }
        if bySpan.count > maxFilterWindows, let widest = bySpan.keys.max() {
            bySpan = [widest: bySpan.values.flatMap { $0 }]
        }
        for (span, list) in bySpan.sorted(by: { $0.key < $1.key }) {
            clauses.append("(type = 'track' AND name IN (\(names(list.sorted()))) AND timestamp > \(placeholder(.integer(nowMs - span))))")
        }
        if let activity = needs.activity {
            if let span = activity {
                clauses.append("(type IN ('track', 'page', 'screen') AND timestamp > \(placeholder(.integer(nowMs - span))))")
            } else {
                clauses.append("type IN ('track', 'page', 'screen')")
            }
        }
        return "(" + clauses.joined(separator: " OR ") + ")"
    }

    /// Whether the evaluator reads an event: the rule that ``eventFilter(_:now:placeholder:)`` selects at least,
    /// applied to the rows it returns and to the events an ingest transaction adds to subject events it already
    /// holds instead of reading them back.
    package static func eventMatches(_ needs: SegmentCatalog.EventNeeds, now: Int64, type: MessageType, name: String, timestamp: Int64) -> Bool {
        if type == .track, let span = needs.names[name] {
            guard let span else { return true }
            if timestamp > now - span { return true }
        }
        if let activity = needs.activity, type == .track || type == .page || type == .screen {
            guard let span = activity else { return true }
            return timestamp > now - span
        }
        return false
    }

    package static func usesRFM(_ catalog: SegmentCatalog) -> Bool { catalog.dependencies.values.contains { $0.rfm } }
}
