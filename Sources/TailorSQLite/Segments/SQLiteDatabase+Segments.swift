public import Foundation
import GRDB
public import TailorCore
public import TailorStore

// MARK: - Segments on SQLite

extension SQLiteDatabase {
    public func useSegmentClock(_ clock: any WallClock) { segmentRuntime.use(clock) }

    public func segments() async throws -> [SegmentDefinition] {
        try await pool.read { db in try Self.loadSegments(db) }
    }

    public func segment(_ idOrName: String) async throws -> SegmentDefinition? {
        try await pool.read { db in try Self.loadSegments(db).first { $0.id == idOrName || $0.name == idOrName } }
    }

    static func loadSegments(_ db: Database) throws -> [SegmentDefinition] {
        try Row.fetchAll(db, sql: "SELECT id, name, description, definition, created_at, updated_at FROM segments ORDER BY id").map { r in
            try SegmentRecord.definition(id: r[0], name: r[1], description: r[2], json: r[3], createdAt: r[4], updatedAt: r[5])
        }
    }

    /// The catalog as of this transaction.
    func catalog(_ db: Database) throws -> SegmentCatalog {
        let version = try Int64.fetchOne(db.cachedStatement(sql: "SELECT version FROM segment_catalog")) ?? 0
        return try segmentRuntime.catalog(version: version) { try Self.loadSegments(db) }
    }

    // MARK: Workflow steps (`SegmentService` plans what they write)

    public var segmentPolicy: PersonalDataPolicy { policy }

    public func editSegments(at now: Date, _ plan: @escaping @Sendable ([SegmentDefinition]) throws -> SegmentEdit) async throws -> SegmentEdit {
        let cipher = self.cipher
        let policy = self.policy
        // The single writer serializes definition changes.
        return try await durableWrite { db in
            let edit = try plan(try Self.loadSegments(db))
            switch edit {
            case .none:
                return edit
            case .save(let definition, _):
                try db.execute(sql: """
                    INSERT INTO segments (id, name, description, definition, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?)
                    ON CONFLICT (id) DO UPDATE SET name = excluded.name, description = excluded.description,
                      definition = excluded.definition, updated_at = excluded.updated_at
                    """, arguments: [definition.id, definition.name, definition.description, JSONWriter.string(definition.condition.json),
                                     definition.createdAt.millisecondsSince1970, now.millisecondsSince1970])
            case .delete(let definition):
                let members = try String.fetchAll(db, sql: "SELECT profile_id FROM segment_members WHERE segment_id = ?", arguments: [definition.id])
                try Self.write(SegmentEdit.exits(of: definition, members: members.map { ProfileID($0) }, at: now), db: db, cipher: cipher, policy: policy)
                try db.execute(sql: "DELETE FROM segments WHERE id = ?", arguments: [definition.id])
                try db.execute(sql: "DELETE FROM segment_sizes WHERE segment_id = ?", arguments: [definition.id])
            }
            try db.execute(sql: "UPDATE segment_catalog SET version = version + 1")
            return edit
        }
    }

    /// Selects, reads, plans and writes in one write transaction of the single writer.
    public func evaluateMemberships(_ selection: MembershipSelection, now: Date,
                                    plan: @escaping @Sendable (MembershipBatch) throws -> MembershipOutcome) async throws -> MembershipPass {
        let cipher = self.cipher
        let policy = self.policy
        return try await durableWrite { db in
            let selected: [ProfileID]
            switch selection {
            case .profiles(let after, let limit):
                selected = try String.fetchAll(db, sql: "SELECT id FROM profiles WHERE merged_into IS NULL AND id > ? ORDER BY id LIMIT ?",
                                               arguments: [after?.rawValue ?? "", limit]).map { ProfileID($0) }
            case .dueTimers(let limit):
                selected = try String.fetchAll(db, sql: "SELECT profile_id FROM segment_timers WHERE due_at <= ? ORDER BY due_at LIMIT ?",
                                               arguments: [now.millisecondsSince1970, limit]).map { ProfileID($0) }
            }
            guard !selected.isEmpty else { return MembershipPass() }
            let catalog = try self.catalog(db)
            let aggregates = try Self.loadAggregates(db, ids: selected, cipher: cipher)
            let inputs = try self.membershipInputs(db, catalog: catalog, aggregates: aggregates, now: now, affected: { _ in nil })
            let outcome = try plan(MembershipBatch(catalog: catalog, selected: selected, inputs: inputs))
            try Self.write(outcome, db: db, cipher: cipher, policy: policy)
            return MembershipPass(selected: selected, outcome: outcome)
        }
    }

    // MARK: Real time

    /// The membership step of an ingest transaction: evaluates the touched profiles for the segments the
    /// batch can change, and writes the changes. Does nothing when there are no segments.
    /// Returns the profiles whose rows it changed (their event counts, for the entry/exit events), and, when
    /// given the ingest cache, the membership facts the cache may keep: the facts it holds are used instead
    /// of reading them again, with the batch's own events (`prepared`) appended.
    @discardableResult
    func maintainSegments(_ db: Database, plan: IngestPlan, aggregates: [ProfileID: ProfileAggregate],
                          cache: SQLiteIngestCache? = nil, prepared: [String: EventRow] = [:])
        throws -> (stale: Set<ProfileID>, facts: SQLiteIngestCache.FactsUpdate?)
    {
        let catalog = try catalog(db)
        guard !catalog.definitions.isEmpty else { return ([], nil) }
        let now = segmentRuntime.now
        let nowMs = now.millisecondsSince1970
        let needs = catalog.eventNeeds
        let touched = MembershipPlanner.touched(catalog, plan: plan, live: Set(aggregates.keys))
        var update = SQLiteIngestCache.FactsUpdate(key: .init(needs: needs, rfm: SegmentRecord.usesRFM(catalog)))
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
                    timer: outcome.timers[id].map { $0?.atStoredPrecision } ?? input.timer, rfm: input.subject.rfm)
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
        return (Set(outcome.changes.map(\.profile)), cache == nil ? nil : update)
    }

    /// Reads what the planner needs of some profiles: their events (those the catalog looks at), RFM
    /// scores, current memberships and timers. The profiles in `known` are not read: their facts are given.
    func membershipInputs(_ db: Database, catalog: SegmentCatalog, aggregates: [ProfileID: ProfileAggregate], now: Date,
                          affected: (ProfileID) -> Set<String>?, known: [ProfileID: SQLiteIngestCache.MembershipFacts] = [:])
        throws -> [MembershipInput]
    {
        var events: [ProfileID: [SubjectEvent]] = [:]
        var current: [ProfileID: Set<String>] = [:]
        var timers: [ProfileID: Date] = [:]
        var rfm: [ProfileID: RFMScore] = [:]
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
        }
        return aggregates.keys.sorted().compactMap { id in
            guard let a = aggregates[id] else { return nil }
            let held = known[id]
            let subject = SegmentSubject(profileId: id, createdAt: a.createdAt, traits: a.traits.values, state: a.state,
                                         rfm: held.map(\.rfm) ?? rfm[id], events: held?.events ?? events[id] ?? [])
            return MembershipInput(subject: subject, current: held?.segments ?? current[id] ?? [], affected: affected(id),
                                   timer: held.map(\.timer) ?? timers[id])
        }
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

    // MARK: Timers

    public func nextSegmentTimer() async throws -> Date? {
        try await pool.read { db in
            try Int64.fetchOne(db, sql: "SELECT MIN(due_at) FROM segment_timers").map { Date(millisecondsSince1970: $0) }
        }
    }

    // MARK: Reading

    public func audience(_ condition: Condition, limit: Int?) async throws -> [ProfileID] {
        let now = segmentRuntime.now
        return try await pool.read { db in
            let catalog = try self.catalog(db)
            var query = SegmentSQL.audience(condition, dialect: .sqlite, now: now, segments: catalog.evaluator.segments)
            if let limit { query.sql += " LIMIT \(max(0, limit))" }
            let members = try Self.references(query, db)
            return try String.fetchAll(db, sql: query.sql, arguments: Self.arguments(query.binds, members: members)).map { ProfileID($0) }
        }
    }

    public func audienceCount(_ condition: Condition) async throws -> Int {
        let now = segmentRuntime.now
        return try await pool.read { db in
            let catalog = try self.catalog(db)
            let query = SegmentSQL.audience(condition, dialect: .sqlite, now: now, segments: catalog.evaluator.segments, countOnly: true)
            let members = try Self.references(query, db)
            return try Int.fetchOne(db, sql: query.sql, arguments: Self.arguments(query.binds, members: members)) ?? 0
        }
    }

    /// Runs an audience's referenced segments in order; returns each one's ids as the JSON array its binds take.
    static func references(_ query: AudienceQuery, _ db: Database) throws -> [String: String] {
        var members: [String: String] = [:]
        for r in query.references {
            let ids = try String.fetchAll(db, sql: r.sql, arguments: arguments(r.binds, members: members))
            members[r.segment] = JSONWriter.string(.array(ids.map { .string($0) }))
        }
        return members
    }

    static func arguments(_ binds: [SQLBind], members: [String: String] = [:]) -> StatementArguments {
        StatementArguments(binds.map { b -> (any DatabaseValueConvertible) in
            switch b {
            case .text(let s): s
            case .integer(let i): i
            case .real(let d): d
            case .members(let segment): members[segment] ?? "[]"
            }
        })
    }

    public func members(of segmentId: String, after: ProfileID?, limit: Int) async throws -> [ProfileID] {
        try await pool.read { db in
            try String.fetchAll(db, sql: "SELECT profile_id FROM segment_members WHERE segment_id = ? AND profile_id > ? ORDER BY profile_id LIMIT ?",
                                arguments: [segmentId, after?.rawValue ?? "", limit]).map { ProfileID($0) }
        }
    }

    public func memberCount(of segmentId: String) async throws -> Int {
        try await pool.read { db in try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM segment_members WHERE segment_id = ?", arguments: [segmentId]) ?? 0 }
    }

    public func userIds(of profiles: [ProfileID]) async throws -> [ProfileID: String] {
        try await pool.read { db in
            var out: [ProfileID: String] = [:]
            for chunk in profiles.map(\.rawValue).chunked(400) {
                for r in try Row.fetchAll(db, sql: """
                    SELECT profile_id, MIN(value) FROM identities WHERE kind = 'user' AND profile_id IN (\(Self.placeholders(chunk.count)))
                    GROUP BY profile_id
                    """, arguments: StatementArguments(Array(chunk))) {
                    out[ProfileID(r[0] as String)] = r[1]
                }
            }
            return out
        }
    }

    public func memberships(of profile: ProfileID) async throws -> [String] {
        try await pool.read { db in
            try String.fetchAll(db, sql: "SELECT segment_id FROM segment_members WHERE profile_id = ? ORDER BY segment_id", arguments: [profile.rawValue])
        }
    }

    public func membershipHistory(segment: String?, profile: ProfileID?, limit: Int) async throws -> [MembershipChange] {
        try await pool.read { db in
            var sql = "SELECT profile_id, segment_id, segment_name, entered, at, reason FROM segment_history WHERE 1 = 1"
            var args: [any DatabaseValueConvertible] = []
            if let segment {
                sql += " AND segment_id = ?"
                args.append(segment)
            }
            if let profile {
                sql += " AND profile_id = ?"
                args.append(profile.rawValue)
            }
            sql += " ORDER BY id DESC LIMIT ?"
            args.append(limit)
            return try Row.fetchAll(db, sql: sql, arguments: StatementArguments(args)).map { r in
                MembershipChange(profile: ProfileID(r[0] as String), segmentId: r[1], segmentName: r[2], entered: r[3],
                                 at: Date(millisecondsSince1970: r[4]), reason: r[5])
            }
        }
    }

    public func segmentSubject(_ profile: ProfileID) async throws -> SegmentSubject? {
        let cipher = self.cipher
        return try await pool.read { db in
            let catalog = try self.catalog(db)
            let aggregates = try Self.loadAggregates(db, ids: [profile], cipher: cipher)
            var inputs = try self.membershipInputs(db, catalog: catalog, aggregates: aggregates, now: self.segmentRuntime.now,
                                                   affected: { _ in nil })
            guard var input = inputs.popLast() else { return nil }
            // Explain shows values of any event, not only those the catalog reads.
            let rows = try Row.fetchAll(db, sql: "SELECT type, name, timestamp, properties FROM events WHERE profile_id = ?", arguments: [profile.rawValue])
            input.subject.events = rows.compactMap { r in
                MessageType(rawValue: r[0]).map { SubjectEvent(type: $0, name: r[1], milliseconds: r[2], properties: SegmentRecord.properties(r[3])) }
            }
            return input.subject
        }
    }

    // MARK: RFM

    public func rfmCustomers() async throws -> [RFMScorer.Customer] {
        try await pool.read { db in
            try Row.fetchAll(db, sql: """
                SELECT id, last_order_at, order_count, revenue FROM profiles
                WHERE merged_into IS NULL AND order_count > 0 AND last_order_at IS NOT NULL
                """).map { RFMScorer.Customer(profile: ProfileID($0[0] as String), lastOrderAt: $0[1], orders: $0[2], revenue: $0[3]) }
        }
    }

    /// Writes the scores 5,000 per write transaction, so that ingest (SQLite's single writer) waits for one small
    /// chunk at a time, never for the whole population; then drops the scores of profiles that are no longer
    /// customers (merged away).
    public func replaceRFMScores(_ scores: [(profile: ProfileID, score: RFMScore)], at: Date) async throws {
        let at = at.millisecondsSince1970
        for start in stride(from: 0, to: scores.count, by: 5000) {
            let chunk = scores[start..<min(start + 5000, scores.count)]
            try await durableWrite { db in
                let upsert = try db.cachedStatement(sql: """
                    INSERT INTO rfm_scores (profile_id, recency, frequency, monetary, code, rfm_group, computed_at) VALUES (?, ?, ?, ?, ?, ?, ?)
                    ON CONFLICT (profile_id) DO UPDATE SET recency = excluded.recency, frequency = excluded.frequency,
                      monetary = excluded.monetary, code = excluded.code, rfm_group = excluded.rfm_group, computed_at = excluded.computed_at
                    """)
                for (id, s) in chunk {
                    try upsert.execute(arguments: [id.rawValue, s.recency, s.frequency, s.monetary, s.code, s.group.rawValue, at])
                }
            }
        }
        try await durableWrite { db in
            try db.execute(sql: "DELETE FROM rfm_scores WHERE profile_id NOT IN (SELECT id FROM profiles WHERE merged_into IS NULL AND order_count > 0)")
        }
    }

    public func rfmScore(of profile: ProfileID) async throws -> RFMScore? {
        try await pool.read { db in
            try Row.fetchOne(db, sql: "SELECT recency, frequency, monetary FROM rfm_scores WHERE profile_id = ?", arguments: [profile.rawValue])
                .map { RFMScore(recency: $0[0], frequency: $0[1], monetary: $0[2]) }
        }
    }

    // MARK: Sizes

    public func recordSegmentSizes(at: Date) async throws -> [String: Int] {
        let now = at.millisecondsSince1970
        return try await durableWrite { db in
            var sizes: [String: Int] = [:]
            for id in try String.fetchAll(db, sql: "SELECT id FROM segments") {
                let n = try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM segment_members WHERE segment_id = ?", arguments: [id]) ?? 0
                try db.execute(sql: "INSERT INTO segment_sizes (segment_id, at, size) VALUES (?, ?, ?) ON CONFLICT DO UPDATE SET size = excluded.size",
                               arguments: [id, now, n])
                sizes[id] = n
            }
            return sizes
        }
    }

    public func segmentSizeHistory() async throws -> [String: [(Date, Int)]] {
        try await pool.read { db in
            var out: [String: [(Date, Int)]] = [:]
            for r in try Row.fetchAll(db, sql: "SELECT segment_id, at, size FROM segment_sizes ORDER BY at") {
                out[r[0] as String, default: []].append((Date(millisecondsSince1970: r[1]), r[2]))
            }
            return out
        }
    }
}
