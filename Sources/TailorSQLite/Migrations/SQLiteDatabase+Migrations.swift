import GRDB
public import TailorStore

// MARK: - StoreLifecycle

extension SQLiteDatabase {
    @discardableResult
    public func migrate() async throws -> [String] {
        let migrator = SQLiteMigrations.migrator()
        let before = try await pool.read { db in try migrator.appliedMigrations(db) }
        try migrator.migrate(pool)
        let after = try await pool.read { db in try migrator.appliedMigrations(db) }
        return after.filter { !before.contains($0) }
    }

    public func counts() async throws -> StoreCounts {
        try await pool.read { db in
            StoreCounts(
                profiles: try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM profiles WHERE merged_into IS NULL") ?? 0,
                events: try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM events") ?? 0,
                products: try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM products") ?? 0,
                merges: try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM merges") ?? 0
            )
        }
    }
}
