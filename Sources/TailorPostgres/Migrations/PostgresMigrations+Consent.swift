import TailorStore

extension PostgresMigrations {
    /// `0007_consent`: the consent ledger, as SQLite's (`SQLiteMigrations.consent`); the database itself
    /// refuses updates, deletes and truncation of it.
    static let consent = Migration(name: "0007_consent", statements: [
        """
        CREATE TABLE consent_ledger (
          id BIGSERIAL PRIMARY KEY,
          profile_id TEXT COLLATE "C" NOT NULL,
          purpose TEXT NOT NULL CHECK (purpose IN ('email_marketing', 'personalization', 'analytics')),
          status TEXT NOT NULL CHECK (status IN ('granted', 'denied', 'withdrawn')),
          decided_at BIGINT NOT NULL,
          source TEXT NOT NULL,
          lawful_basis TEXT NOT NULL,
          expires_at BIGINT,
          proof BYTEA,
          recorded_at BIGINT NOT NULL,
          entry_key TEXT COLLATE "C" UNIQUE
        )
        """,
        "CREATE INDEX consent_ledger_profile ON consent_ledger(profile_id, purpose, id)",
        """
        CREATE FUNCTION tailor_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
          RAISE EXCEPTION 'the consent ledger is append-only';
        END
        $$
        """,
        """
        CREATE TRIGGER consent_ledger_append_only BEFORE UPDATE OR DELETE ON consent_ledger
          FOR EACH ROW EXECUTE FUNCTION tailor_append_only()
        """,
        """
        CREATE TRIGGER consent_ledger_no_truncate BEFORE TRUNCATE ON consent_ledger
          FOR EACH STATEMENT EXECUTE FUNCTION tailor_append_only()
        """,
    ])
}
