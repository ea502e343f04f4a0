public import Foundation
import GRDB
import TailorStore

// MARK: - EventRetentionStore

extension SQLiteDatabase {
    public func eventCount(named name: String, before: Date) async throws -> Int {
        try await pool.read { db in
            try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM events WHERE name = ? AND timestamp < ?",
                             arguments: [name, before.millisecondsSince1970]) ?? 0
        }
    }

    /// One write transaction of at most `limit` rows (found through `events_name_time`), so the single writer is
    /// held for milliseconds; the caller loops.
    public func purgeEvents(named name: String, before: Date, limit: Int) async throws -> Int {
        try await durableWrite { db in
            try db.execute(sql: """
                DELETE FROM events WHERE seq IN (
                  SELECT seq FROM events WHERE name = ? AND timestamp < ? ORDER BY timestamp LIMIT ?)
                """, arguments: [name, before.millisecondsSince1970, max(1, limit)])
            return db.changesCount
        }
    }
}
