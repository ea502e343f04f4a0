import Foundation
import GRDB
public import TailorCore
import TailorStore

// MARK: - EventExportStore

extension SQLiteDatabase {
    public func exportEvents(after: Int64, limit: Int) async throws -> [StoredEvent] {
        let cipher = self.cipher
        return try await pool.read { db in
            try Row.fetchAll(db, sql: """
                SELECT message_id, profile_id, type, name, timestamp, received_at, user_id, anonymous_id, properties, traits, personal, seq
                FROM events WHERE seq > ? ORDER BY seq LIMIT ?
                """, arguments: [after, max(1, limit)]).map { row in
                StoredEvent(sequence: row[11], profileId: ProfileID(row[1] as String), message: try Self.eventRow(row).message(cipher: cipher))
            }
        }
    }
}
