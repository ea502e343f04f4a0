extension SQLiteMigrations {
    /// `0008_journeys`: journeys and their runs (docs/JOURNEYS.md). At most one active run per journey,
    /// profile and key (a partial unique index); the due index holds active runs only.
    static let journeys = """
        CREATE TABLE journeys (
          id TEXT PRIMARY KEY NOT NULL,
          name TEXT NOT NULL UNIQUE,
          definition TEXT NOT NULL,
          state TEXT NOT NULL CHECK (state IN ('active', 'paused', 'archived')),
          created_at INTEGER NOT NULL,
          updated_at INTEGER NOT NULL
        );
        CREATE TABLE journey_runs (
          id INTEGER PRIMARY KEY AUTOINCREMENT,
          journey_id TEXT NOT NULL REFERENCES journeys(id),
          profile_id TEXT NOT NULL,
          run_key TEXT NOT NULL,
          state TEXT NOT NULL CHECK (state IN ('active', 'completed', 'exited')),
          step INTEGER NOT NULL,
          due_at INTEGER,
          entered_at INTEGER NOT NULL,
          trigger_message TEXT,
          exit_reason TEXT,
          updated_at INTEGER NOT NULL
        );
        CREATE UNIQUE INDEX journey_runs_active ON journey_runs(journey_id, profile_id, run_key) WHERE state = 'active';
        CREATE INDEX journey_runs_due ON journey_runs(due_at) WHERE state = 'active';
        CREATE INDEX journey_runs_profile ON journey_runs(profile_id, journey_id);
        """
}
