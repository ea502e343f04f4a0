extension SQLiteMigrations {
    /// `0012_experiments`: campaign experiments (docs/EXPERIMENTS.md, "Campaign experiments").
    ///
    /// `campaigns.experiment` holds the design (variants, holdout, test phase) as JSON; each recipient records
    /// its variant (or `holdout`), its phase, and the included segments it was a member of at the snapshot;
    /// outbox messages carry their variant to the delivery events. `campaign_experiments` is the state of a
    /// campaign's test and the analysis behind its last check or its decision.
    static let experiments = """
        ALTER TABLE campaigns ADD COLUMN experiment TEXT;
        ALTER TABLE campaign_recipients ADD COLUMN variant TEXT;
        ALTER TABLE campaign_recipients ADD COLUMN phase TEXT CHECK (phase IN ('test', 'rest'));
        ALTER TABLE campaign_recipients ADD COLUMN segments TEXT;
        ALTER TABLE mail_outbox ADD COLUMN variant TEXT;
        CREATE TABLE campaign_experiments (
          campaign_id TEXT PRIMARY KEY NOT NULL,
          state TEXT NOT NULL CHECK (state IN ('testing', 'blocked', 'decided', 'stopped')),
          winner TEXT,
          checked_at INTEGER NOT NULL,
          decided_at INTEGER,
          analysis TEXT NOT NULL
        ) WITHOUT ROWID;
        """
}
