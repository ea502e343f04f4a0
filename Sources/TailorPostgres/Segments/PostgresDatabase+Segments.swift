public import Foundation
import PostgresNIO
public import TailorCore
public import TailorStore

// MARK: - Segments on PostgreSQL

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
                        try await self.write(SegmentEdit.exits(of: d, members: members, at: now), on: conn)
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

    // MARK: Real time

    /// The membership step of an ingest transaction (see ``SegmentStore``).
    func maintainSegments(_ conn: PostgresConnection, plan: IngestPlan, aggregates: [ProfileID: ProfileAggregate]) async throws {
        let catalog = try await catalog(conn)
        guard !catalog.definitions.isEmpty else { return }
        let now = segmentRuntime.now
        let touched = MembershipPlanner.touched(catalog, plan: plan, live: Set(aggregates.keys))
        var outcome = MembershipOutcome()
        if !touched.mergedAway.isEmpty {
            let merged = touched.mergedAway.map(\.rawValue)
            for r in try await rows("SELECT profile_id, segment_id FROM segment_members WHERE profile_id = ANY(\(merged))", on: conn) {
                let s = try r[1].decode(String.self)
                outcome.changes.append(MembershipChange(profile: ProfileID(try r[0].decode(String.self)), segmentId: s,
                                                        segmentName: catalog.definitions[s]?.name ?? s, entered: false, at: now, reason: "merge"))
            }
            for id in touched.mergedAway { outcome.timers[id] = .some(nil) }
        }
        if !touched.affected.isEmpty {
            let inputs = try await membershipInputs(conn, catalog: catalog, aggregates: aggregates.filter { touched.affected[$0.key] != nil },
                                                    now: now, affected: { touched.affected[$0] })
            let planned = MembershipPlanner.plan(catalog, inputs, now: now, reasons: touched.reasons)
            outcome.changes += planned.changes
            outcome.timers.merge(planned.timers) { $1 }
        }
        try await write(outcome, on: conn)
    }

    func membershipInputs(_ conn: PostgresConnection, catalog: SegmentCatalog, aggregates: [ProfileID: ProfileAggregate], now: Date,
                          affected: (ProfileID) -> Set<String>?, allEvents: Bool = false) async throws -> [MembershipInput] {
        let ids = aggregates.keys.sorted()
        guard !ids.isEmpty else { return [] }
        let raw = ids.map(\.rawValue)
        var events: [ProfileID: [SubjectEvent]] = [:]
        var current: [ProfileID: Set<String>] = [:]
        var timers: [ProfileID: Date] = [:]
        var rfm: [ProfileID: RFMScore] = [:]
        let needs = catalog.eventNeeds
        var bindings = PostgresBindings()
        bindings.append(raw)
        var count = 1
        let nowMs = now.millisecondsSince1970
        let filter: String? = allEvents ? "TRUE" : SegmentRecord.eventFilter(needs, now: now) { b in
            count += 1
            switch b {
            case .text(let s): bindings.append(PostgresText.clean(s)); return "$\(count)::text"
            case .integer(let i): bindings.append(i); return "$\(count)::int8"
            case .real(let d): bindings.append(d); return "$\(count)::float8"
            case .members: preconditionFailure("the event filter binds no segment's members")
            }
        }
        // One round trip reads the events, memberships, timers and (when read) RFM scores, tagged by kind.
        var parts = [
            "SELECT 1 AS k, profile_id, segment_id AS a, NULL::text AS b, NULL::int8 AS t, NULL::text AS pr FROM segment_members WHERE profile_id = ANY($1::text[])",
            "SELECT 2, profile_id, NULL, NULL, due_at, NULL FROM segment_timers WHERE profile_id = ANY($1::text[])",
        ]
        if let filter {
            parts.append("SELECT 0, profile_id, type, name, timestamp, properties::text FROM events WHERE profile_id = ANY($1::text[]) AND \(filter)")
        }
        if SegmentRecord.usesRFM(catalog) || allEvents {
            parts.append("SELECT 3, profile_id, recency || ',' || frequency || ',' || monetary, NULL, NULL, NULL FROM rfm_scores WHERE profile_id = ANY($1::text[])")
        }
        for r in try await rows(PostgresQuery(unsafeSQL: parts.joined(separator: " UNION ALL "), binds: bindings), on: conn) {
            let profile = ProfileID(try r[1].decode(String.self))
            switch try r[0].decode(Int32.self) {
            case 0:
                guard let type = MessageType(rawValue: try r[2].decode(String.self)) else { continue }
                let name = try r[3].decode(String.self)
                let timestamp = try r[4].decode(Int64.self)
                // The filter may select more than the evaluator reads (see `eventFilter`).
                guard allEvents || SegmentRecord.eventMatches(needs, now: nowMs, type: type, name: name, timestamp: timestamp) else { continue }
                let properties = needs.properties || allEvents ? SegmentRecord.properties(try r[5].decode(String.self)) : [:]
                events[profile, default: []].append(SubjectEvent(type: type, name: name, milliseconds: timestamp, properties: properties))
            case 1: current[profile, default: []].insert(try r[2].decode(String.self))
            case 2: timers[profile] = Date(millisecondsSince1970: try r[4].decode(Int64.self))
            default:
                let v = try r[2].decode(String.self).split(separator: ",").compactMap { Int($0) }
                if v.count == 3 { rfm[profile] = RFMScore(recency: v[0], frequency: v[1], monetary: v[2]) }
            }
        }
        return ids.compactMap { id in
            guard let a = aggregates[id] else { return nil }
            let subject = SegmentSubject(profileId: id, createdAt: a.createdAt, traits: a.traits.values, state: a.state, rfm: rfm[id],
                                         events: events[id] ?? [])
            return MembershipInput(subject: subject, current: current[id] ?? [], affected: affected(id), timer: timers[id])
        }
    }

    func write(_ outcome: MembershipOutcome, on conn: PostgresConnection) async throws {
        if !outcome.changes.isEmpty {
            let enters = outcome.changes.filter(\.entered)
            let exits = outcome.changes.filter { !$0.entered }
            if !enters.isEmpty {
                try await conn.query("""
                    INSERT INTO segment_members (segment_id, profile_id, since)
                    SELECT * FROM UNNEST(\(enters.map(\.segmentId))::text[], \(enters.map(\.profile.rawValue))::text[],
                                         \(enters.map { $0.at.millisecondsSince1970 })::int8[])
                    ON CONFLICT DO NOTHING
                    """, logger: logger)
            }
            if !exits.isEmpty {
                try await conn.query("""
                    DELETE FROM segment_members m USING UNNEST(\(exits.map(\.segmentId))::text[], \(exits.map(\.profile.rawValue))::text[]) AS x(s, p)
                    WHERE m.segment_id = x.s AND m.profile_id = x.p
                    """, logger: logger)
            }
            let c = outcome.changes
            try await conn.query("""
                INSERT INTO segment_history (segment_id, segment_name, profile_id, entered, at, reason)
                SELECT s, n, p, e, a, r FROM UNNEST(\(c.map(\.segmentId))::text[], \(c.map(\.segmentName))::text[],
                                     \(c.map(\.profile.rawValue))::text[], \(c.map(\.entered))::bool[],
                                     \(c.map { $0.at.millisecondsSince1970 })::int8[], \(c.map(\.reason))::text[])
                  WITH ORDINALITY AS x(s, n, p, e, a, r, o)
                ORDER BY o
                """, logger: logger)
            let e = EventColumns(try c.map { try EventRow(profile: $0.profile, message: $0.message, cipher: cipher, policy: policy) })
            try await conn.query("""
                WITH stored AS (
                  INSERT INTO events (message_id, profile_id, type, name, timestamp, received_at, user_id, anonymous_id, properties, traits, personal)
                  SELECT m, p, t, n, ts, ra, u, a, pr::jsonb, tr::jsonb, pe
                  FROM UNNEST(\(e.messageIds)::text[], \(e.profiles)::text[], \(e.types)::text[], \(e.names)::text[], \(e.timestamps)::int8[],
                              \(e.received)::int8[], \(e.users)::text[], \(e.anonymous)::text[], \(e.properties)::text[], \(e.traits)::text[],
                              \(e.personal)::bytea[]) WITH ORDINALITY AS r(m, p, t, n, ts, ra, u, a, pr, tr, pe, ord)
                  ORDER BY ord
                  ON CONFLICT (message_id) DO NOTHING
                  RETURNING profile_id
                )
                UPDATE profiles SET event_count = event_count + s.n
                FROM (SELECT profile_id, COUNT(*) AS n FROM stored GROUP BY profile_id) AS s WHERE profiles.id = s.profile_id
                """, logger: logger)
        }
        if !outcome.timers.isEmpty {
            let set = outcome.timers.compactMap { k, v in v.map { (k.rawValue, $0.millisecondsSince1970) } }
            let clear = outcome.timers.filter { $0.value == nil }.map(\.key.rawValue)
            if !set.isEmpty {
                try await conn.query("""
                    INSERT INTO segment_timers (profile_id, due_at) SELECT * FROM UNNEST(\(set.map(\.0))::text[], \(set.map(\.1))::int8[])
                    ON CONFLICT (profile_id) DO UPDATE SET due_at = excluded.due_at
                    """, logger: logger)
            }
            if !clear.isEmpty {
                try await conn.query("DELETE FROM segment_timers WHERE profile_id = ANY(\(clear))", logger: logger)
            }
        }
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

    // MARK: Reading

    /// Runs an audience's queries on one connection: its referenced segments in order, then the audience.
    func audienceRows(_ condition: Condition, countOnly: Bool, limit: Int?, on conn: PostgresConnection) async throws -> [PostgresRandomAccessRow] {
        let catalog = try await catalog(conn)
        var query = SegmentSQL.audience(condition, dialect: .postgres, now: segmentRuntime.now, segments: catalog.evaluator.segments,
                                        countOnly: countOnly)
        if let limit { query.sql += " LIMIT \(max(0, limit))" }
        var members: [String: [String]] = [:]
        for r in query.references {
            members[r.segment] = try await rows(Self.query(r.sql, r.binds, members: members), on: conn).map { try $0[0].decode(String.self) }
        }
        return try await rows(Self.query(query.sql, query.binds, members: members), on: conn)
    }

    static func query(_ sql: String, _ binds: [SQLBind], members: [String: [String]]) -> PostgresQuery {
        var bindings = PostgresBindings(capacity: binds.count)
        for b in binds {
            switch b {
            case .text(let s): bindings.append(PostgresText.clean(s))
            case .integer(let i): bindings.append(i)
            case .real(let d): bindings.append(d)
            case .members(let segment): bindings.append(members[segment] ?? [])
            }
        }
        return PostgresQuery(unsafeSQL: sql, binds: bindings)
    }

    public func audience(_ condition: Condition, limit: Int?) async throws -> [ProfileID] {
        try await withContext("computing an audience") {
            try await self.client.withConnection { conn in
                try await self.audienceRows(condition, countOnly: false, limit: limit, on: conn).map { ProfileID(try $0[0].decode(String.self)) }
            }
        }
    }

    public func audienceCount(_ condition: Condition) async throws -> Int {
        try await withContext("counting an audience") {
            try await self.client.withConnection { conn in
                Int(try await self.audienceRows(condition, countOnly: true, limit: nil, on: conn).first?[0].decode(Int64.self) ?? 0)
            }
        }
    }

    public func members(of segmentId: String, after: ProfileID?, limit: Int) async throws -> [ProfileID] {
        try await withContext("reading members") {
            try await self.client.withConnection { conn in
                try await self.rows("""
                    SELECT profile_id FROM segment_members WHERE segment_id = \(segmentId) AND profile_id > \(after?.rawValue ?? "")
                    ORDER BY profile_id LIMIT \(Int64(limit))
                    """, on: conn).map { ProfileID(try $0[0].decode(String.self)) }
            }
        }
    }

    public func memberCount(of segmentId: String) async throws -> Int {
        try await withContext("counting members") {
            try await self.client.withConnection { conn in
                Int(try await self.rows("SELECT COUNT(*) FROM segment_members WHERE segment_id = \(segmentId)", on: conn).first?[0].decode(Int64.self) ?? 0)
            }
        }
    }

    public func userIds(of profiles: [ProfileID]) async throws -> [ProfileID: String] {
        try await withContext("reading user ids") {
            try await self.client.withConnection { conn in
                var out: [ProfileID: String] = [:]
                for r in try await self.rows("""
                    SELECT profile_id, MIN(value) FROM identities WHERE kind = 'user' AND profile_id = ANY(\(profiles.map(\.rawValue)))
                    GROUP BY profile_id
                    """, on: conn) {
                    out[ProfileID(try r[0].decode(String.self))] = try r[1].decode(String.self)
                }
                return out
            }
        }
    }

    public func memberships(of profile: ProfileID) async throws -> [String] {
        try await withContext("reading memberships") {
            try await self.client.withConnection { conn in
                try await self.rows("SELECT segment_id FROM segment_members WHERE profile_id = \(profile.rawValue) ORDER BY segment_id", on: conn)
                    .map { try $0[0].decode(String.self) }
            }
        }
    }

    public func membershipHistory(segment: String?, profile: ProfileID?, limit: Int) async throws -> [MembershipChange] {
        try await withContext("reading membership history") {
            try await self.client.withConnection { conn in
                try await self.rows("""
                    SELECT profile_id, segment_id, segment_name, entered, at, reason FROM segment_history
                    WHERE (\(segment)::text IS NULL OR segment_id = \(segment)) AND (\(profile?.rawValue)::text IS NULL OR profile_id = \(profile?.rawValue))
                    ORDER BY id DESC LIMIT \(Int64(limit))
                    """, on: conn).map { r in
                    MembershipChange(profile: ProfileID(try r[0].decode(String.self)), segmentId: try r[1].decode(String.self),
                                     segmentName: try r[2].decode(String.self), entered: try r[3].decode(Bool.self),
                                     at: Date(millisecondsSince1970: try r[4].decode(Int64.self)), reason: try r[5].decode(String.self))
                }
            }
        }
    }

    public func segmentSubject(_ profile: ProfileID) async throws -> SegmentSubject? {
        try await withContext("reading a profile") {
            try await self.transaction(readOnly: true) { conn in
                guard let row = try await self.loadRow(profile, on: conn) else { return nil }
                let catalog = try await self.catalog(conn)
                let aggregate = try row.aggregate(cipher: self.cipher, identities: [])
                return try await self.membershipInputs(conn, catalog: catalog, aggregates: [profile: aggregate], now: self.segmentRuntime.now,
                                                       affected: { _ in nil },
                                                       allEvents: true).first?.subject
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
