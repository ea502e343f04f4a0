import Foundation
import GRDB
import TailorCore
public import TailorStore

// MARK: - Suppression

// MARK: - SuppressionStore

extension SQLiteDatabase {
    public func suppressionKey(forAddress address: String) -> String {
        cipher.storageKey(Identity(.email, address))
    }

    @discardableResult
    public func suppress(_ entries: [SuppressionEntry]) async throws -> Int {
        guard !entries.isEmpty else { return 0 }
        return try await durableWrite { db in
            let insert = try db.cachedStatement(sql: """
                INSERT INTO mail_suppressions (email_index, reason, source, created_at) VALUES (?, ?, ?, ?)
                ON CONFLICT (email_index) DO NOTHING
                """)
            var added = 0
            for e in entries {
                try insert.execute(arguments: [e.key, e.reason.rawValue, e.source, e.createdAt.millisecondsSince1970])
                added += db.changesCount
            }
            return added
        }
    }

    @discardableResult
    public func unsuppress(key: String) async throws -> Bool {
        try await durableWrite { db in
            try db.execute(sql: "DELETE FROM mail_suppressions WHERE email_index = ?", arguments: [key])
            return db.changesCount > 0
        }
    }

    public func suppressions(keys: [String]) async throws -> [String: SuppressionEntry] {
        guard !keys.isEmpty else { return [:] }
        return try await pool.read { db in
            var found: [String: SuppressionEntry] = [:]
            for chunk in Array(Set(keys)).chunked(400) {
                let rows = try Row.fetchAll(db, sql: """
                    SELECT email_index, reason, source, created_at FROM mail_suppressions WHERE email_index IN (\(Self.placeholders(chunk.count)))
                    """, arguments: StatementArguments(Array(chunk)))
                for row in rows {
                    let entry = try Self.suppressionEntry(row)
                    found[entry.key] = entry
                }
            }
            return found
        }
    }

    public func suppressions(after: String?, limit: Int) async throws -> [SuppressionEntry] {
        try await pool.read { db in
            try Row.fetchAll(db, sql: """
                SELECT email_index, reason, source, created_at FROM mail_suppressions WHERE email_index > ? ORDER BY email_index LIMIT ?
                """, arguments: [after ?? "", limit]).map(Self.suppressionEntry)
        }
    }

    static func suppressionEntry(_ row: Row) throws -> SuppressionEntry {
        guard let reason = SuppressionReason(rawValue: row[1]) else { throw StoreError(.corruptRow, "unknown suppression reason") }
        return SuppressionEntry(key: row[0], reason: reason, source: row[2], createdAt: Date(millisecondsSince1970: row[3]))
    }
}
