import TailorStore
extension PostgresMigrations {
    /// `0005_models`: traits the models compute per profile (cluster, predicted value, scores), replaced on
    /// each computation. `number` is indexed by name so that segments can select on them.
    static let models = Migration(name: "0005_models", statements: [
        """
        CREATE TABLE computed_traits (
          profile_id TEXT COLLATE "C" NOT NULL REFERENCES profiles(id),
          name TEXT COLLATE "C" NOT NULL,
          number DOUBLE PRECISION,
          text TEXT,
          updated_at BIGINT NOT NULL,
          PRIMARY KEY (profile_id, name)
        )
        """,
        "CREATE INDEX computed_traits_name_number ON computed_traits(name, number)",
    ])
}
