import TailorStore

extension PostgresMigrations {
    /// `0011_privacy`: as SQLite's (`SQLiteMigrations.privacy`). The consent ledger keeps refusing updates and
    /// truncation; a DELETE of an entry is let through only when the entry's profile has an erasure receipt.
    static let privacy = Migration(name: "0011_privacy", statements: [
        """
        CREATE TABLE privacy_erasures (
          id TEXT COLLATE "C" PRIMARY KEY,
          profile_id TEXT COLLATE "C" NOT NULL UNIQUE,
          erased_at BIGINT NOT NULL,
          counts TEXT NOT NULL,
          suppressed BIGINT NOT NULL,
          tombstones BIGINT NOT NULL,
          backend TEXT NOT NULL,
          reclaim TEXT,
          reclaimed_at BIGINT
        )
        """,
        """
        CREATE TABLE privacy_erased_profiles (
          profile_id TEXT COLLATE "C" PRIMARY KEY,
          erasure_id TEXT COLLATE "C" NOT NULL REFERENCES privacy_erasures(id)
        )
        """,
        """
        CREATE TABLE privacy_tombstones (
          identity_key TEXT COLLATE "C" PRIMARY KEY,
          erasure_id TEXT COLLATE "C" NOT NULL REFERENCES privacy_erasures(id)
        )
        """,
        """
        CREATE TABLE privacy_access_log (
          id BIGSERIAL PRIMARY KEY,
          profile_id TEXT COLLATE "C" NOT NULL,
          at BIGINT NOT NULL,
          actor TEXT NOT NULL,
          action TEXT NOT NULL,
          purpose TEXT
        )
        """,
        "CREATE INDEX privacy_access_log_profile ON privacy_access_log(profile_id, id)",
        "DROP TRIGGER consent_ledger_append_only ON consent_ledger",
        """
        CREATE TRIGGER consent_ledger_no_update BEFORE UPDATE ON consent_ledger
          FOR EACH ROW EXECUTE FUNCTION tailor_append_only()
        """,
        """
        CREATE FUNCTION tailor_consent_erasure_only() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
          IF EXISTS (SELECT 1 FROM privacy_erased_profiles WHERE profile_id = OLD.profile_id) THEN
            RETURN OLD;
          END IF;
          RAISE EXCEPTION 'the consent ledger is append-only';
        END
        $$
        """,
        """
        CREATE TRIGGER consent_ledger_no_delete BEFORE DELETE ON consent_ledger
          FOR EACH ROW EXECUTE FUNCTION tailor_consent_erasure_only()
        """,
    ])
}
