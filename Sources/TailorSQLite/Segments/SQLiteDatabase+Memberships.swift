import Foundation
import GRDB
import TailorCore
import TailorStore

// MARK: - Memberships on SQLite: the ingest transaction's step, and reading and writing memberships

extension SQLiteDatabase {
    /// The membership step of an ingest transaction: evaluates the touched profiles for the segments the
    /// batch can change, and writes the changes. Does nothing when there are no segments.
    /// Returns the changes it wrote, the profiles whose rows it changed (their event counts, for the
    /// entry/exit events), and, when given the ingest cache, the membership facts the cache may keep: the
    /// facts it holds are used instead of reading them again, with the batch's own events (`prepared`) appended.
    @discardableResult
    func maintainSegments(_ db: Database, plan: IngestPlan, aggregates: [ProfileID: ProfileAggregate],
                          cache: SQLiteIngestCache? = nil, prepared: [String: EventRow] = [:])
        throws -> (changes: [MembershipChange], stale: Set<ProfileID>, facts: SQLiteIngestCache.FactsUpdate?)
    {
        let catalog = try catalog(db)
        guard !catalog.definitions.isEmpty else { return ([], [], nil) }
        let now = segmentRuntime.now
        let nowMs = now.millisecondsSince1970
        let needs = catalog.eventNeeds
        let touched = MembershipPlanner.touched(catalog, plan: plan, live: Set(aggregates.keys))
        var update = SQLiteIngestCache.FactsUpdate(key: .init(needs: needs, rfm: SegmentRecord.usesRFM(catalog), computed: catalog.readsComputed))
        var outcome = MembershipOutcome()
        for id in touched.mergedAway {
            let rows = try String.fetchAll(db, sql: "SELECT segment_id FROM segment_members WHERE profile_id = ?", arguments: [id.rawValue])
            for s in rows {
                outcome.changes.append(MembershipChange(profile: id, segmentId: s, segmentName: catalog.definitions[s]?.name ?? s,
                                                        entered: false, at: now, reason: "merge"))
            }
            outcome.timers[id] = .some(nil)
        }
        // The events this transaction stored that the needs select, per profile, as reading them back would
        // give them.
        var added: [ProfileID: [SubjectEvent]] = [:]
        if cache != nil {
            for (profile, message) in plan.events {
                let name = message.eventName
                let timestamp = message.timestamp.millisecondsSince1970
                guard SegmentRecord.eventMatches(needs, now: nowMs, type: message.type, name: name, timestamp: timestamp) else { continue }
                var properties: JSONObject = [:]
                if needs.properties {
                    let row = try prepared[message.messageId] ?? EventRow(profile: profile, message: message, cipher: cipher, policy: policy)
                    properties = SegmentRecord.properties(row.properties)
                }
                added[profile, default: []].append(SubjectEvent(type: message.type, name: name, milliseconds: timestamp, properties: properties))
            }
        }
        var inputs: [MembershipInput] = []
        if !touched.affected.isEmpty {
            let evaluated = aggregates.filter { touched.affected[$0.key] != nil }
            var known: [ProfileID: SQLiteIngestCache.MembershipFacts] = [:]
            if let cache, plan.merges.isEmpty {
                for (id, var facts) in cache.facts(evaluated.keys, key: update.key) {
                    // Drops what has left every window since the facts were kept.
                    facts.events = facts.events.filter {
                        SegmentRecord.eventMatches(needs, now: nowMs, type: $0.type, name: $0.name, timestamp: $0.milliseconds)
                    } + (added[id] ?? [])
                    known[id] = facts
                }
            }
            inputs = try membershipInputs(db, catalog: catalog, aggregates: evaluated, now: now, affected: { touched.affected[$0] }, known: known)
            let planned = MembershipPlanner.plan(catalog, inputs, now: now, reasons: touched.reasons)
            outcome.changes += planned.changes
            outcome.timers.merge(planned.timers) { $1 }
        }
        if cache != nil {
            // The facts after this transaction: what was read or held, with its changes applied.
            for input in inputs {
                let id = input.subject.profileId
                update.facts[id] = SQLiteIngestCache.MembershipFacts(
                    events: input.subject.events, segments: input.current,
                    timer: outcome.timers[id].map { $0?.atStoredPrecision } ?? input.timer, rfm: input.subject.rfm,
                    computed: input.subject.computed)
            }
            for c in outcome.changes {
                if c.entered { update.facts[c.profile]?.segments.insert(c.segmentId) } else { update.facts[c.profile]?.segments.remove(c.segmentId) }
                // An entry or exit is an event too: held events miss it if the needs select it.
                let m = c.message
                if SegmentRecord.eventMatches(needs, now: nowMs, type: m.type, name: m.eventName, timestamp: m.timestamp.millisecondsSince1970) {
                    update.dropped.insert(c.profile)
                }
            }
            // A profile given selected events but not evaluated has held events that miss them.
            for id in added.keys where update.facts[id] == nil { update.dropped.insert(id) }
        }
        try Self.write(outcome, db: db, cipher: cipher, policy: policy)
        return (outcome.changes, Set(outcome.changes.map(\.profile)), cache == nil ? nil : update)
    }

    /// Reads what the planner needs of some profiles: their events (those the catalog looks at), RFM
    /// scores and computed traits (when conditions read them), current memberships and timers. The profiles in
    /// `known` are not read: their facts are given.
    func membershipInputs(_ db: Database, catalog: SegmentCatalog, aggregates: [ProfileID: ProfileAggregate], now: Date,
                          affected: (ProfileID) -> Set<String>?, known: [ProfileID: SQLiteIngestCache.MembershipFacts] = [:])
        throws -> [MembershipInput]
    {
        var events: [ProfileID: [SubjectEvent]] = [:]
        var current: [ProfileID: Set<String>] = [:]
        var timers: [ProfileID: Date] = [:]
        var rfm: [ProfileID: RFMScore] = [:]
        var computed: [ProfileID: [String: FieldValue]] = [:]
        let needs = catalog.eventNeeds
        var filterBinds: [SQLBind] = []
        let nowMs = now.millisecondsSince1970
        let filter = SegmentRecord.eventFilter(needs, now: now) { filterBinds.append($0); return "?" }
        let usesRFM = SegmentRecord.usesRFM(catalog)
        let unread = aggregates.keys.filter { known[$0] == nil }.sorted()
        for chunk in unread.map(\.rawValue).chunked(400) {
            let list = Self.placeholders(chunk.count)
            let args = StatementArguments(Array(chunk))
            if let filter {
                let cursor = try Row.fetchCursor(db, sql: "SELECT profile_id, type, name, timestamp, properties FROM events WHERE profile_id IN (\(list)) AND \(filter)",
                                                 arguments: args + Self.arguments(filterBinds))
                while let r = try cursor.next() {
                    guard let type = MessageType(rawValue: r[1]) else { continue }
                    let name: String = r[2]
                    let timestamp: Int64 = r[3]
                    // The filter may select more than the evaluator reads (see `eventFilter`).
                    guard SegmentRecord.eventMatches(needs, now: nowMs, type: type, name: name, timestamp: timestamp) else { continue }
                    let properties = needs.properties ? SegmentRecord.properties(r[4]) : [:]
                    events[ProfileID(r[0] as String), default: []].append(SubjectEvent(type: type, name: name, milliseconds: timestamp, properties: properties))
                }
            }
            for r in try Row.fetchAll(db, sql: "SELECT profile_id, segment_id FROM segment_members WHERE profile_id IN (\(list))", arguments: args) {
                current[ProfileID(r[0] as String), default: []].insert(r[1])
            }
            for r in try Row.fetchAll(db, sql: "SELECT profile_id, due_at FROM segment_timers WHERE profile_id IN (\(list))", arguments: args) {
                timers[ProfileID(r[0] as String)] = Date(millisecondsSince1970: r[1])
            }
            if usesRFM {
                for r in try Row.fetchAll(db, sql: "SELECT profile_id, recency, frequency, monetary FROM rfm_scores WHERE profile_id IN (\(list))",
                                          arguments: args) {
                    rfm[ProfileID(r[0] as String)] = RFMScore(recency: r[1], frequency: r[2], monetary: r[3])
                }
            }
            if catalog.readsComputed {
                computed.merge(try Self.computedValues(db, list: list, arguments: args)) { $1 }
            }
        }
        return aggregates.keys.sorted().compactMap { id in
            guard let a = aggregates[id] else { return nil }
            let held = known[id]
            let subject = SegmentSubject(profileId: id, createdAt: a.createdAt, traits: a.traits.values, state: a.state,
                                         rfm: held.map(\.rfm) ?? rfm[id], computed: held?.computed ?? computed[id] ?? [:],
                                         events: held?.events ?? events[id] ?? [])
            return MembershipInput(subject: subject, current: held?.segments ?? current[id] ?? [], affected: affected(id),
                                   timer: held.map(\.timer) ?? timers[id])
        }
    }

    /// The computed traits of the profiles `list` (placeholders) and `arguments` name, as the evaluator reads them.
    static func computedValues(_ db: Database, list: String, arguments: StatementArguments) throws -> [ProfileID: [String: FieldValue]] {
        var out: [ProfileID: [String: FieldValue]] = [:]
        let sql = "SELECT profile_id, name, number, text FROM computed_traits WHERE profile_id IN (\(list))"
        for r in try Row.fetchAll(db, sql: sql, arguments: arguments) {
            out[ProfileID(r[0] as String), default: [:]][r[1] as String] = FieldValue(computedNumber: r[2], text: r[3])
        }
        return out
    }

    /// Writes membership changes (members, history, the events in the profiles' streams) and timers.
    static func write(_ outcome: MembershipOutcome, db: Database, cipher: FieldCipher, policy: PersonalDataPolicy) throws {
        if !outcome.changes.isEmpty {
            let enter = try db.cachedStatement(sql: "INSERT INTO segment_members (segment_id, profile_id, since) VALUES (?, ?, ?) ON CONFLICT DO NOTHING")
            let exit = try db.cachedStatement(sql: "DELETE FROM segment_members WHERE segment_id = ? AND profile_id = ?")
            let history = try db.cachedStatement(sql: """
                INSERT INTO segment_history (segment_id, segment_name, profile_id, entered, at, reason) VALUES (?, ?, ?, ?, ?, ?)
                """)
            let event = try db.cachedStatement(sql: """
                INSERT INTO events (message_id, profile_id, type, name, timestamp, received_at, user_id, anonymous_id, properties, traits, personal)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (message_id) DO NOTHING
                """)
            let count = try db.cachedStatement(sql: "UPDATE profiles SET event_count = event_count + 1 WHERE id = ?")
            for c in outcome.changes {
                let at = c.at.millisecondsSince1970
                if c.entered {
                    try enter.execute(arguments: [c.segmentId, c.profile.rawValue, at])
                } else {
                    try exit.execute(arguments: [c.segmentId, c.profile.rawValue])
                }
                try history.execute(arguments: [c.segmentId, c.segmentName, c.profile.rawValue, c.entered, at, c.reason])
                let r = try EventRow(profile: c.profile, message: c.message, cipher: cipher, policy: policy)
                try event.execute(arguments: [r.messageId, r.profileId, r.type, r.name, r.timestamp, r.receivedAt, r.userId, r.anonymousId,
                                              r.properties, r.traits, r.personal])
                if db.changesCount > 0 { try count.execute(arguments: [c.profile.rawValue]) }
            }
        }
        if !outcome.timers.isEmpty {
            let set = try db.cachedStatement(sql: "INSERT INTO segment_timers (profile_id, due_at) VALUES (?, ?) ON CONFLICT (profile_id) DO UPDATE SET due_at = excluded.due_at")
            let clear = try db.cachedStatement(sql: "DELETE FROM segment_timers WHERE profile_id = ?")
            for (profile, due) in outcome.timers {
                if let due {
                    try set.execute(arguments: [profile.rawValue, due.millisecondsSince1970])
                } else {
                    try clear.execute(arguments: [profile.rawValue])
                }
            }
        }
    }
}
