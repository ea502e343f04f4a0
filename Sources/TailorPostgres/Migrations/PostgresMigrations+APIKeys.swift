import TailorStore

extension PostgresMigrations {
    /// `0014_api_keys`: as SQLite's (`SQLiteMigrations.apiKeys`).
    static let apiKeys = Migration(name: "0014_api_keys", statements: [
        """
        CREATE TABLE api_keys (
          id BIGSERIAL PRIMARY KEY,
          name TEXT COLLATE "C" NOT NULL UNIQUE,
          prefix TEXT NOT NULL,
          key_hash TEXT COLLATE "C" NOT NULL UNIQUE,
          scopes TEXT NOT NULL,
          created_at BIGINT NOT NULL,
          last_used_at BIGINT,
          revoked_at BIGINT
        )
        """,
    ])
}
