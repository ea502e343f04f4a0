import Foundation
import GRDB
public import TailorCore
public import TailorStore

// MARK: - ProfileSearchStore

extension SQLiteDatabase {
    public func profilesNamed(_ query: String, scanning: Int, limit: Int) async throws -> [ProfileSummary] {
        let cipher = self.cipher
        return try await pool.read { db in
            var found: [(id: String, personal: JSONObject, lastSeen: Int64?)] = []
            let cursor = try Row.fetchCursor(db, sql: """
                SELECT id, personal, last_seen FROM profiles WHERE merged_into IS NULL AND personal IS NOT NULL ORDER BY updated_at DESC, id LIMIT ?
                """, arguments: [scanning])
            while found.count < limit, let row = try cursor.next() {
                let personal = try cipher.openJSON(row[1] as Data?)
                if PersonName.matches(personal, query) { found.append((row[0], personal, row[2])) }
            }
            let users = try Self.userIds(db, found.map(\.id))
            return found.map { ProfileSummary(id: ProfileID($0.id), userIds: users[$0.id] ?? [], personal: Personal($0.personal),
                                              lastSeen: $0.lastSeen.map(Date.init(millisecondsSince1970:))) }
        }
    }

    public func profileSummaries(_ ids: [ProfileID]) async throws -> [ProfileSummary] {
        guard !ids.isEmpty else { return [] }
        let cipher = self.cipher
        return try await pool.read { db in
            var byID: [String: ProfileSummary] = [:]
            for chunk in ids.map(\.rawValue).chunked(400) {
                for row in try Row.fetchAll(db, sql: "SELECT id, personal, last_seen FROM profiles WHERE id IN (\(Self.placeholders(chunk.count)))",
                                            arguments: StatementArguments(Array(chunk))) {
                    let id: String = row[0]
                    byID[id] = ProfileSummary(id: ProfileID(id), userIds: [], personal: Personal(try cipher.openJSON(row[1] as Data?)),
                                              lastSeen: (row[2] as Int64?).map(Date.init(millisecondsSince1970:)))
                }
            }
            let users = try Self.userIds(db, Array(byID.keys))
            return ids.compactMap { id in
                byID[id.rawValue].map { var s = $0; s.userIds = users[id.rawValue] ?? []; return s }
            }
        }
    }

    /// The user ids linked to some profiles, sorted.
    static func userIds(_ db: Database, _ ids: [String]) throws -> [String: [String]] {
        var out: [String: [String]] = [:]
        for chunk in ids.chunked(400) {
            let sql = "SELECT profile_id, value FROM identities WHERE kind = 'user' AND profile_id IN (\(placeholders(chunk.count))) ORDER BY value"
            for row in try Row.fetchAll(db, sql: sql, arguments: StatementArguments(Array(chunk))) {
                out[row[0], default: []].append(row[1])
            }
        }
        return out
    }
}
