extension PostgresMigrations {
    /// `0012_experiments`: as SQLite's (`SQLiteMigrations.experiments`).
    static let experiments = Migration(name: "0012_experiments", statements: [
        "ALTER TABLE campaigns ADD COLUMN experiment JSONB",
        "ALTER TABLE campaign_recipients ADD COLUMN variant TEXT COLLATE \"C\"",
        "ALTER TABLE campaign_recipients ADD COLUMN phase TEXT CHECK (phase IN ('test', 'rest'))",
        "ALTER TABLE campaign_recipients ADD COLUMN segments JSONB",
        "ALTER TABLE mail_outbox ADD COLUMN variant TEXT COLLATE \"C\"",
        """
        CREATE TABLE campaign_experiments (
          campaign_id TEXT COLLATE "C" PRIMARY KEY,
          state TEXT NOT NULL CHECK (state IN ('testing', 'blocked', 'decided', 'stopped')),
          winner TEXT COLLATE "C",
          checked_at BIGINT NOT NULL,
          decided_at BIGINT,
          analysis JSONB NOT NULL
        )
        """,
    ])
}
