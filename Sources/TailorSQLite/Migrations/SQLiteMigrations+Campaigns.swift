import GRDB
import TailorStore

extension SQLiteMigrations {
    /// `0006_campaigns`: stored templates, campaigns and each campaign's recipients (docs/CAMPAIGNS.md).
    ///
    /// `campaign_recipients` is the audience snapshot: one row per recipient, `pending` until the sender
    /// records what became of it (`queued`, `skipped` with a reason, or `cancelled`). The outbox index on
    /// `campaign` serves the progress counts and the claim's check of paused and cancelled campaigns.
    static let campaigns = """
        CREATE TABLE email_templates (
          name TEXT PRIMARY KEY NOT NULL,
          kind TEXT NOT NULL CHECK (kind IN ('email', 'layout', 'partial')),
          subject TEXT NOT NULL DEFAULT '',
          preheader TEXT NOT NULL DEFAULT '',
          html TEXT NOT NULL,
          text TEXT,
          layout TEXT,
          sender TEXT,
          recommendation_count INTEGER NOT NULL DEFAULT 4,
          created_at INTEGER NOT NULL,
          updated_at INTEGER NOT NULL
        );
        CREATE TABLE campaigns (
          id TEXT PRIMARY KEY NOT NULL,
          name TEXT NOT NULL UNIQUE,
          template TEXT NOT NULL,
          segments TEXT NOT NULL,
          excluded TEXT NOT NULL DEFAULT '[]',
          transactional INTEGER NOT NULL DEFAULT 0,
          scheduled_at INTEGER,
          rate_per_second INTEGER,
          send_time TEXT NOT NULL DEFAULT 'now',
          state TEXT NOT NULL CHECK (state IN ('draft', 'scheduled', 'sending', 'paused', 'sent', 'cancelled')),
          audience INTEGER,
          created_at INTEGER NOT NULL,
          updated_at INTEGER NOT NULL,
          started_at INTEGER,
          finished_at INTEGER
        );
        CREATE TABLE campaign_recipients (
          campaign_id TEXT NOT NULL,
          profile_id TEXT NOT NULL,
          status TEXT NOT NULL CHECK (status IN ('pending', 'queued', 'skipped', 'cancelled')),
          reason TEXT,
          updated_at INTEGER NOT NULL,
          PRIMARY KEY (campaign_id, profile_id)
        ) WITHOUT ROWID;
        CREATE INDEX mail_outbox_campaign ON mail_outbox(campaign, status);
        """
}
