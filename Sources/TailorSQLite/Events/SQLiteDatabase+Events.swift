import Foundation
import GRDB
public import TailorCore
import TailorStore

// MARK: - Reading the event log

extension SQLiteDatabase {
    public func events(of profile: ProfileID, before: Int64?, limit: Int) async throws -> [StoredEvent] {
        let cipher = self.cipher
        return try await pool.read { db in
            let rows = try Row.fetchAll(db, sql: """
                SELECT message_id, profile_id, type, name, timestamp, received_at, user_id, anonymous_id, properties, traits, personal, seq
                FROM events WHERE profile_id = ? AND seq < ? ORDER BY seq DESC LIMIT ?
                """, arguments: [profile.rawValue, before ?? Int64.max, limit])
            return try rows.map { row in
                StoredEvent(sequence: row[11], profileId: profile, message: try Self.eventRow(row).message(cipher: cipher))
            }
        }
    }

    public func events(messageIds: [String]) async throws -> [String: StoredEvent] {
        guard !messageIds.isEmpty else { return [:] }
        let cipher = self.cipher
        return try await pool.read { db in
            var out: [String: StoredEvent] = [:]
            for chunk in Array(Set(messageIds)).chunked(400) {
                let rows = try Row.fetchAll(db, sql: """
                    SELECT message_id, profile_id, type, name, timestamp, received_at, user_id, anonymous_id, properties, traits, personal, seq
                    FROM events WHERE message_id IN (\(Self.placeholders(chunk.count)))
                    """, arguments: StatementArguments(chunk))
                for row in rows {
                    let message = try Self.eventRow(row).message(cipher: cipher)
                    out[message.messageId] = StoredEvent(sequence: row[11], profileId: ProfileID(row[1] as String), message: message)
                }
            }
            return out
        }
    }

    public func rebuildProfiles(progress: (@Sendable (Int, Int) -> Void)?) async throws -> Int {
        let total = try await pool.read { db in try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM profiles WHERE merged_into IS NULL") ?? 0 }
        var done = 0
        var after: ProfileID? = nil
        while true {
            let ids = try await profileIDs(after: after, limit: 500)
            guard let last = ids.last else { break }
            let cipher = self.cipher
            let policy = self.policy
            try await durableWrite { db in
                let now = Date()
                for id in ids {
                    guard var aggregate = try Self.loadAggregate(db, id: id, cipher: cipher) else { continue }
                    aggregate.rebuild(from: try Self.loadHistory(db, id: id, cipher: cipher))
                    try Self.saveProfile(db, ProfileRow(aggregate, updatedAt: now, cipher: cipher, policy: policy))
                }
            }
            done += ids.count
            progress?(done, total)
            after = last
        }
        return done
    }

    static func loadHistory(_ db: Database, id: ProfileID, cipher: FieldCipher) throws -> [Message] {
        let statement = try db.cachedStatement(sql: """
            SELECT message_id, profile_id, type, name, timestamp, received_at, user_id, anonymous_id, properties, traits, personal
            FROM events WHERE profile_id = ?
            """)
        let rows = try Row.fetchAll(statement, arguments: [id.rawValue])
        return try rows.map { try eventRow($0).message(cipher: cipher) }
    }

    static func eventRow(_ row: Row) -> EventRow {
        EventRow(messageId: row[0], profileId: row[1], type: row[2], name: row[3], timestamp: row[4], receivedAt: row[5], userId: row[6],
                 anonymousId: row[7], properties: row[8], traits: row[9], personal: row[10])
    }
}
