import GRDB
import TailorStore

extension SQLiteMigrations {
    /// `0004_mail`: the mail outbox and the suppression list (docs/MAIL.md, docs/STORAGE.md).
    ///
    /// `mail_outbox.sealed` holds the recipient, the sender and the message, sealed with `FieldCipher`,
    /// until the message is final; `recipient_index` is the recipient's blind index. A leased message is
    /// `sending` with `next_attempt_at` = the end of its lease, so one index finds both due and expired work.
    static func registerMail(_ migrator: inout DatabaseMigrator) {
        migrator.registerMigration("0004_mail") { db in
            try db.execute(sql: """
                CREATE TABLE mail_outbox (
                  id INTEGER PRIMARY KEY AUTOINCREMENT,
                  idempotency_key TEXT NOT NULL UNIQUE,
                  profile_id TEXT NOT NULL,
                  campaign TEXT,
                  recipient_index TEXT NOT NULL,
                  sealed BLOB,
                  status TEXT NOT NULL CHECK (status IN ('queued', 'sending', 'sent', 'failed', 'suppressed')),
                  attempts INTEGER NOT NULL DEFAULT 0,
                  next_attempt_at INTEGER NOT NULL,
                  lease_owner TEXT,
                  created_at INTEGER NOT NULL,
                  updated_at INTEGER NOT NULL,
                  sent_at INTEGER,
                  last_error TEXT
                );
                CREATE INDEX mail_outbox_due ON mail_outbox(next_attempt_at, id) WHERE status IN ('queued', 'sending');
                CREATE INDEX mail_outbox_status ON mail_outbox(status, id);
                CREATE INDEX mail_outbox_profile ON mail_outbox(profile_id);
                CREATE TABLE mail_suppressions (
                  email_index TEXT PRIMARY KEY NOT NULL,
                  reason TEXT NOT NULL CHECK (reason IN ('hard_bounce', 'complaint', 'unsubscribe', 'manual')),
                  source TEXT,
                  created_at INTEGER NOT NULL
                ) WITHOUT ROWID;
                """)
        }
    }
}
