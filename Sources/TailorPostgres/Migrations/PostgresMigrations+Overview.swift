import TailorStore

extension PostgresMigrations {
    /// `0015_overview`: as SQLite's (`SQLiteMigrations.overview`).
    static let overview = Migration(name: "0015_overview", statements: [
        "CREATE INDEX events_time ON events(timestamp)",
        "CREATE INDEX profiles_first_seen ON profiles((COALESCE(first_seen, created_at))) WHERE merged_into IS NULL",
    ])
}
