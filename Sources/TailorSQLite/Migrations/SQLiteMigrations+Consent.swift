import GRDB
import TailorStore

extension SQLiteMigrations {
    /// `0007_consent`: the consent ledger (docs/PRIVACY.md). Append-only: triggers refuse every update and
    /// delete. `proof` is sealed with `FieldCipher`. The partial index on `profiles.merged_into` lets reads
    /// follow merges to the entries recorded under merged-away profiles.
    static let consent = """
        CREATE TABLE consent_ledger (
          id INTEGER PRIMARY KEY AUTOINCREMENT,
          profile_id TEXT NOT NULL,
          purpose TEXT NOT NULL CHECK (purpose IN ('email_marketing', 'personalization', 'analytics')),
          status TEXT NOT NULL CHECK (status IN ('granted', 'denied', 'withdrawn')),
          decided_at INTEGER NOT NULL,
          source TEXT NOT NULL,
          lawful_basis TEXT NOT NULL,
          expires_at INTEGER,
          proof BLOB,
          recorded_at INTEGER NOT NULL,
          entry_key TEXT UNIQUE
        );
        CREATE INDEX consent_ledger_profile ON consent_ledger(profile_id, purpose, id);
        CREATE INDEX profiles_merged_into ON profiles(merged_into) WHERE merged_into IS NOT NULL;
        CREATE TRIGGER consent_ledger_no_update BEFORE UPDATE ON consent_ledger
          BEGIN SELECT RAISE(ABORT, 'the consent ledger is append-only'); END;
        CREATE TRIGGER consent_ledger_no_delete BEFORE DELETE ON consent_ledger
          BEGIN SELECT RAISE(ABORT, 'the consent ledger is append-only'); END;
        """
}
