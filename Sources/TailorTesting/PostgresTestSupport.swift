import Foundation
import TailorPostgres
import TailorStore

/// Creates and drops throwaway PostgreSQL databases for tests.
enum PostgresTestSupport {
    /// A new, empty database on the server that `serverURL` names, opened as a ``PostgresDatabase`` (not
    /// migrated), and a closure that closes it and drops the database.
    static func freshDatabase(serverURL: String, cipher: FieldCipher) async throws -> (any TailorDatabase, @Sendable () async throws -> Void) {
        let name = "tailor_test_" + UUID().uuidString.replacingOccurrences(of: "-", with: "").lowercased()
        try await PostgresServer.createDatabase(serverURL: serverURL, name: name)
        let database: PostgresDatabase
        do {
            database = try await PostgresDatabase(url: try PostgresServer.url(serverURL, database: name), cipher: cipher, maximumConnections: 4)
        } catch {
            try? await PostgresServer.dropDatabase(serverURL: serverURL, name: name)
            throw error
        }
        return (database, {
            try await database.close()
            try await PostgresServer.dropDatabase(serverURL: serverURL, name: name)
        })
    }
}
