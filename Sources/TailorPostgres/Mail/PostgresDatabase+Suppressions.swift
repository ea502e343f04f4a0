import Foundation
import PostgresNIO
import TailorCore
public import TailorStore

// MARK: - Suppression

// MARK: - SuppressionStore

extension PostgresDatabase {
    public func suppressionKey(forAddress address: String) -> String {
        storageKey(Identity(.email, address))
    }

    @discardableResult
    public func suppress(_ entries: [SuppressionEntry]) async throws -> Int {
        guard !entries.isEmpty else { return 0 }
        let keys = entries.map { PostgresText.clean($0.key) }
        let reasons = entries.map(\.reason.rawValue)
        let sources = PostgresArray(entries.map { PostgresText.clean($0.source) })
        let times = entries.map { $0.createdAt.millisecondsSince1970 }
        return try await withContext("suppressing addresses") {
            try await self.client.withConnection { conn in
                try await self.rows("""
                    INSERT INTO mail_suppressions (email_index, reason, source, created_at)
                    SELECT DISTINCT ON (k) k, r, s, t FROM UNNEST(\(keys)::text[], \(reasons)::text[], \(sources)::text[], \(times)::int8[])
                      WITH ORDINALITY AS e(k, r, s, t, ord)
                    ORDER BY k, ord
                    ON CONFLICT (email_index) DO NOTHING
                    RETURNING email_index
                    """, on: conn).count
            }
        }
    }

    @discardableResult
    public func unsuppress(key: String) async throws -> Bool {
        try await withContext("removing a suppression") {
            try await self.client.withConnection { conn in
                !(try await self.rows("DELETE FROM mail_suppressions WHERE email_index = \(PostgresText.clean(key)) RETURNING email_index",
                                      on: conn).isEmpty)
            }
        }
    }

    public func suppressions(keys: [String]) async throws -> [String: SuppressionEntry] {
        guard !keys.isEmpty else { return [:] }
        return try await withContext("checking suppressions") {
            try await self.client.withConnection { conn in
                var found: [String: SuppressionEntry] = [:]
                for r in try await self.rows("""
                    SELECT email_index, reason, source, created_at FROM mail_suppressions
                    WHERE email_index = ANY(\(keys.map { PostgresText.clean($0) }))
                    """, on: conn) {
                    let entry = try Self.suppressionEntry(r)
                    found[entry.key] = entry
                }
                return found
            }
        }
    }

    public func suppressions(after: String?, limit: Int) async throws -> [SuppressionEntry] {
        try await withContext("listing suppressions") {
            try await self.client.withConnection { conn in
                try await self.rows("""
                    SELECT email_index, reason, source, created_at FROM mail_suppressions WHERE email_index > \(after ?? "")
                    ORDER BY email_index LIMIT \(Int64(max(0, limit)))
                    """, on: conn).map(Self.suppressionEntry)
            }
        }
    }

    static func suppressionEntry(_ r: PostgresRandomAccessRow) throws -> SuppressionEntry {
        guard let reason = SuppressionReason(rawValue: try r[1].decode(String.self)) else {
            throw StoreError(.corruptRow, "unknown suppression reason")
        }
        return SuppressionEntry(key: try r[0].decode(String.self), reason: reason, source: try r[2].decode(String?.self),
                                createdAt: Date(millisecondsSince1970: try r[3].decode(Int64.self)))
    }
}
