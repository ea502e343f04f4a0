public import Foundation
import PostgresNIO
import TailorStore

// MARK: - EventRetentionStore

extension PostgresDatabase {
    public func eventCount(named name: String, before: Date) async throws -> Int {
        try await withContext("counting events") {
            try await self.client.withConnection { conn in
                try await self.rows("SELECT COUNT(*) FROM events WHERE name = \(name) AND timestamp < \(before.millisecondsSince1970)", on: conn)
                    .first.map { Int(try $0[0].decode(Int64.self)) } ?? 0
            }
        }
    }

    /// One statement (its own transaction) of at most `limit` rows, found through `events_name_time`.
    public func purgeEvents(named name: String, before: Date, limit: Int) async throws -> Int {
        try await withContext("purging events") {
            try await self.client.withConnection { conn in
                try await self.rows("""
                    DELETE FROM events WHERE seq IN (
                      SELECT seq FROM events WHERE name = \(name) AND timestamp < \(before.millisecondsSince1970)
                      ORDER BY timestamp LIMIT \(Int64(max(1, limit))))
                    RETURNING seq
                    """, on: conn).count
            }
        }
    }
}
