public import Foundation
import PostgresNIO
public import TailorCore
public import TailorStore

// MARK: - JourneyStore

extension PostgresDatabase {
    public func saveJourney(_ record: JourneyRecord) async throws {
        let definition = JSONWriter.string(record.definition.json)
        try await withContext("saving a journey") {
            try await self.client.withConnection { conn in
                try await conn.query("""
                    INSERT INTO journeys (id, name, definition, state, created_at, updated_at)
                    VALUES (\(record.id), \(record.name), \(PostgresText.clean(definition)), \(record.state.rawValue),
                            \(record.createdAt.millisecondsSince1970), \(record.updatedAt.millisecondsSince1970))
                    ON CONFLICT (id) DO UPDATE SET name = excluded.name, definition = excluded.definition, state = excluded.state,
                      updated_at = excluded.updated_at
                    """, logger: self.logger)
            }
        }
    }

    public func journeys() async throws -> [JourneyRecord] {
        try await withContext("reading journeys") {
            try await self.client.withConnection { conn in
                try await self.rows("SELECT id, name, definition, state, created_at, updated_at FROM journeys ORDER BY name", on: conn).map {
                    try JourneyRecordCoding.record(id: try $0[0].decode(String.self), name: try $0[1].decode(String.self),
                                                   definition: try $0[2].decode(String.self), state: try $0[3].decode(String.self),
                                                   createdAt: try $0[4].decode(Int64.self), updatedAt: try $0[5].decode(Int64.self))
                }
            }
        }
    }

    @discardableResult
    public func setJourneyState(_ id: String, _ state: JourneyState, at now: Date) async throws -> Bool {
        let nowMs = now.millisecondsSince1970
        return try await withContext("changing a journey's state") {
            try await self.transaction { conn in
                let found = try await self.rows("UPDATE journeys SET state = \(state.rawValue), updated_at = \(nowMs) WHERE id = \(id) RETURNING id",
                                                on: conn)
                guard !found.isEmpty else { return false }
                if state == .archived {
                    let ended = try await self.rows("""
                        UPDATE journey_runs SET state = 'exited', exit_reason = 'archived', due_at = NULL, updated_at = \(nowMs)
                        WHERE journey_id = \(id) AND state = 'active'
                        RETURNING profile_id, run_key, entered_at
                        """, on: conn).map { r -> (profile: ProfileID, message: Message) in
                        let profile = ProfileID(try r[0].decode(String.self))
                        return (profile, JourneyEvents.exited(journey: id, profile: profile, key: try r[1].decode(String.self),
                                                              enteredAt: Date(millisecondsSince1970: try r[2].decode(Int64.self)), reason: "archived", at: now))
                    }
                    // Their `Journey Exited` events, appended just after (pending events).
                    try await self.recordPending(ended, now: now, on: conn)
                }
                return true
            }
        }
    }

    /// How long a server keeps the due runs it took (a server that dies holds them no longer).
    static let journeyClaimLease: Int64 = 30_000

    public func dueJourneyRuns(at now: Date, limit: Int) async throws -> [JourneyRun] {
        let nowMs = now.millisecondsSince1970
        return try await withContext("claiming due journey runs") {
            try await self.client.withConnection { conn in
                try await self.rows("""
                    WITH due AS (
                      SELECT r.id FROM journey_runs r JOIN journeys j ON j.id = r.journey_id
                      WHERE r.state = 'active' AND r.due_at <= \(nowMs) AND j.state = 'active'
                        AND (r.claimed_until IS NULL OR r.claimed_until <= \(nowMs))
                      ORDER BY r.due_at LIMIT \(Int64(limit))
                      FOR UPDATE OF r SKIP LOCKED
                    )
                    UPDATE journey_runs r SET claimed_until = \(nowMs + Self.journeyClaimLease) FROM due WHERE r.id = due.id
                    RETURNING r.id, r.journey_id, r.profile_id, r.run_key, r.state, r.step, r.due_at, r.entered_at, r.trigger_message, r.exit_reason,
                      r.deadline_at
                    """, on: conn).map(Self.journeyRun).sorted { ($0.dueAt ?? .distantPast, $0.id) < ($1.dueAt ?? .distantPast, $1.id) }
            }
        }
    }

    public func nextJourneyDue() async throws -> Date? {
        try await withContext("reading the next journey step") {
            try await self.client.withConnection { conn in
                try await self.rows("""
                    SELECT MIN(GREATEST(r.due_at, COALESCE(r.claimed_until, 0))) FROM journey_runs r JOIN journeys j ON j.id = r.journey_id
                    WHERE r.state = 'active' AND j.state = 'active'
                    """, on: conn).first.flatMap { try $0[0].decode(Int64?.self) }.map(Date.init(millisecondsSince1970:))
            }
        }
    }

    public func advanceJourneyRuns(_ moves: [JourneyMove], effects: [Int64: JourneyEffects], at now: Date) async throws -> Set<Int64> {
        guard !moves.isEmpty else { return [] }
        let nowMs = now.millisecondsSince1970
        return try await withContext("moving journey runs") {
            try await self.retrying {
                try await self.transaction { conn in
                    // One statement for every move: each row updated only if still active at its step (and still due
                    // when it was read, when the move says so).
                    let moved = try await self.rows("""
                        UPDATE journey_runs r SET step = m.t, due_at = m.d, deadline_at = m.l, state = m.s, exit_reason = m.x, claimed_until = NULL,
                          updated_at = \(nowMs)
                        FROM UNNEST(\(moves.map(\.run))::int8[], \(moves.map { Int64($0.from) })::int8[], \(moves.map { Int64($0.to) })::int8[],
                                    \(PostgresArray(moves.map { $0.dueAt?.millisecondsSince1970 }))::int8[],
                                    \(PostgresArray(moves.map { $0.deadlineAt?.millisecondsSince1970 }))::int8[],
                                    \(PostgresArray(moves.map { $0.expectedDue?.millisecondsSince1970 }))::int8[],
                                    \(moves.map { ($0.endState ?? .active).rawValue })::text[], \(PostgresArray(moves.map(\.endReason)))::text[])
                          AS m(id, f, t, d, l, e, s, x)
                        WHERE r.id = m.id AND r.step = m.f AND r.state = 'active' AND (m.e IS NULL OR r.due_at = m.e)
                        RETURNING r.id
                        """, on: conn).map { try $0[0].decode(Int64.self) }
                    let done = moved.compactMap { effects[$0] }
                    try await self.recordPending(done.flatMap(\.events), now: now, on: conn)
                    _ = try await self.insertOutbox(done.flatMap(\.mail), nowMs: nowMs, on: conn)
                    try await self.insertWebhookCalls(done.flatMap(\.webhooks), nowMs: nowMs, on: conn)
                    return Set(moved)
                }
            }
        }
    }

    public func journeyMessageKeys(to profiles: [ProfileID], since: Date) async throws -> [ProfileID: [String]] {
        guard !profiles.isEmpty else { return [:] }
        let ids = profiles.map(\.rawValue)
        return try await withContext("reading journey emails") {
            try await self.client.withConnection { conn in
                var out: [ProfileID: [String]] = [:]
                for r in try await self.rows("""
                    SELECT profile_id, idempotency_key FROM mail_outbox
                    WHERE profile_id = ANY(\(ids)::text[]) AND created_at > \(since.millisecondsSince1970) AND campaign IS NULL
                      AND idempotency_key LIKE 'journey:%' AND status IN ('queued', 'sending', 'sent')
                    """, on: conn) {
                    out[ProfileID(try r[0].decode(String.self)), default: []].append(try r[1].decode(String.self))
                }
                return out
            }
        }
    }

    public func watchJourneyRuns(_ changed: @escaping @Sendable (Date) -> Void) async throws {
        try await client.withConnection { conn in
            try await conn.listen(on: "tailor_journey_runs") { notifications in
                for try await n in notifications {
                    if let ms = Int64(n.payload) { changed(Date(millisecondsSince1970: ms)) }
                }
            }
        }
    }

    public func journeyRuns(of profile: ProfileID) async throws -> [JourneyRun] {
        try await withContext("reading journey runs") {
            try await self.client.withConnection { conn in
                try await self.rows("""
                    SELECT \(unescaped: JourneyRecordCoding.runColumns) FROM journey_runs WHERE profile_id = \(profile.rawValue) ORDER BY id
                    """, on: conn).map(Self.journeyRun)
            }
        }
    }

    public func journeyCounts(_ journey: String) async throws -> JourneyCounts {
        try await withContext("counting journey runs") {
            try await self.client.withConnection { conn in
                var counts = JourneyCounts()
                for r in try await self.rows("""
                    SELECT state, step, exit_reason, COUNT(*) FROM journey_runs WHERE journey_id = \(journey) GROUP BY state, step, exit_reason
                    """, on: conn) {
                    let n = Int(try r[3].decode(Int64.self))
                    switch try r[0].decode(String.self) {
                    case "active": counts.activeAtStep[Int(try r[1].decode(Int32.self)), default: 0] += n
                    case "completed": counts.completed += n
                    default: counts.exited[try r[2].decode(String?.self) ?? "exit", default: 0] += n
                    }
                }
                return counts
            }
        }
    }

    static func journeyRun(_ r: PostgresRandomAccessRow) throws -> JourneyRun {
        try JourneyRecordCoding.run(id: try r[0].decode(Int64.self), journey: try r[1].decode(String.self), profile: try r[2].decode(String.self),
                                    key: try r[3].decode(String.self), state: try r[4].decode(String.self), step: Int64(try r[5].decode(Int32.self)),
                                    dueAt: try r[6].decode(Int64?.self), enteredAt: try r[7].decode(Int64.self),
                                    triggerMessage: try r[8].decode(String?.self), exitReason: try r[9].decode(String?.self),
                                    deadlineAt: try r[10].decode(Int64?.self))
    }
}
