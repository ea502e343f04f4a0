import CTailorSQLite
import TailorStore

// MARK: - The WAL-gathering VFS

extension SQLiteDatabase {
    /// Makes SQLite's default VFS the one that gathers each WAL commit's writes into one write instead of two
    /// per page (Sources/CTailorSQLite/wal_buffer.c), for every SQLite connection the process opens after.
    static func gatherWALWrites() throws {
        let code = tailor_wal_buffer_register()
        guard code == 0 else { throw StoreError(.backend, "cannot register the WAL-gathering SQLite VFS (SQLite code \(code))") }
    }

    /// How many write calls gathering has saved in this process.
    static var walWritesGathered: Int64 { Int64(tailor_wal_buffer_writes_gathered()) }
}
