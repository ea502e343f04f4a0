import Foundation
import GRDB
import TailorCore
public import TailorStore

// MARK: - PendingEventStore

extension SQLiteDatabase {
    public func pendingEvents(limit: Int) async throws -> [PendingEvent] {
        try await pool.read { db in
            try Row.fetchAll(db, sql: "SELECT id, message_id, profile_id, name, properties, timestamp FROM pending_events ORDER BY id LIMIT ?",
                             arguments: [limit]).map {
                PendingEventRecord.event(id: $0[0], messageId: $0[1], profile: $0[2], name: $0[3], properties: $0[4], timestamp: $0[5])
            }
        }
    }

    public func removePendingEvents(_ ids: [Int64]) async throws {
        guard !ids.isEmpty else { return }
        try await durableWrite { db in
            for chunk in ids.chunked(400) {
                try db.execute(sql: "DELETE FROM pending_events WHERE id IN (\(Self.placeholders(chunk.count)))", arguments: StatementArguments(chunk))
            }
        }
    }

    /// Records events in the caller's write transaction, for appending just after it.
    func recordPending(_ events: [(profile: ProfileID, message: Message)], now: Date, db: Database) throws {
        for (profile, message) in events {
            let insert = PendingEventRecord.insert(profile, message, now: now)
            try db.cachedStatement(sql: insert.sql).execute(arguments: stepArguments(insert.values))
        }
    }
}
