public import Foundation
import PostgresNIO
public import TailorCore
public import TailorStore

// MARK: - Segments on PostgreSQL: definitions, and the steps of the workflows `SegmentService` runs

extension PostgresDatabase {
    public func useSegmentClock(_ clock: any WallClock) { segmentRuntime.use(clock) }

    public func segments() async throws -> [SegmentDefinition] {
        try await withContext("reading segments") {
            try await self.client.withConnection { conn in try await self.loadSegments(conn) }
        }
    }

    public func segment(_ idOrName: String) async throws -> SegmentDefinition? {
        try await segments().first { $0.id == idOrName || $0.name == idOrName }
    }

    func loadSegments(_ conn: PostgresConnection) async throws -> [SegmentDefinition] {
        try await rows("SELECT id, name, description, definition::text, created_at, updated_at FROM segments ORDER BY id", on: conn).map { r in
            try SegmentRecord.definition(id: try r[0].decode(String.self), name: try r[1].decode(String.self),
                                         description: try r[2].decode(String.self), json: try r[3].decode(String.self),
                                         createdAt: try r[4].decode(Int64.self), updatedAt: try r[5].decode(Int64.self))
        }
    }

    func catalog(_ conn: PostgresConnection) async throws -> SegmentCatalog {
        let version = try await rows("SELECT version FROM segment_catalog", on: conn).first.map { try $0[0].decode(Int64.self) } ?? 0
        if let cached = segmentRuntime.cachedCatalog(version: version) { return cached }
        let definitions = try await loadSegments(conn)
        return try segmentRuntime.catalog(version: version) { definitions }
    }

    // MARK: Workflow steps (`SegmentService` plans what they write)

    public var segmentPolicy: PersonalDataPolicy { policy }

    public func editSegments(at now: Date, _ plan: @escaping @Sendable ([SegmentDefinition]) throws -> SegmentEdit) async throws -> SegmentEdit {
        try await withContext("changing segment definitions") {
            try await self.retrying {
                try await self.transaction { conn in
                    // One definition change at a time, so that two nodes cannot create a cycle together.
                    try await conn.query("SELECT version FROM segment_catalog FOR UPDATE", logger: self.logger)
                    let edit = try plan(try await self.loadSegments(conn))
                    switch edit {
                    case .none:
                        return edit
                    case .save(let d, _):
                        try await conn.query("""
                            INSERT INTO segments (id, name, description, definition, created_at, updated_at)
                            VALUES (\(d.id), \(d.name), \(d.description), \(JSONWriter.string(d.condition.json))::jsonb,
                                    \(d.createdAt.millisecondsSince1970), \(now.millisecondsSince1970))
                            ON CONFLICT (id) DO UPDATE SET name = excluded.name, description = excluded.description,
                              definition = excluded.definition, updated_at = excluded.updated_at
                            """, logger: self.logger)
                    case .delete(let d):
                        let members = try await self.rows("SELECT profile_id FROM segment_members WHERE segment_id = \(d.id)", on: conn)
                            .map { ProfileID(try $0[0].decode(String.self)) }
                        let exits = SegmentEdit.exits(of: d, members: members, at: now)
                        try await self.write(exits, on: conn)
                        try await self.runEventSteps(conn, events: [], changes: exits.changes, now: now)
                        try await conn.query("DELETE FROM segments WHERE id = \(d.id)", logger: self.logger)
                        try await conn.query("DELETE FROM segment_sizes WHERE segment_id = \(d.id)", logger: self.logger)
                    }
                    try await conn.query("UPDATE segment_catalog SET version = version + 1", logger: self.logger)
                    return edit
                }
            }
        }
    }

    /// A page of profiles is read before the transaction and its live profiles locked in id order inside it; due
    /// timers are claimed inside it, skipping those another node holds.
    public func evaluateMemberships(_ selection: MembershipSelection, now: Date,
                                    plan: @escaping @Sendable (MembershipBatch) throws -> MembershipOutcome) async throws -> MembershipPass {
        var page: [ProfileID]?
        if case .profiles(let after, let limit) = selection {
            let ids = try await profileIDs(after: after, limit: limit)
            guard !ids.isEmpty else { return MembershipPass() }
            page = ids
        }
        let claimed = page
        return try await withContext(page == nil ? "running segment timers" : "evaluating segments") {
            try await self.retrying {
                try await self.transaction { conn in
                    var selected = claimed ?? []
                    if claimed == nil, case .dueTimers(let limit) = selection {
                        selected = try await self.rows("""
                            SELECT profile_id FROM segment_timers WHERE due_at <= \(now.millisecondsSince1970) ORDER BY due_at
                            LIMIT \(Int64(limit)) FOR UPDATE SKIP LOCKED
                            """, on: conn).map { ProfileID(try $0[0].decode(String.self)) }
                    }
                    guard !selected.isEmpty else { return MembershipPass() }
                    let aggregates = try await self.lockedAggregates(selected, on: conn)
                    let catalog = try await self.catalog(conn)
                    let inputs = try await self.membershipInputs(conn, catalog: catalog, aggregates: aggregates, now: now, affected: { _ in nil })
                    let outcome = try plan(MembershipBatch(catalog: catalog, selected: selected, inputs: inputs))
                    try await self.write(outcome, on: conn)
                    try await self.runEventSteps(conn, events: [], changes: outcome.changes, now: now)
                    return MembershipPass(selected: selected, outcome: outcome)
                }
            }
        }
    }

    /// Live profiles, locked in id order.
    func lockedAggregates(_ ids: [ProfileID], on conn: PostgresConnection) async throws -> [ProfileID: ProfileAggregate] {
        let locked = try await rows("""
            SELECT \(unescaped: Self.profileColumns) FROM profiles
            WHERE id = ANY(\(ids.map(\.rawValue))) AND merged_into IS NULL ORDER BY id FOR UPDATE
            """, on: conn).map(Self.profileRow)
        var out: [ProfileID: ProfileAggregate] = [:]
        for row in locked { out[ProfileID(row.id)] = try row.aggregate(cipher: cipher, identities: []) }
        return out
    }

    // MARK: Timers

    public func nextSegmentTimer() async throws -> Date? {
        try await withContext("reading segment timers") {
            try await self.client.withConnection { conn in
                try await self.rows("SELECT MIN(due_at) FROM segment_timers", on: conn).first
                    .flatMap { try $0[0].decode(Int64?.self) }.map { Date(millisecondsSince1970: $0) }
            }
        }
    }

    // MARK: RFM

    public func rfmCustomers() async throws -> [RFMScorer.Customer] {
        try await withContext("reading customers") {
            try await self.client.withConnection { conn in
                try await self.rows("""
                    SELECT id, last_order_at, order_count, revenue FROM profiles
                    WHERE merged_into IS NULL AND order_count > 0 AND last_order_at IS NOT NULL
                    """, on: conn).map { r in
                    RFMScorer.Customer(profile: ProfileID(try r[0].decode(String.self)), lastOrderAt: try r[1].decode(Int64.self),
                                       orders: Int(try r[2].decode(Int64.self)), revenue: try r[3].decode(Double.self))
                }
            }
        }
    }

    /// Replaces every score in one transaction, 20,000 rows per statement.
    public func replaceRFMScores(_ scores: [(profile: ProfileID, score: RFMScore)], at: Date) async throws {
        try await withContext("storing RFM scores") {
            try await self.transaction { conn in
                try await conn.query("DELETE FROM rfm_scores", logger: self.logger)
                for chunk in stride(from: 0, to: scores.count, by: 20_000).map({ scores[$0..<min($0 + 20_000, scores.count)] }) {
                    try await conn.query("""
                        INSERT INTO rfm_scores (profile_id, recency, frequency, monetary, code, rfm_group, computed_at)
                        SELECT p, r, f, m, c, g, \(at.millisecondsSince1970) FROM UNNEST(\(chunk.map { $0.profile.rawValue })::text[],
                          \(chunk.map { Int64($0.score.recency) })::int8[], \(chunk.map { Int64($0.score.frequency) })::int8[],
                          \(chunk.map { Int64($0.score.monetary) })::int8[], \(chunk.map { $0.score.code })::text[],
                          \(chunk.map { $0.score.group.rawValue })::text[]) AS x(p, r, f, m, c, g)
                        """, logger: self.logger)
                }
            }
        }
    }

    public func rfmScore(of profile: ProfileID) async throws -> RFMScore? {
        try await withContext("reading RFM scores") {
            try await self.client.withConnection { conn in
                try await self.rows("SELECT recency, frequency, monetary FROM rfm_scores WHERE profile_id = \(profile.rawValue)", on: conn).first.map {
                    RFMScore(recency: Int(try $0[0].decode(Int32.self)), frequency: Int(try $0[1].decode(Int32.self)),
                             monetary: Int(try $0[2].decode(Int32.self)))
                }
            }
        }
    }

    // MARK: Sizes

    public func recordSegmentSizes(at: Date) async throws -> [String: Int] {
        let now = at.millisecondsSince1970
        return try await withContext("recording segment sizes") {
            try await self.transaction { conn in
                try await conn.query("""
                    INSERT INTO segment_sizes (segment_id, at, size)
                    SELECT s.id, \(now), (SELECT COUNT(*) FROM segment_members m WHERE m.segment_id = s.id) FROM segments s
                    ON CONFLICT (segment_id, at) DO UPDATE SET size = excluded.size
                    """, logger: self.logger)
                var sizes: [String: Int] = [:]
                for r in try await self.rows("SELECT segment_id, size FROM segment_sizes WHERE at = \(now)", on: conn) {
                    sizes[try r[0].decode(String.self)] = Int(try r[1].decode(Int64.self))
                }
                return sizes
            }
        }
    }

    public func segmentSizeHistory() async throws -> [String: [(Date, Int)]] {
        try await withContext("reading segment sizes") {
            try await self.client.withConnection { conn in
                var out: [String: [(Date, Int)]] = [:]
                for r in try await self.rows("SELECT segment_id, at, size FROM segment_sizes ORDER BY at", on: conn) {
                    out[try r[0].decode(String.self), default: []].append(
                        (Date(millisecondsSince1970: try r[1].decode(Int64.self)), Int(try r[2].decode(Int64.self))))
                }
                return out
            }
        }
    }
}
