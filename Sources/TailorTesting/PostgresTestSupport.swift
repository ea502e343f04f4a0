import Foundation
import TailorPostgres
import TailorStore

/// Creates and drops throwaway PostgreSQL databases for tests.
enum PostgresTestSupport {
    /// A new, empty database on the server that `serverURL` names, opened as a ``PostgresDatabase`` (not
    /// migrated), and a closure that closes it and drops the database.
    static func freshDatabase(serverURL: String, cipher: FieldCipher) async throws -> (any TailorDatabase, @Sendable () async throws -> Void) {
        let (database, drop, _) = try await freshDatabaseWithURL(serverURL: serverURL, cipher: cipher)
        return (database, drop)
    }

    /// ``freshDatabase(serverURL:cipher:)`` with the new database's URL (for tools such as `pg_dump`).
    static func freshDatabaseWithURL(serverURL: String, cipher: FieldCipher) async throws
        -> (any TailorDatabase, @Sendable () async throws -> Void, String) {
        let name = "tailor_test_" + UUID().uuidString.replacingOccurrences(of: "-", with: "").lowercased()
        try await PostgresServer.createDatabase(serverURL: serverURL, name: name)
        let database: PostgresDatabase
        let url: String
        do {
            url = try PostgresServer.url(serverURL, database: name)
            database = try await PostgresDatabase(url: url, cipher: cipher, maximumConnections: 4)
        } catch {
            try? await PostgresServer.dropDatabase(serverURL: serverURL, name: name)
            throw error
        }
        return (database, {
            try await database.close()
            try await PostgresServer.dropDatabase(serverURL: serverURL, name: name)
        }, url)
    }
}
