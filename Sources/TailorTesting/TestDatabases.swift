public import Foundation
public import TailorCore
public import TailorStore
import TailorPostgres
import TailorSQLite

/// The database backends the conformance suites run against.
///
/// SQLite always runs. PostgreSQL runs when `TAILOR_TEST_POSTGRES_URL` names a server (`scripts/test`
/// starts a throwaway one); under CI (`CI=true`) it is always listed, so a missing server fails the
/// run instead of skipping silently.
public enum TestBackend: String, CaseIterable, Sendable, CustomStringConvertible {
    case sqlite, postgres

    public var description: String { rawValue }

    public static var postgresURL: String? {
        ProcessInfo.processInfo.environment["TAILOR_TEST_POSTGRES_URL"].flatMap { $0.isEmpty ? nil : $0 }
    }

    public static var available: [TestBackend] {
        let ci = ProcessInfo.processInfo.environment["CI"] == "true"
        return postgresURL != nil || ci ? [.sqlite, .postgres] : [.sqlite]
    }
}

/// A throwaway database for one test: a fresh SQLite file, or a fresh PostgreSQL database.
public final class TestDatabase: Sendable {
    /// Every port in one value (what `GatedDatabase` wraps).
    public let database: any TailorDatabase
    /// The database's ports, as the services take them.
    public var stores: Stores { Stores(database) }
    public let cipher: FieldCipher
    public let backend: TestBackend
    /// The SQLite file, for tests that read the raw bytes.
    public let sqlitePath: String?
    /// The PostgreSQL database's URL, for tests that dump it.
    public let postgresURL: String?
    let cleanup: @Sendable () async throws -> Void

    init(database: any TailorDatabase, cipher: FieldCipher, backend: TestBackend, sqlitePath: String?, postgresURL: String? = nil,
         cleanup: @escaping @Sendable () async throws -> Void) {
        self.database = database
        self.cipher = cipher
        self.backend = backend
        self.sqlitePath = sqlitePath
        self.postgresURL = postgresURL
        self.cleanup = cleanup
    }

    /// Opens a migrated database, runs `body`, and drops the database whatever happens.
    /// At most ``TestDatabaseSlots`` databases are open at once; a test waits for a slot.
    public static func with<T>(_ backend: TestBackend, _ body: (TestDatabase) async throws -> T) async throws -> T {
        try await TestDatabaseSlots.shared.withSlot {
            let test = try await make(backend)
            do {
                let result = try await body(test)
                try await test.close()
                return result
            } catch {
                try? await test.close()
                throw error
            }
        }
    }

    public static func make(_ backend: TestBackend) async throws -> TestDatabase {
        let cipher = FieldCipher(masterKey: FieldCipher.generateMasterKey())
        switch backend {
        case .sqlite:
            let dir = FileManager.default.temporaryDirectory.appendingPathComponent("tailor-test-\(UUID().uuidString)")
            try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
            let path = dir.appendingPathComponent("test.db").path
            let db = try SQLiteDatabase(path: path, cipher: cipher, durable: false)
            try await db.migrate()
            return TestDatabase(database: db, cipher: cipher, backend: .sqlite, sqlitePath: path) {
                try? FileManager.default.removeItem(at: dir)
            }
        case .postgres:
            guard let url = TestBackend.postgresURL else {
                throw StoreError(.backend, "TAILOR_TEST_POSTGRES_URL is not set: scripts/test starts a PostgreSQL for these tests")
            }
            let (db, drop, databaseURL) = try await PostgresTestSupport.freshDatabaseWithURL(serverURL: url, cipher: cipher)
            try await db.migrate()
            return TestDatabase(database: db, cipher: cipher, backend: .postgres, sqlitePath: nil, postgresURL: databaseURL, cleanup: drop)
        }
    }

    public func close() async throws {
        try await database.close()
        try await cleanup()
    }
}
