import TailorStore

extension PostgresMigrations {
    /// `0009_dashboard`: the dashboard's users and sessions, as SQLite's (`SQLiteMigrations.dashboard`).
    static let dashboard = Migration(name: "0009_dashboard", statements: [
        """
        CREATE TABLE dashboard_users (
          id BIGSERIAL PRIMARY KEY,
          email TEXT COLLATE "C" NOT NULL UNIQUE,
          role TEXT NOT NULL CHECK (role IN ('admin', 'marketer', 'viewer')),
          password_hash TEXT NOT NULL,
          created_at BIGINT NOT NULL
        )
        """,
        """
        CREATE TABLE dashboard_sessions (
          token_hash TEXT COLLATE "C" PRIMARY KEY,
          user_id BIGINT NOT NULL REFERENCES dashboard_users(id) ON DELETE CASCADE,
          created_at BIGINT NOT NULL,
          expires_at BIGINT NOT NULL
        )
        """,
        "CREATE INDEX dashboard_sessions_user ON dashboard_sessions(user_id)",
        "CREATE INDEX dashboard_sessions_expiry ON dashboard_sessions(expires_at)",
    ])
}
