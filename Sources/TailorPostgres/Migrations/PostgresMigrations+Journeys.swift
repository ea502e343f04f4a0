import TailorStore

extension PostgresMigrations {
    /// `0008_journeys`: as SQLite's (`SQLiteMigrations.journeys`).
    static let journeys = Migration(name: "0008_journeys", statements: [
        """
        CREATE TABLE journeys (
          id TEXT COLLATE "C" PRIMARY KEY,
          name TEXT NOT NULL UNIQUE,
          definition TEXT NOT NULL,
          state TEXT NOT NULL CHECK (state IN ('active', 'paused', 'archived')),
          created_at BIGINT NOT NULL,
          updated_at BIGINT NOT NULL
        )
        """,
        """
        CREATE TABLE journey_runs (
          id BIGSERIAL PRIMARY KEY,
          journey_id TEXT COLLATE "C" NOT NULL REFERENCES journeys(id),
          profile_id TEXT COLLATE "C" NOT NULL,
          run_key TEXT COLLATE "C" NOT NULL,
          state TEXT NOT NULL CHECK (state IN ('active', 'completed', 'exited')),
          step INTEGER NOT NULL,
          due_at BIGINT,
          entered_at BIGINT NOT NULL,
          trigger_message TEXT,
          exit_reason TEXT,
          updated_at BIGINT NOT NULL
        )
        """,
        "CREATE UNIQUE INDEX journey_runs_active ON journey_runs(journey_id, profile_id, run_key) WHERE state = 'active'",
        "CREATE INDEX journey_runs_due ON journey_runs(due_at) WHERE state = 'active'",
        "CREATE INDEX journey_runs_profile ON journey_runs(profile_id, journey_id)",
    ])
}
