extension SQLiteMigrations {
    /// `0010_pending_events`: events recorded in a transaction, appended to the log just after (`PendingEventStore`).
    static let pendingEvents = """
        CREATE TABLE pending_events (
          id INTEGER PRIMARY KEY AUTOINCREMENT,
          message_id TEXT NOT NULL UNIQUE,
          profile_id TEXT NOT NULL,
          name TEXT NOT NULL,
          properties TEXT NOT NULL,
          timestamp INTEGER NOT NULL,
          created_at INTEGER NOT NULL
        );
        """
}
