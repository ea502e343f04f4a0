public import Foundation
import PostgresNIO
public import TailorCore
public import TailorStore

// MARK: - PrivacyStore

extension PostgresDatabase {
    public func erase(_ profile: ProfileID, request: ErasureRequest) async throws -> ErasureReceipt? {
        let cipher = self.cipher
        let outcome = try await withContext("erasing a profile") {
            try await self.retrying {
                try await self.transaction { conn -> ErasureRun.Outcome? in
                    // Ingest locks the profiles it changes: holding them keeps new identities from joining meanwhile.
                    _ = try await self.rows("""
                        SELECT id FROM profiles WHERE id = \(profile.rawValue) OR merged_into = \(profile.rawValue) ORDER BY id FOR UPDATE
                        """, on: conn)
                    var run = ErasureRun(profile: profile, request: request, backend: "postgresql", hash: { cipher.blindIndex($0) })
                    try await self.drive(&run, conn)
                    return run.outcome
                }
            }
        }
        switch outcome {
        case .erased(let receipt), .existing(let receipt): return receipt
        case .notFound, nil: return nil
        }
    }

    /// Deleted rows stay in their pages until a vacuum removes them; this vacuums the tables the erasure
    /// touched (outside any transaction, as VACUUM must run), then records it on the receipt.
    public func reclaimErasedSpace(_ erasure: String, at now: Date) async throws -> ErasureReceipt {
        let tables = Array(Set(ErasureRun.tables + ["consent_ledger"])).sorted()
        try await withContext("vacuuming after an erasure") {
            try await self.client.withConnection { conn in
                try await conn.query(PostgresQuery(unsafeSQL: "VACUUM " + tables.joined(separator: ", ")), logger: self.logger)
            }
        }
        return try await withContext("recording an erasure's vacuum") {
            try await self.transaction { conn in
                let how = "VACUUM " + tables.joined(separator: ", ")
                try await self.drive(PrivacySQL.recordReclaim(erasure, how: how, at: now), conn)
                guard let row = try await self.read(ErasureRun.receiptQuery(id: erasure), conn).first else {
                    throw StoreError(.corruptRow, "privacy_erasures: no receipt \(erasure)")
                }
                return try ErasureRun.receipt(row)
            }
        }
    }

    public func erasureReceipt(_ reference: ProfileReference) async throws -> ErasureReceipt? {
        let cipher = self.cipher
        let query = PrivacySQL.receiptQuery(reference, storageKey: { PostgresText.clean(cipher.storageKey($0)) }, hash: { cipher.blindIndex($0) })
        return try await withContext("reading an erasure receipt") {
            try await self.client.withConnection { conn in try await self.read(query, conn).first.map(ErasureRun.receipt) }
        }
    }

    public func recordAccess(_ entries: [AccessLogEntry]) async throws {
        guard !entries.isEmpty else { return }
        try await withContext("recording access") {
            try await self.transaction { conn in
                for e in entries { try await self.drive(PrivacySQL.insertAccess(e), conn) }
            }
        }
    }

    public func accessLog(of profile: ProfileID) async throws -> [AccessLogEntry] {
        try await withContext("reading the access log") {
            try await self.client.withConnection { conn in
                try await self.read(PrivacySQL.accessLogQuery(profile), conn).map(PrivacySQL.accessEntry)
            }
        }
    }

    // MARK: - Portable statements

    private func drive(_ statement: StepSQL, _ conn: PostgresConnection) async throws {
        try await conn.query(try postgresQuery(statement), logger: logger)
    }

    private func read(_ query: StepSQL, _ conn: PostgresConnection) async throws -> [StepRow] {
        try await rows(try postgresQuery(query), on: conn).map(Self.stepRow)
    }
}
