import GRDB
import TailorStore

extension SQLiteMigrations {
    /// `0009_dashboard`: the dashboard's users and sessions (docs/DASHBOARD.md). Passwords are bcrypt hashes;
    /// a session is kept as the SHA-256 of its token, so a copy of the database signs no one in.
    static let dashboard = """
        CREATE TABLE dashboard_users (
          id INTEGER PRIMARY KEY AUTOINCREMENT,
          email TEXT NOT NULL UNIQUE,
          role TEXT NOT NULL CHECK (role IN ('admin', 'marketer', 'viewer')),
          password_hash TEXT NOT NULL,
          created_at INTEGER NOT NULL
        );
        CREATE TABLE dashboard_sessions (
          token_hash TEXT PRIMARY KEY NOT NULL,
          user_id INTEGER NOT NULL REFERENCES dashboard_users(id) ON DELETE CASCADE,
          created_at INTEGER NOT NULL,
          expires_at INTEGER NOT NULL
        ) WITHOUT ROWID;
        CREATE INDEX dashboard_sessions_user ON dashboard_sessions(user_id);
        CREATE INDEX dashboard_sessions_expiry ON dashboard_sessions(expires_at);
        """
}
