import Foundation
public import Logging
public import ServiceLifecycle
public import TailorCore
public import TailorStore

/// Segments as the server and the CLI use them: definitions from text or JSON, explain, audit, CSV export,
/// and the background work (timers that fire exactly when time changes a membership, RFM on a schedule).
///
/// The workflows that change memberships outside ingest are written here once, for every backend: saving and
/// deleting a segment (`+Save`), re-evaluating profiles page by page and running due timers (`+Evaluation`),
/// RFM (`+RFM`) and segment sizes (`+Sizes`). Each plans with Core's pure planners (`SegmentEdit`,
/// `MembershipPlanner`, `RFMScorer`) and applies every step through one transaction-sized operation of the
/// ``SegmentStore``.
public final class SegmentService: Service, Sendable {
    public struct Options: Sendable {
        /// How often due timers are looked for (they are exact to the millisecond of the clock; this is only
        /// how soon after that moment they are applied).
        public var timerPoll: Duration = .seconds(1)
        /// How often RFM scores are recomputed and segment sizes recorded.
        public var rfmInterval: Duration = .seconds(86_400)
        public init() {}
    }

    public let segments: any SegmentStore
    /// For the audit's profile count.
    let lifecycle: any StoreLifecycle
    let clock: any WallClock
    let options: Options
    let logger: Logger

    public init(segments: any SegmentStore, lifecycle: any StoreLifecycle, clock: any WallClock, options: Options = Options(),
                logger: Logger = Logger(label: "tailor.segments")) {
        self.segments = segments
        self.lifecycle = lifecycle
        self.clock = clock
        self.options = options
        self.logger = logger
        segments.useSegmentClock(clock)
    }

    /// The ports it uses, from a database's.
    public convenience init(stores: Stores, clock: any WallClock, options: Options = Options(),
                            logger: Logger = Logger(label: "tailor.segments")) {
        self.init(segments: stores.segments, lifecycle: stores.lifecycle, clock: clock, options: options, logger: logger)
    }

    // MARK: Background

    public func run() async throws {
        // A graceful shutdown (SIGTERM) cancels the loop; work in progress is one transaction and rolls back.
        try? await cancelWhenGracefulShutdown { try await self.loop() }
    }

    func loop() async throws {
        // The first recomputation is one interval after start: a restart does not redo it, `tailor segment rfm`
        // does it on demand.
        var nextRFM = ContinuousClock.now + options.rfmInterval
        while !Task.isCancelled {
            do {
                _ = try await runDueTimers()
                if ContinuousClock.now >= nextRFM {
                    let summary = try await refreshRFM()
                    try await recordSegmentSizes()
                    logger.info("RFM scores recomputed", metadata: ["customers": "\(summary.customers)"])
                    nextRFM = ContinuousClock.now + options.rfmInterval
                }
            } catch is CancellationError {
                return
            } catch {
                logger.error("segment maintenance failed", metadata: ["error": "\(error)"])
            }
            do { try await Task.sleep(for: options.timerPoll) } catch { return }
        }
    }

    // MARK: Definitions

    /// A condition from its text form or its JSON form (a JSON object or array is taken as JSON).
    public static func condition(from source: String) throws -> Condition {
        let trimmed = source.trimmingCharacters(in: .whitespacesAndNewlines)
        if trimmed.hasPrefix("{") {
            return try Condition(json: try JSONParser.parse(trimmed))
        }
        return try Condition(text: trimmed)
    }

    /// Creates a segment, or replaces it when `replacing`; the id is the slug of the name unless given.
    /// Creating one whose id or name is taken throws ``SegmentDefinitionError/Code/exists``.
    @discardableResult
    public func define(name: String, id: String? = nil, description: String = "", condition: Condition, replacing: Bool = false) async throws
        -> (SegmentDefinition, SegmentRefresh) {
        let name = name.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !name.isEmpty, name.count <= 200, !name.utf8.contains(0) else {
            throw SegmentDefinitionError("a segment needs a name of 1 to 200 characters")
        }
        let id = id ?? SegmentDefinition.slug(name)
        guard SegmentDefinition.isValidID(id) else {
            throw SegmentDefinitionError("segment id must be 1–64 lower-case letters, digits or dashes")
        }
        let existing = try await segments.segment(id)
        if !replacing, existing != nil {
            throw SegmentDefinitionError("segment \(id) exists; update it instead", code: .exists)
        }
        let now = clock.now()
        let def = SegmentDefinition(id: id, name: name, description: description, condition: condition,
                                    createdAt: existing?.createdAt ?? now, updatedAt: now)
        let refresh = try await saveSegment(def)
        return (def, refresh)
    }

    /// Creates the segment of a template under its own name (or another).
    @discardableResult
    public func define(template: String, name: String? = nil, replacing: Bool = false) async throws -> (SegmentDefinition, SegmentRefresh) {
        guard let t = SegmentTemplates.named(template) else {
            throw SegmentDefinitionError("no template \(template); see `tailor segment templates`", code: .notFound)
        }
        return try await define(name: name ?? t.name, id: name == nil ? t.id : nil, description: t.description, condition: t.condition,
                                replacing: replacing)
    }

    // MARK: Reading

    public func explain(segment: SegmentDefinition, profile: ProfileID) async throws -> Explanation? {
        guard let subject = try await segments.segmentSubject(profile) else { return nil }
        let catalog = try SegmentCatalog(try await segments.segments())
        return catalog.evaluator.explain(segment.condition, subject, now: clock.now())
    }

    /// Every stored member of a segment.
    public func storedMembers(_ id: String) async throws -> [ProfileID] {
        var out: [ProfileID] = []
        var after: ProfileID?
        while true {
            let page = try await segments.members(of: id, after: after, limit: 10_000)
            out += page
            guard page.count == 10_000 else { return out }
            after = page.last
        }
    }

    public func audit() async throws -> SegmentAudit {
        let definitions = try await segments.segments()
        var members: [String: Set<ProfileID>] = [:]
        for d in definitions { members[d.id] = Set(try await storedMembers(d.id)) }
        let profiles = try await lifecycle.counts().profiles
        let history = try await segments.segmentSizeHistory()
        return SegmentAudit(definitions: definitions, members: members, profiles: profiles, history: history)
    }

    /// The audience as CSV (`profile_id,user_id`), written in pieces.
    /// - Parameters:
    ///   - pseudonymizer: when given, one column `pseudonym` (the keyed hash of the profile id) instead of the ids.
    ///   - personalization: when given and the condition reads behaviour, the people it refuses are left out.
    /// - Returns: how many rows were written.
    public func exportCSV(_ condition: Condition, pseudonymizer: Pseudonymizer? = nil, personalization: PersonalizationConsent? = nil,
                          write: (String) throws -> Void) async throws -> Int {
        let ids = try await segments.audience(condition, limit: nil)
        var behavioural = false
        if personalization != nil { behavioural = try SegmentCatalog(try await segments.segments()).readsBehaviour(condition) }
        try write(pseudonymizer == nil ? "profile_id,user_id\n" : "pseudonym\n")
        var written = 0
        for var chunk in stride(from: 0, to: ids.count, by: 1000).map({ Array(ids[$0..<min($0 + 1000, ids.count)]) }) {
            if behavioural, let personalization {
                let refused = try await personalization.refused(chunk)
                chunk.removeAll { refused.contains($0) }
            }
            var text = ""
            if let pseudonymizer {
                for id in chunk { text += pseudonymizer.pseudonym(id.rawValue) + "\n" }
            } else {
                let users = try await segments.userIds(of: chunk)
                for id in chunk { text += id.rawValue + "," + Self.csvField(users[id] ?? "") + "\n" }
            }
            written += chunk.count
            try write(text)
        }
        return written
    }

    static func csvField(_ s: String) -> String {
        s.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" }) ? "\"" + s.replacingOccurrences(of: "\"", with: "\"\"") + "\"" : s
    }
}
