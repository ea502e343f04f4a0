public import Foundation
import GRDB
public import TailorCore
public import TailorStore

// MARK: - APIKeyStore

extension SQLiteDatabase {
    public func addAPIKey(name: String, prefix: String, hash: String, scopes: Set<APIKeyScope>, at: Date) async throws -> APIKeyRecord? {
        try await durableWrite { db in
            try db.execute(sql: """
                INSERT INTO api_keys (name, prefix, key_hash, scopes, created_at) VALUES (?, ?, ?, ?, ?) ON CONFLICT (name) DO NOTHING
                """, arguments: [name, prefix, hash, APIKeyScope.stored(scopes), at.millisecondsSince1970])
            guard db.changesCount == 1 else { return nil }
            return APIKeyRecord(id: db.lastInsertedRowID, name: name, prefix: prefix, scopes: scopes,
                                createdAt: Date(millisecondsSince1970: at.millisecondsSince1970))
        }
    }

    public func apiKeys() async throws -> [APIKeyRecord] {
        try await pool.read { db in
            try Row.fetchAll(db, sql: "SELECT \(APIKeySQL.columns) FROM api_keys ORDER BY name").map(Self.apiKey)
        }
    }

    public func apiKey(hash: String) async throws -> APIKeyRecord? {
        try await pool.read { db in
            try Row.fetchOne(db, sql: "SELECT \(APIKeySQL.columns) FROM api_keys WHERE key_hash = ?", arguments: [hash]).map(Self.apiKey)
        }
    }

    public func revokeAPIKey(name: String, at: Date) async throws -> (key: APIKeyRecord, revokedNow: Bool)? {
        try await durableWrite { db in
            try db.execute(sql: "UPDATE api_keys SET revoked_at = ? WHERE name = ? AND revoked_at IS NULL",
                           arguments: [at.millisecondsSince1970, name])
            let revokedNow = db.changesCount == 1
            return try Row.fetchOne(db, sql: "SELECT \(APIKeySQL.columns) FROM api_keys WHERE name = ?", arguments: [name])
                .map { (try Self.apiKey($0), revokedNow) }
        }
    }

    public func markAPIKeyUsed(id: Int64, at: Date) async throws {
        try await durableWrite { db in
            try db.execute(sql: "UPDATE api_keys SET last_used_at = ? WHERE id = ? AND (last_used_at IS NULL OR last_used_at < ?)",
                           arguments: [at.millisecondsSince1970, id, at.millisecondsSince1970])
        }
    }

    static func apiKey(_ row: Row) throws -> APIKeyRecord {
        let id: Int64 = row[0]
        guard let scopes = APIKeyScope.parseStored(row[3]) else { throw StoreError(.corruptRow, "api key \(id): unknown scope") }
        return APIKeyRecord(id: id, name: row[1], prefix: row[2], scopes: scopes, createdAt: Date(millisecondsSince1970: row[4]),
                            lastUsedAt: (row[5] as Int64?).map(Date.init(millisecondsSince1970:)),
                            revokedAt: (row[6] as Int64?).map(Date.init(millisecondsSince1970:)))
    }
}
