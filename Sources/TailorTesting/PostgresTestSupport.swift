import Foundation
import TailorStore

/// Creates and drops throwaway PostgreSQL databases for tests.
enum PostgresTestSupport {
    static func freshDatabase(serverURL: String, cipher: FieldCipher) async throws -> (any TailorDatabase, @Sendable () async throws -> Void) {
        throw StoreError(.unsupportedURL, "PostgreSQL support is not built yet")
    }
}
