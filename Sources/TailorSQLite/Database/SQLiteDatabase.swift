import Foundation
import GRDB
public import TailorCore
public import TailorStore

#if canImport(Glibc)
import Glibc
#endif

/// Tailor on an embedded SQLite file (GRDB, WAL): the default, for one node.
///
/// One writer at a time (SQLite's rule); a batch is planned and applied inside one write transaction, so
/// ingest never races with itself. Readers run concurrently on the pool.
public final class SQLiteDatabase: TailorDatabase {
    let pool: DatabasePool
    let cipher: FieldCipher
    let policy: PersonalDataPolicy
    public let path: String
    let segmentRuntime: SegmentRuntime
    public let eventSteps = EventStepRegistry()
    let checkpointer: SQLiteCheckpointer
    let ingestCache = SQLiteIngestCache(capacity: 100_000)
    /// Makes commits durable off the writer; `nil` when they need not survive a power loss (tests).
    let walSyncer: SQLiteWALSyncer?

    /// Opens (creating if needed) the database file.
    ///
    /// With `durable` (the default) every write returns once it would survive a power loss: the writer
    /// commits with `synchronous = NORMAL` (GRDB's setting for a pool) and ``SQLiteWALSyncer`` syncs the
    /// WAL behind it. Without, a write survives a crash of the process but maybe not a power loss.
    public convenience init(path: String, cipher: FieldCipher, policy: PersonalDataPolicy = .default, durable: Bool = true) throws {
        try self.init(path: path, cipher: cipher, policy: policy, durable: durable, walSync: { fdatasync($0) })
    }

    /// `walSync` syncs the WAL's file descriptor (`fdatasync`; tests make it fail).
    init(path: String, cipher: FieldCipher, policy: PersonalDataPolicy, durable: Bool,
         walSync: @escaping @Sendable (Int32) -> Int32) throws {
        try Self.gatherWALWrites()
        var config = Configuration()
        config.busyMode = .timeout(10)
        config.prepareDatabase { db in
            try db.execute(sql: "PRAGMA foreign_keys = ON")
            // 64 MB of page cache per connection: profile and identity lookups stay in memory.
            try db.execute(sql: "PRAGMA cache_size = -65536")
            // Checkpoints are the checkpointer's job; the writer's own is only a backstop.
            try db.execute(sql: "PRAGMA wal_autocheckpoint = \(SQLiteCheckpointer.writerBackstopPages)")
        }
        let directory = (path as NSString).deletingLastPathComponent
        if !directory.isEmpty { try? FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true) }
        do {
            pool = try DatabasePool(path: path, configuration: config)
        } catch {
            throw StoreError(.backend, "cannot open SQLite database at \(path): \(error)")
        }
        do {
            checkpointer = try SQLiteCheckpointer(path: path, writer: pool)
        } catch {
            throw StoreError(.backend, "cannot open SQLite database at \(path) for checkpoints: \(error)")
        }
        walSyncer = durable ? SQLiteWALSyncer(databasePath: path, sync: walSync) : nil
        self.cipher = cipher
        self.policy = policy
        self.path = path
        segmentRuntime = SegmentRuntime(policy: policy)
    }

    deinit {
        checkpointer.stop()
    }

    public func close() async throws {
        checkpointer.stop()
        try pool.close()
    }

    /// A write transaction that returns once it is committed and, unless the database was opened without
    /// `durable`, synced to disk (see ``SQLiteWALSyncer``). Every write of the store goes through it.
    func durableWrite<T: Sendable>(_ updates: @Sendable (Database) throws -> T) async throws -> T {
        let value = try await pool.write(updates)
        try await walSyncer?.sync()
        return value
    }
}
