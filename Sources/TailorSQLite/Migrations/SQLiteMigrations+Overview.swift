extension SQLiteMigrations {
    /// `0015_overview`: the dashboard's overview counts events and new profiles per day of a date range
    /// (docs/REPORTS.md): an index on the events' time, and on when a profile was first seen.
    static let overview = """
        CREATE INDEX events_time ON events(timestamp);
        CREATE INDEX profiles_first_seen ON profiles(COALESCE(first_seen, created_at)) WHERE merged_into IS NULL;
        """
}
