import TailorStore

extension PostgresMigrations {
    /// `0013_journey_waits_webhooks`: as SQLite's (`SQLiteMigrations.webhooks`).
    static let webhooks = Migration(name: "0013_journey_waits_webhooks", statements: [
        "ALTER TABLE journey_runs ADD COLUMN deadline_at BIGINT",
        // A server that takes a page of due runs claims them until this time, so other servers take others.
        "ALTER TABLE journey_runs ADD COLUMN claimed_until BIGINT",
        """
        CREATE TABLE webhooks (
          id TEXT COLLATE "C" PRIMARY KEY,
          url TEXT NOT NULL,
          events TEXT NOT NULL,
          segment_id TEXT,
          sealed BYTEA,
          created_at BIGINT NOT NULL
        )
        """,
        """
        CREATE TABLE webhook_calls (
          id BIGSERIAL PRIMARY KEY,
          call_key TEXT COLLATE "C" NOT NULL UNIQUE,
          webhook_id TEXT COLLATE "C",
          journey_id TEXT,
          profile_id TEXT COLLATE "C",
          url TEXT NOT NULL,
          sealed BYTEA,
          state TEXT NOT NULL CHECK (state IN ('pending', 'delivered', 'failed')),
          attempts INTEGER NOT NULL DEFAULT 0,
          next_attempt_at BIGINT,
          last_status INTEGER,
          last_error TEXT,
          created_at BIGINT NOT NULL,
          updated_at BIGINT NOT NULL
        )
        """,
        "CREATE INDEX webhook_calls_due ON webhook_calls(next_attempt_at) WHERE state = 'pending'",
        "CREATE INDEX webhook_calls_webhook ON webhook_calls(webhook_id, id)",
        // A statement that starts or moves journey runs tells the servers listening (`LISTEN
        // tailor_journey_runs`) the earliest due time it set, in milliseconds, at commit: a server wakes only
        // when that is earlier than it planned to.
        """
        CREATE FUNCTION tailor_journey_runs_notify() RETURNS trigger LANGUAGE plpgsql AS $$
        DECLARE earliest BIGINT;
        BEGIN
          SELECT MIN(due_at) INTO earliest FROM changed_runs WHERE state = 'active' AND claimed_until IS NULL;
          IF earliest IS NOT NULL THEN
            PERFORM pg_notify('tailor_journey_runs', earliest::text);
          END IF;
          RETURN NULL;
        END
        $$
        """,
        """
        CREATE TRIGGER journey_runs_inserted AFTER INSERT ON journey_runs REFERENCING NEW TABLE AS changed_runs
        FOR EACH STATEMENT EXECUTE FUNCTION tailor_journey_runs_notify()
        """,
        """
        CREATE TRIGGER journey_runs_updated AFTER UPDATE ON journey_runs REFERENCING NEW TABLE AS changed_runs
        FOR EACH STATEMENT EXECUTE FUNCTION tailor_journey_runs_notify()
        """,
    ])
}
