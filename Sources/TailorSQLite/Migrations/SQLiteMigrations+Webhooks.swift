extension SQLiteMigrations {
    /// `0013_journey_waits_webhooks`: the timeout of a run's `wait_for` step, the claim PostgreSQL servers put on
    /// due runs (unused here: one process moves runs), webhook subscriptions, and the
    /// durable queue of webhook calls (docs/WEBHOOKS.md). Secrets and bodies are sealed (`sealed`).
    static let webhooks = """
        ALTER TABLE journey_runs ADD COLUMN deadline_at INTEGER;
        ALTER TABLE journey_runs ADD COLUMN claimed_until INTEGER;
        CREATE TABLE webhooks (
          id TEXT PRIMARY KEY NOT NULL,
          url TEXT NOT NULL,
          events TEXT NOT NULL,
          segment_id TEXT,
          sealed BLOB,
          created_at INTEGER NOT NULL
        );
        CREATE TABLE webhook_calls (
          id INTEGER PRIMARY KEY AUTOINCREMENT,
          call_key TEXT NOT NULL UNIQUE,
          webhook_id TEXT,
          journey_id TEXT,
          profile_id TEXT,
          url TEXT NOT NULL,
          sealed BLOB,
          state TEXT NOT NULL CHECK (state IN ('pending', 'delivered', 'failed')),
          attempts INTEGER NOT NULL DEFAULT 0,
          next_attempt_at INTEGER,
          last_status INTEGER,
          last_error TEXT,
          created_at INTEGER NOT NULL,
          updated_at INTEGER NOT NULL
        );
        CREATE INDEX webhook_calls_due ON webhook_calls(next_attempt_at) WHERE state = 'pending';
        CREATE INDEX webhook_calls_webhook ON webhook_calls(webhook_id, id);
        """
}
