public import Foundation
import GRDB
public import TailorCore
public import TailorStore

// MARK: - PrivacyStore

extension SQLiteDatabase {
    /// The erasure runs on the writer with `secure_delete` on, so every page it frees or changes is written back
    /// with the deleted content zeroed (the setting the connection had is restored after).
    public func erase(_ profile: ProfileID, request: ErasureRequest) async throws -> ErasureReceipt? {
        let cipher = self.cipher
        let outcome = try await pool.writeWithoutTransaction { db -> ErasureRun.Outcome? in
            let before = try Int.fetchOne(db, sql: "PRAGMA secure_delete") ?? 0
            try db.execute(sql: "PRAGMA secure_delete = ON")
            defer { try? db.execute(sql: "PRAGMA secure_delete = \(before)") }
            var run = ErasureRun(profile: profile, request: request, backend: "sqlite", hash: { cipher.blindIndex($0) })
            try db.inTransaction {
                try self.drive(&run, db)
                return .commit
            }
            return run.outcome
        }
        try await walSyncer?.sync()
        switch outcome {
        case .erased(let receipt), .existing(let receipt): return receipt
        case .notFound, nil: return nil
        }
    }

    /// The freed pages were zeroed in the erasure's transaction; what remains is the WAL, which still holds the
    /// frames written before it. A TRUNCATE checkpoint copies the WAL into the database file (the zeroed
    /// pages over the old ones) and empties it. It waits for readers (the busy timeout) and is tried a few times.
    public func reclaimErasedSpace(_ erasure: String, at now: Date) async throws -> ErasureReceipt {
        let how = "secure_delete; wal_checkpoint(TRUNCATE)"
        try await durableWrite { db in try self.execute(PrivacySQL.recordReclaim(erasure, how: how, at: now), db) }
        var lastError: (any Error)?
        for attempt in 0..<5 {
            do {
                let result = try await pool.writeWithoutTransaction { db in try db.checkpoint(.truncate) }
                if result.walFrameCount == 0 || result.walFrameCount == result.checkpointedFrameCount {
                    lastError = nil
                    break
                }
                lastError = StoreError(.backend, "SQLite: the WAL could not be checkpointed completely")
            } catch {
                lastError = error
            }
            try await Task.sleep(nanoseconds: UInt64(50_000_000 << attempt))
        }
        if let lastError {
            try await durableWrite { db in try self.execute(PrivacySQL.recordReclaim(erasure, how: nil, at: nil), db) }
            throw StoreError(.backend, "SQLite: checkpointing after an erasure failed: \(lastError)")
        }
        let rows = try await readStep(ErasureRun.receiptQuery(id: erasure))
        guard let row = rows.first else { throw StoreError(.corruptRow, "privacy_erasures: no receipt \(erasure)") }
        return try ErasureRun.receipt(row)
    }

    public func erasureReceipt(_ reference: ProfileReference) async throws -> ErasureReceipt? {
        let cipher = self.cipher
        let query = PrivacySQL.receiptQuery(reference, storageKey: { cipher.storageKey($0) }, hash: { cipher.blindIndex($0) })
        return try await readStep(query).first.map(ErasureRun.receipt)
    }

    public func recordAccess(_ entries: [AccessLogEntry]) async throws {
        guard !entries.isEmpty else { return }
        try await durableWrite { db in
            for e in entries { try self.execute(PrivacySQL.insertAccess(e), db) }
        }
    }

    public func accessLog(of profile: ProfileID) async throws -> [AccessLogEntry] {
        try await readStep(PrivacySQL.accessLogQuery(profile)).map(PrivacySQL.accessEntry)
    }

    // MARK: - Portable statements

    private func execute(_ statement: StepSQL, _ db: Database) throws {
        try db.cachedStatement(sql: statement.sql).execute(arguments: stepArguments(statement.values))
    }

    private func readStep(_ query: StepSQL) async throws -> [StepRow] {
        try await pool.read { db in try Row.fetchAll(db, sql: query.sql, arguments: self.stepArguments(query.values)).map(Self.stepRow) }
    }
}
