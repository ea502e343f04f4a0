public import Foundation
import GRDB
public import TailorCore
public import TailorStore

// MARK: - JourneyStore

extension SQLiteDatabase {
    public func saveJourney(_ record: JourneyRecord) async throws {
        let definition = JSONWriter.string(record.definition.json)
        try await durableWrite { db in
            try db.execute(sql: """
                INSERT INTO journeys (id, name, definition, state, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?)
                ON CONFLICT (id) DO UPDATE SET name = excluded.name, definition = excluded.definition, state = excluded.state,
                  updated_at = excluded.updated_at
                """, arguments: [record.id, record.name, definition, record.state.rawValue,
                                 record.createdAt.millisecondsSince1970, record.updatedAt.millisecondsSince1970])
        }
    }

    public func journeys() async throws -> [JourneyRecord] {
        try await pool.read { db in
            try Row.fetchAll(db, sql: "SELECT id, name, definition, state, created_at, updated_at FROM journeys ORDER BY name").map {
                try JourneyRecordCoding.record(id: $0[0], name: $0[1], definition: $0[2], state: $0[3], createdAt: $0[4], updatedAt: $0[5])
            }
        }
    }

    @discardableResult
    public func setJourneyState(_ id: String, _ state: JourneyState, at now: Date) async throws -> Bool {
        let nowMs = now.millisecondsSince1970
        return try await durableWrite { db in
            try db.execute(sql: "UPDATE journeys SET state = ?, updated_at = ? WHERE id = ?", arguments: [state.rawValue, nowMs, id])
            guard db.changesCount > 0 else { return false }
            if state == .archived {
                // Their `Journey Exited` events, appended just after (pending events).
                let ended = try Row.fetchAll(db, sql: "SELECT profile_id, run_key, entered_at FROM journey_runs WHERE journey_id = ? AND state = 'active'",
                                             arguments: [id]).map { r -> (profile: ProfileID, message: Message) in
                    let profile = ProfileID(r[0] as String)
                    return (profile, JourneyEvents.exited(journey: id, profile: profile, key: r[1], enteredAt: Date(millisecondsSince1970: r[2]),
                                                          reason: "archived", at: now))
                }
                try self.recordPending(ended, now: now, db: db)
                try db.execute(sql: """
                    UPDATE journey_runs SET state = 'exited', exit_reason = 'archived', due_at = NULL, updated_at = ?
                    WHERE journey_id = ? AND state = 'active'
                    """, arguments: [nowMs, id])
            }
            return true
        }
    }

    public func dueJourneyRuns(at now: Date, limit: Int) async throws -> [JourneyRun] {
        try await pool.read { db in
            try Row.fetchAll(db, sql: """
                SELECT r.id, r.journey_id, r.profile_id, r.run_key, r.state, r.step, r.due_at, r.entered_at, r.trigger_message, r.exit_reason,
                  r.deadline_at
                FROM journey_runs r JOIN journeys j ON j.id = r.journey_id
                WHERE r.state = 'active' AND r.due_at <= ? AND j.state = 'active'
                ORDER BY r.due_at LIMIT ?
                """, arguments: [now.millisecondsSince1970, limit]).map(Self.journeyRun)
        }
    }

    public func nextJourneyDue() async throws -> Date? {
        try await pool.read { db in
            try Int64.fetchOne(db, sql: """
                SELECT MIN(r.due_at) FROM journey_runs r JOIN journeys j ON j.id = r.journey_id
                WHERE r.state = 'active' AND j.state = 'active'
                """).map(Date.init(millisecondsSince1970:))
        }
    }

    public func advanceJourneyRuns(_ moves: [JourneyMove], effects: [Int64: JourneyEffects], at now: Date) async throws -> Set<Int64> {
        guard !moves.isEmpty else { return [] }
        let sealed = try effects.mapValues { try sealOutbox($0.mail) }
        let nowMs = now.millisecondsSince1970
        return try await durableWrite { db in
            let update = try db.cachedStatement(sql: """
                UPDATE journey_runs SET step = ?, due_at = ?, deadline_at = ?, state = ?, exit_reason = ?, updated_at = ?
                WHERE id = ? AND step = ? AND state = 'active' AND (? IS NULL OR due_at = ?)
                """)
            var moved = Set<Int64>()
            for move in moves {
                let expected = move.expectedDue?.millisecondsSince1970
                try update.execute(arguments: [move.to, move.dueAt?.millisecondsSince1970, move.deadlineAt?.millisecondsSince1970,
                                                (move.endState ?? .active).rawValue, move.endReason, nowMs, move.run, move.from, expected, expected])
                guard db.changesCount > 0 else { continue }
                moved.insert(move.run)
                guard let effect = effects[move.run] else { continue }
                if let rows = sealed[move.run], !rows.isEmpty { _ = try Self.insertOutbox(rows, nowMs: nowMs, db: db) }
                if !effect.events.isEmpty { try self.recordPending(effect.events, now: now, db: db) }
                if !effect.webhooks.isEmpty { try self.insertWebhookCalls(effect.webhooks, nowMs: nowMs, db: db) }
            }
            return moved
        }
    }

    public func journeyMessageKeys(to profiles: [ProfileID], since: Date) async throws -> [ProfileID: [String]] {
        guard !profiles.isEmpty else { return [:] }
        return try await pool.read { db in
            var out: [ProfileID: [String]] = [:]
            for chunk in stride(from: 0, to: profiles.count, by: 500) {
                let ids = profiles[chunk..<min(profiles.count, chunk + 500)].map(\.rawValue)
                for row in try Row.fetchAll(db, sql: """
                    SELECT profile_id, idempotency_key FROM mail_outbox
                    WHERE profile_id IN (\(ids.map { _ in "?" }.joined(separator: ", "))) AND created_at > ? AND campaign IS NULL
                      AND idempotency_key LIKE 'journey:%' AND status IN ('queued', 'sending', 'sent')
                    """, arguments: StatementArguments(ids.map { $0 as any DatabaseValueConvertible } + [since.millisecondsSince1970])) {
                    out[ProfileID(row[0] as String), default: []].append(row[1])
                }
            }
            return out
        }
    }

    public func watchJourneyRuns(_ changed: @escaping @Sendable (Date) -> Void) async throws {
        while !Task.isCancelled { try await Task.sleep(for: .seconds(3600)) }
    }

    public func journeyRuns(of profile: ProfileID) async throws -> [JourneyRun] {
        try await pool.read { db in
            try Row.fetchAll(db, sql: "SELECT \(JourneyRecordCoding.runColumns) FROM journey_runs WHERE profile_id = ? ORDER BY id",
                             arguments: [profile.rawValue]).map(Self.journeyRun)
        }
    }

    public func journeyCounts(_ journey: String) async throws -> JourneyCounts {
        try await pool.read { db in
            var counts = JourneyCounts()
            for r in try Row.fetchAll(db, sql: """
                SELECT state, step, exit_reason, COUNT(*) FROM journey_runs WHERE journey_id = ? GROUP BY state, step, exit_reason
                """, arguments: [journey]) {
                let n: Int = r[3]
                switch r[0] as String {
                case "active": counts.activeAtStep[r[1], default: 0] += n
                case "completed": counts.completed += n
                default: counts.exited[(r[2] as String?) ?? "exit", default: 0] += n
                }
            }
            return counts
        }
    }

    static func journeyRun(_ r: Row) throws -> JourneyRun {
        try JourneyRecordCoding.run(id: r[0], journey: r[1], profile: r[2], key: r[3], state: r[4], step: r[5], dueAt: r[6], enteredAt: r[7],
                                    triggerMessage: r[8], exitReason: r[9], deadlineAt: r[10])
    }
}
