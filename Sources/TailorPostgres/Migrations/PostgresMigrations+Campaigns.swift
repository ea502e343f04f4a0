import TailorStore

extension PostgresMigrations {
    /// `0006_campaigns`: stored templates, campaigns and their recipients; the same tables as SQLite's
    /// (`SQLiteMigrations.campaigns`).
    static let campaigns = Migration(name: "0006_campaigns", statements: [
        """
        CREATE TABLE email_templates (
          name TEXT COLLATE "C" PRIMARY KEY,
          kind TEXT NOT NULL CHECK (kind IN ('email', 'layout', 'partial')),
          subject TEXT NOT NULL DEFAULT '',
          preheader TEXT NOT NULL DEFAULT '',
          html TEXT NOT NULL,
          text TEXT,
          layout TEXT,
          sender TEXT,
          recommendation_count INT NOT NULL DEFAULT 4,
          created_at BIGINT NOT NULL,
          updated_at BIGINT NOT NULL
        )
        """,
        """
        CREATE TABLE campaigns (
          id TEXT COLLATE "C" PRIMARY KEY,
          name TEXT NOT NULL UNIQUE,
          template TEXT NOT NULL,
          segments JSONB NOT NULL,
          excluded JSONB NOT NULL DEFAULT '[]',
          transactional BOOLEAN NOT NULL DEFAULT FALSE,
          scheduled_at BIGINT,
          rate_per_second INT,
          send_time TEXT NOT NULL DEFAULT 'now',
          state TEXT NOT NULL CHECK (state IN ('draft', 'scheduled', 'sending', 'paused', 'sent', 'cancelled')),
          audience BIGINT,
          created_at BIGINT NOT NULL,
          updated_at BIGINT NOT NULL,
          started_at BIGINT,
          finished_at BIGINT
        )
        """,
        """
        CREATE TABLE campaign_recipients (
          campaign_id TEXT COLLATE "C" NOT NULL,
          profile_id TEXT COLLATE "C" NOT NULL,
          status TEXT NOT NULL CHECK (status IN ('pending', 'queued', 'skipped', 'cancelled')),
          reason TEXT,
          updated_at BIGINT NOT NULL,
          PRIMARY KEY (campaign_id, profile_id)
        )
        """,
        "CREATE INDEX mail_outbox_campaign ON mail_outbox(campaign, status)",
    ])
}
