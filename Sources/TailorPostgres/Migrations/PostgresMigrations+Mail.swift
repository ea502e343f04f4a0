import TailorStore
extension PostgresMigrations {
    /// `0004_mail`: the mail outbox and the suppression list; the same tables as SQLite's
    /// (`SQLiteMigrations.registerMail`). Workers claim with `FOR UPDATE SKIP LOCKED` on the partial
    /// index of due work.
    static let mail = Migration(name: "0004_mail", statements: [
        """
        CREATE TABLE mail_outbox (
          id BIGSERIAL PRIMARY KEY,
          idempotency_key TEXT COLLATE "C" NOT NULL UNIQUE,
          profile_id TEXT COLLATE "C" NOT NULL,
          campaign TEXT COLLATE "C",
          recipient_index TEXT COLLATE "C" NOT NULL,
          sealed BYTEA,
          status TEXT NOT NULL CHECK (status IN ('queued', 'sending', 'sent', 'failed', 'suppressed')),
          attempts INTEGER NOT NULL DEFAULT 0,
          next_attempt_at BIGINT NOT NULL,
          lease_owner TEXT,
          created_at BIGINT NOT NULL,
          updated_at BIGINT NOT NULL,
          sent_at BIGINT,
          last_error TEXT
        )
        """,
        "CREATE INDEX mail_outbox_due ON mail_outbox(next_attempt_at, id) WHERE status IN ('queued', 'sending')",
        "CREATE INDEX mail_outbox_status ON mail_outbox(status, id)",
        "CREATE INDEX mail_outbox_profile ON mail_outbox(profile_id)",
        """
        CREATE TABLE mail_suppressions (
          email_index TEXT COLLATE "C" PRIMARY KEY,
          reason TEXT NOT NULL CHECK (reason IN ('hard_bounce', 'complaint', 'unsubscribe', 'manual')),
          source TEXT,
          created_at BIGINT NOT NULL
        )
        """,
    ])
}
