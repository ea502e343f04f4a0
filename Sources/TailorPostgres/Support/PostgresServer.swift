import Foundation
import Logging
import PostgresNIO
import TailorStore

/// Administrative operations on a PostgreSQL server: creating and dropping whole databases (tests use a
/// fresh database each; operators can create Tailor's before the first `tailor migrate`).
public enum PostgresServer {
    /// Creates a database on the server that `serverURL` names (its database is only used to connect).
    /// - Parameter name: lowercase letters, digits and underscores, starting with a letter.
    /// - Throws: ``StoreError`` when the name is not plain or the server refuses.
    public static func createDatabase(serverURL: String, name: String) async throws {
        try checkName(name)
        try await withAdminConnection(serverURL) { conn, logger in
            // Identifiers cannot be bound as parameters; the name was checked to be plain above.
            try await conn.query(PostgresQuery(unsafeSQL: "CREATE DATABASE \(name) ENCODING 'UTF8' TEMPLATE template0"), logger: logger)
        }
    }

    /// Drops a database, disconnecting whoever still uses it. Nothing happens when it does not exist.
    public static func dropDatabase(serverURL: String, name: String) async throws {
        try checkName(name)
        try await withAdminConnection(serverURL) { conn, logger in
            try await conn.query(PostgresQuery(unsafeSQL: "DROP DATABASE IF EXISTS \(name) WITH (FORCE)"), logger: logger)
        }
    }

    /// The URL of another database on the same server.
    public static func url(_ serverURL: String, database: String) throws -> String {
        _ = try PostgresURL(serverURL)
        guard var components = URLComponents(string: serverURL) else {
            throw StoreError(.unsupportedURL, "a PostgreSQL URL looks like postgres://user:password@host:5432/database")
        }
        components.path = "/" + database
        guard let text = components.string else { throw StoreError(.unsupportedURL, "cannot build a PostgreSQL URL for another database") }
        return text
    }

    static func checkName(_ name: String) throws {
        let allowed = name.utf8.allSatisfy { ($0 >= 0x61 && $0 <= 0x7A) || ($0 >= 0x30 && $0 <= 0x39) || $0 == 0x5F }
        guard allowed, let first = name.utf8.first, first >= 0x61, first <= 0x7A, name.utf8.count <= 63 else {
            throw StoreError(.unsupportedURL, "database names are lowercase letters, digits and underscores (got \(name.utf8.count) characters)")
        }
    }

    static func withAdminConnection(_ serverURL: String, _ body: (PostgresConnection, Logger) async throws -> Void) async throws {
        let url = try PostgresURL(serverURL)
        var logger = Logger(label: "tailor.store.postgres.admin")
        logger.logLevel = .warning
        let conn: PostgresConnection
        do {
            conn = try await PostgresConnection.connect(configuration: try url.connectionConfiguration, id: 0, logger: logger)
        } catch {
            throw StoreError(.backend, "cannot connect to PostgreSQL at \(url.redacted): \(PostgresDatabase.describe(error))")
        }
        do {
            try await body(conn, logger)
            try await conn.close()
        } catch {
            try? await conn.close()
            throw StoreError(.backend, "PostgreSQL administration on \(url.redacted) failed: \(PostgresDatabase.describe(error))")
        }
    }
}
