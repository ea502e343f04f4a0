public import TailorCore
public import TailorStore
import TailorPostgres
import TailorSQLite

/// Opens the database named by a URL: `sqlite:PATH` (or a plain path) or `postgres://…`. The one place
/// that names a backend; everything else takes the ports of the ``Stores`` it returns.
public enum DatabaseOpener {
    public static func open(url: String, cipher: FieldCipher, policy: PersonalDataPolicy = .default) async throws -> Stores {
        Stores(try await openDatabase(url: url, cipher: cipher, policy: policy))
    }

    /// The database itself, for what needs every port in one value (tests, wrappers).
    public static func openDatabase(url: String, cipher: FieldCipher, policy: PersonalDataPolicy = .default) async throws -> any TailorDatabase {
        if isPostgres(url) {
            return try await PostgresDatabase(url: url, cipher: cipher, policy: policy)
        }
        return try SQLiteDatabase(path: sqlitePath(url), cipher: cipher, policy: policy)
    }

    /// Whether the URL names a PostgreSQL server (`postgres://` or `postgresql://`).
    public static func isPostgres(_ url: String) -> Bool { DatabaseURL.isPostgres(url) }

    /// The file path of a `sqlite:` URL (a plain path is taken as it is).
    public static func sqlitePath(_ url: String) -> String { DatabaseURL.sqlitePath(url) }
}
