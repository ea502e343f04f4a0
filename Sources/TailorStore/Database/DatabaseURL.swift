/// What a database URL names, read without opening it: `sqlite:PATH` (or a plain path) or `postgres://…`.
public enum DatabaseURL {
    /// Whether the URL names a PostgreSQL server (`postgres://` or `postgresql://`).
    public static func isPostgres(_ url: String) -> Bool {
        url.hasPrefix("postgres://") || url.hasPrefix("postgresql://")
    }

    /// The file path of a `sqlite:` URL (a plain path is taken as it is).
    public static func sqlitePath(_ url: String) -> String {
        if url.hasPrefix("sqlite://") { return String(url.dropFirst("sqlite://".count)) }
        if url.hasPrefix("sqlite:") { return String(url.dropFirst("sqlite:".count)) }
        return url
    }
}
