public import Foundation
import GRDB
public import TailorCore
public import TailorStore

// MARK: - Segments on SQLite: definitions, and the steps of the workflows `SegmentService` runs

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
                let exits = SegmentEdit.exits(of: definition, members: members.map { ProfileID($0) }, at: now)
                try Self.write(exits, db: db, cipher: cipher, policy: policy)
                try self.runEventSteps(db, events: [], changes: exits.changes, now: now)
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
            try self.runEventSteps(db, events: [], changes: outcome.changes, now: now)
            return MembershipPass(selected: selected, outcome: outcome)
        }
    }

    // MARK: Timers

    public func nextSegmentTimer() async throws -> Date? {
        try await pool.read { db in
            try Int64.fetchOne(db, sql: "SELECT MIN(due_at) FROM segment_timers").map { Date(millisecondsSince1970: $0) }
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
