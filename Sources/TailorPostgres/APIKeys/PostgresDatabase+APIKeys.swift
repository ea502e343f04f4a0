public import Foundation
import PostgresNIO
public import TailorCore
public import TailorStore

// MARK: - APIKeyStore

extension PostgresDatabase {
    public func addAPIKey(name: String, prefix: String, hash: String, scopes: Set<APIKeyScope>, at: Date) async throws -> APIKeyRecord? {
        let stored = APIKeyScope.stored(scopes)
        return try await withContext("adding an API key") {
            try await self.client.withConnection { conn in
                try await self.rows("""
                    INSERT INTO api_keys (name, prefix, key_hash, scopes, created_at)
                    VALUES (\(name), \(prefix), \(hash), \(stored), \(at.millisecondsSince1970))
                    ON CONFLICT (name) DO NOTHING RETURNING \(unescaped: APIKeySQL.columns)
                    """, on: conn).first.map(Self.apiKey)
            }
        }
    }

    public func apiKeys() async throws -> [APIKeyRecord] {
        try await withContext("reading API keys") {
            try await self.client.withConnection { conn in
                try await self.rows("SELECT \(unescaped: APIKeySQL.columns) FROM api_keys ORDER BY name", on: conn).map(Self.apiKey)
            }
        }
    }

    public func apiKey(hash: String) async throws -> APIKeyRecord? {
        try await withContext("reading an API key") {
            try await self.client.withConnection { conn in
                try await self.rows("SELECT \(unescaped: APIKeySQL.columns) FROM api_keys WHERE key_hash = \(hash)", on: conn)
                    .first.map(Self.apiKey)
            }
        }
    }

    public func revokeAPIKey(name: String, at: Date) async throws -> (key: APIKeyRecord, revokedNow: Bool)? {
        try await withContext("revoking an API key") {
            try await self.client.withConnection { conn in
                // One statement: revoke if live, then read the row as it is (a second revocation keeps the first time).
                try await self.rows("""
                    WITH revoked AS (
                      UPDATE api_keys SET revoked_at = \(at.millisecondsSince1970) WHERE name = \(name) AND revoked_at IS NULL
                      RETURNING \(unescaped: APIKeySQL.columns)
                    )
                    SELECT \(unescaped: APIKeySQL.columns), true FROM revoked
                    UNION ALL SELECT \(unescaped: APIKeySQL.columns), false FROM api_keys WHERE name = \(name) AND NOT EXISTS (SELECT 1 FROM revoked)
                    """, on: conn).first.map { (try Self.apiKey($0), try $0[7].decode(Bool.self)) }
            }
        }
    }

    public func markAPIKeyUsed(id: Int64, at: Date) async throws {
        try await withContext("recording an API key's use") {
            try await self.client.withConnection { conn in
                _ = try await self.rows("""
                    UPDATE api_keys SET last_used_at = \(at.millisecondsSince1970)
                    WHERE id = \(id) AND (last_used_at IS NULL OR last_used_at < \(at.millisecondsSince1970))
                    """, on: conn)
            }
        }
    }

    static func apiKey(_ r: PostgresRandomAccessRow) throws -> APIKeyRecord {
        let id = try r[0].decode(Int64.self)
        guard let scopes = APIKeyScope.parseStored(try r[3].decode(String.self)) else {
            throw StoreError(.corruptRow, "api key \(id): unknown scope")
        }
        return APIKeyRecord(id: id, name: try r[1].decode(String.self), prefix: try r[2].decode(String.self), scopes: scopes,
                            createdAt: Date(millisecondsSince1970: try r[4].decode(Int64.self)),
                            lastUsedAt: try r[5].decode(Int64?.self).map(Date.init(millisecondsSince1970:)),
                            revokedAt: try r[6].decode(Int64?.self).map(Date.init(millisecondsSince1970:)))
    }
}
