import TailorStore
extension SQLiteMigrations {
    /// `0005_models`: traits the models compute per profile (cluster, predicted value, scores), replaced on
    /// each computation. `number` is indexed by name so that segments can select on them.
    static let models = """
        CREATE TABLE computed_traits (
          profile_id TEXT NOT NULL REFERENCES profiles(id),
          name TEXT NOT NULL,
          number REAL,
          text TEXT,
          updated_at INTEGER NOT NULL,
          PRIMARY KEY (profile_id, name)
        ) WITHOUT ROWID;
        CREATE INDEX computed_traits_name_number ON computed_traits(name, number);
        """
}
