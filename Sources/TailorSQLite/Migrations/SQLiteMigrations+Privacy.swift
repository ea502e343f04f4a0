extension SQLiteMigrations {
    /// `0011_privacy`: erasure receipts, the profile ids they erased, the tombstones of erased identities and
    /// the access log (docs/PRIVACY.md). No table holds personal data: tombstones are keyed hashes, receipts
    /// hold counts.
    ///
    /// The consent ledger's delete trigger is replaced by one that lets an erasure through: a DELETE of an
    /// entry is refused unless the entry's profile has an erasure receipt (written first, in the erasure's own
    /// transaction). Updates stay refused whatever happens.
    static let privacy = """
        CREATE TABLE privacy_erasures (
          id TEXT PRIMARY KEY NOT NULL,
          profile_id TEXT NOT NULL UNIQUE,
          erased_at INTEGER NOT NULL,
          counts TEXT NOT NULL,
          suppressed INTEGER NOT NULL,
          tombstones INTEGER NOT NULL,
          backend TEXT NOT NULL,
          reclaim TEXT,
          reclaimed_at INTEGER
        );
        CREATE TABLE privacy_erased_profiles (
          profile_id TEXT PRIMARY KEY NOT NULL,
          erasure_id TEXT NOT NULL REFERENCES privacy_erasures(id)
        ) WITHOUT ROWID;
        CREATE TABLE privacy_tombstones (
          identity_key TEXT PRIMARY KEY NOT NULL,
          erasure_id TEXT NOT NULL REFERENCES privacy_erasures(id)
        ) WITHOUT ROWID;
        CREATE TABLE privacy_access_log (
          id INTEGER PRIMARY KEY AUTOINCREMENT,
          profile_id TEXT NOT NULL,
          at INTEGER NOT NULL,
          actor TEXT NOT NULL,
          action TEXT NOT NULL,
          purpose TEXT
        );
        CREATE INDEX privacy_access_log_profile ON privacy_access_log(profile_id, id);
        DROP TRIGGER consent_ledger_no_delete;
        CREATE TRIGGER consent_ledger_no_delete BEFORE DELETE ON consent_ledger
          WHEN NOT EXISTS (SELECT 1 FROM privacy_erased_profiles WHERE profile_id = OLD.profile_id)
          BEGIN SELECT RAISE(ABORT, 'the consent ledger is append-only'); END;
        """
}
