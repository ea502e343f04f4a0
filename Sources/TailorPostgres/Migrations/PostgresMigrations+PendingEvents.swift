import TailorStore

extension PostgresMigrations {
    /// `0010_pending_events`: as SQLite's (`SQLiteMigrations.pendingEvents`).
    static let pendingEvents = Migration(name: "0010_pending_events", statements: [
        """
        CREATE TABLE pending_events (
          id BIGSERIAL PRIMARY KEY,
          message_id TEXT COLLATE "C" NOT NULL UNIQUE,
          profile_id TEXT COLLATE "C" NOT NULL,
          name TEXT NOT NULL,
          properties TEXT NOT NULL,
          timestamp BIGINT NOT NULL,
          created_at BIGINT NOT NULL
        )
        """,
    ])
}
