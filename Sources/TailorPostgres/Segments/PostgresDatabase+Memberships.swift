import Foundation
import PostgresNIO
import TailorCore
import TailorStore

// MARK: - Memberships on PostgreSQL: the ingest transaction's step, and reading and writing memberships

extension PostgresDatabase {
    /// The membership step of an ingest transaction (see ``SegmentStore``).
    @discardableResult
    func maintainSegments(_ conn: PostgresConnection, plan: IngestPlan, aggregates: [ProfileID: ProfileAggregate]) async throws
        -> [MembershipChange]
    {
        let catalog = try await catalog(conn)
        guard !catalog.definitions.isEmpty else { return [] }
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
        return outcome.changes
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
        var computed: [ProfileID: [String: FieldValue]] = [:]
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
        // One round trip reads the events, memberships, timers and (when read) RFM scores and computed traits,
        // tagged by kind.
        var parts = [
            "SELECT 1 AS k, profile_id, segment_id AS a, NULL::text AS b, NULL::int8 AS t, NULL::text AS pr, NULL::float8 AS n "
                + "FROM segment_members WHERE profile_id = ANY($1::text[])",
            "SELECT 2, profile_id, NULL, NULL, due_at, NULL, NULL FROM segment_timers WHERE profile_id = ANY($1::text[])",
        ]
        if let filter {
            parts.append("SELECT 0, profile_id, type, name, timestamp, properties::text, NULL FROM events "
                         + "WHERE profile_id = ANY($1::text[]) AND \(filter)")
        }
        if SegmentRecord.usesRFM(catalog) || allEvents {
            parts.append("SELECT 3, profile_id, recency || ',' || frequency || ',' || monetary, NULL, NULL, NULL, NULL FROM rfm_scores "
                         + "WHERE profile_id = ANY($1::text[])")
        }
        if catalog.readsComputed || allEvents {
            parts.append("SELECT 4, profile_id, name, text, NULL, NULL, number FROM computed_traits WHERE profile_id = ANY($1::text[])")
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
            case 4:
                computed[profile, default: [:]][try r[2].decode(String.self)] =
                    FieldValue(computedNumber: try r[6].decode(Double?.self), text: try r[3].decode(String?.self))
            default:
                let v = try r[2].decode(String.self).split(separator: ",").compactMap { Int($0) }
                if v.count == 3 { rfm[profile] = RFMScore(recency: v[0], frequency: v[1], monetary: v[2]) }
            }
        }
        return ids.compactMap { id in
            guard let a = aggregates[id] else { return nil }
            let subject = SegmentSubject(profileId: id, createdAt: a.createdAt, traits: a.traits.values, state: a.state, rfm: rfm[id],
                                         computed: computed[id] ?? [:], events: events[id] ?? [])
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
}
