extension SQLiteMigrations {
    /// `0014_api_keys`: named admin API keys with scopes (docs/SECURITY.md). The secret is never stored, only its
    /// SHA-256 (`key_hash`) and its first characters (`prefix`); a revoked key keeps its row and its name.
    static let apiKeys = """
        CREATE TABLE api_keys (
          id INTEGER PRIMARY KEY AUTOINCREMENT,
          name TEXT NOT NULL UNIQUE,
          prefix TEXT NOT NULL,
          key_hash TEXT NOT NULL UNIQUE,
          scopes TEXT NOT NULL,
          created_at INTEGER NOT NULL,
          last_used_at INTEGER,
          revoked_at INTEGER
        );
        """
}
