public import Foundation
import GRDB
public import TailorCore
public import TailorStore

// MARK: - Outbox

// MARK: - OutboxStore

extension SQLiteDatabase {
    public func enqueue(_ messages: [OutboxMessage], at now: Date) async throws -> Int {
        guard !messages.isEmpty else { return 0 }
        let rows = try sealOutbox(messages)
        let nowMs = now.millisecondsSince1970
        return try await durableWrite { db in try Self.insertOutbox(rows, nowMs: nowMs, db: db) }
    }

    /// Messages sealed and hashed for ``insertOutbox(_:nowMs:db:)``: done before the writer is taken.
    func sealOutbox(_ messages: [OutboxMessage]) throws -> [SealedOutboxMessage] {
        let cipher = self.cipher
        return try messages.map { m in
            SealedOutboxMessage(message: m, sealed: try OutboxContent.seal(m, cipher: cipher),
                                recipientIndex: cipher.storageKey(Identity(.email, m.recipient)))
        }
    }

    /// Queues sealed messages in the caller's transaction; a key queued already is skipped. Returns how many were queued.
    static func insertOutbox(_ rows: [SealedOutboxMessage], nowMs: Int64, db: Database) throws -> Int {
        let insert = try db.cachedStatement(sql: """
            INSERT INTO mail_outbox (idempotency_key, profile_id, campaign, recipient_index, sealed, status, attempts, next_attempt_at,
                                     created_at, updated_at, variant)
            VALUES (?, ?, ?, ?, ?, 'queued', 0, ?, ?, ?, ?)
            ON CONFLICT (idempotency_key) DO NOTHING
            """)
        var queued = 0
        for row in rows {
            let m = row.message
            try insert.execute(arguments: [m.idempotencyKey, m.profileID.rawValue, m.campaign, row.recipientIndex, row.sealed,
                                           max(nowMs, m.notBefore?.millisecondsSince1970 ?? nowMs), nowMs, nowMs, m.variant])
            queued += db.changesCount
        }
        return queued
    }

    public func claim(limit: Int, worker: String, lease: Duration, at now: Date) async throws -> [ClaimedMessage] {
        guard limit > 0 else { return [] }
        let nowMs = now.millisecondsSince1970
        let until = nowMs + max(1, lease.milliseconds)
        let cipher = self.cipher
        // SQLite has one writer: selecting and leasing in one write transaction is atomic, so two workers
        // (in this process or another) never lease the same row.
        // INDEXED BY: left to itself the planner takes mail_outbox_status and sorts every queued row, sealed
        // message included, to return the first `limit`: each claim then reads the whole queue, so a drain was
        // quadratic in it (140-330 ms a claim with 51,000 queued; 1 ms through the due index).
        let rows = try await durableWrite { db -> [ClaimedRow] in
            let rows = try Row.fetchAll(db, sql: """
                SELECT id, idempotency_key, profile_id, campaign, recipient_index, sealed, attempts + 1, variant
                FROM mail_outbox INDEXED BY mail_outbox_due
                WHERE status IN ('queued', 'sending') AND next_attempt_at <= ?
                  AND (campaign IS NULL OR campaign NOT IN (SELECT id FROM campaigns WHERE state IN ('paused', 'cancelled')))
                ORDER BY next_attempt_at, id LIMIT ?
                """, arguments: [nowMs, limit])
            guard !rows.isEmpty else { return [] }
            let update = try db.cachedStatement(sql: """
                UPDATE mail_outbox SET status = 'sending', lease_owner = ?, next_attempt_at = ?, attempts = attempts + 1, updated_at = ?
                WHERE id = ?
                """)
            for row in rows { try update.execute(arguments: [worker, until, nowMs, row[0] as Int64]) }
            return rows.map { ClaimedRow(id: $0[0], idempotencyKey: $0[1], profileID: $0[2], campaign: $0[3], recipientIndex: $0[4],
                                         sealed: $0[5], attempts: $0[6], variant: $0[7]) }
        }
        return try rows.map { row in
            guard let sealed = row.sealed else { throw StoreError(.corruptRow, "a claimable outbox message has no content") }
            let content = try OutboxContent.open(sealed, cipher: cipher)
            return ClaimedMessage(id: row.id, idempotencyKey: row.idempotencyKey, profileID: ProfileID(row.profileID), campaign: row.campaign,
                                  sender: content.sender, recipient: content.recipient, recipientIndex: row.recipientIndex,
                                  data: content.data, attempts: row.attempts, variant: row.variant)
        }
    }

    /// An outbox message with its sealed content and its recipient's blind index.
    struct SealedOutboxMessage: Sendable {
        var message: OutboxMessage
        var sealed: Data
        var recipientIndex: String
    }

    /// A leased outbox row as read in the write transaction, still sealed.
    private struct ClaimedRow: Sendable {
        var id: Int64, idempotencyKey: String, profileID: String, campaign: String?, recipientIndex: String, sealed: Data?, attempts: Int
        var variant: String?
    }

    @discardableResult
    public func complete(_ outcomes: [OutboxOutcome], worker: String, at now: Date) async throws -> Int {
        guard !outcomes.isEmpty else { return 0 }
        let nowMs = now.millisecondsSince1970
        return try await durableWrite { db in
            // Final states drop the sealed message: it is not needed any more and holds personal data.
            let final = try db.cachedStatement(sql: """
                UPDATE mail_outbox SET status = ?, sealed = NULL, lease_owner = NULL, updated_at = ?, sent_at = ?, last_error = ?
                WHERE id = ? AND status = 'sending' AND lease_owner = ?
                """)
            let retry = try db.cachedStatement(sql: """
                UPDATE mail_outbox SET status = 'queued', lease_owner = NULL, next_attempt_at = ?, updated_at = ?, last_error = ?
                WHERE id = ? AND status = 'sending' AND lease_owner = ?
                """)
            var recorded = 0
            for outcome in outcomes {
                let detail = OutboxContent.detail(outcome.detail)
                switch outcome.kind {
                case .retry(let at):
                    try retry.execute(arguments: [at.millisecondsSince1970, nowMs, detail, outcome.id, worker])
                default:
                    let sentAt: Int64? = outcome.kind == .sent ? nowMs : nil
                    try final.execute(arguments: [outcome.status.rawValue, nowMs, sentAt, detail, outcome.id, worker])
                }
                recorded += db.changesCount
            }
            return recorded
        }
    }

    public func outboxRecord(key: String) async throws -> OutboxRecord? {
        try await pool.read { db in
            try Row.fetchOne(db, sql: "SELECT \(Self.outboxColumns) FROM mail_outbox WHERE idempotency_key = ?", arguments: [key])
                .map(Self.outboxRecord)
        }
    }

    public func outboxCounts() async throws -> [OutboxStatus: Int] {
        try await pool.read { db in
            var counts: [OutboxStatus: Int] = [:]
            for row in try Row.fetchAll(db, sql: "SELECT status, COUNT(*) FROM mail_outbox GROUP BY status") {
                if let status = OutboxStatus(rawValue: row[0]) { counts[status] = row[1] }
            }
            return counts
        }
    }

    public func outboxRecords(status: OutboxStatus, after: Int64?, limit: Int) async throws -> [OutboxRecord] {
        try await pool.read { db in
            try Row.fetchAll(db, sql: """
                SELECT \(Self.outboxColumns) FROM mail_outbox WHERE status = ? AND id > ? ORDER BY id LIMIT ?
                """, arguments: [status.rawValue, after ?? 0, limit]).map(Self.outboxRecord)
        }
    }

    public func outboxRecords(of profile: ProfileID) async throws -> [OutboxRecord] {
        try await pool.read { db in
            try Row.fetchAll(db, sql: """
                SELECT \(Self.outboxColumns) FROM mail_outbox
                WHERE profile_id = ? OR profile_id IN (SELECT id FROM profiles WHERE merged_into = ?) ORDER BY id
                """, arguments: [profile.rawValue, profile.rawValue]).map(Self.outboxRecord)
        }
    }

    static let outboxColumns = """
        id, idempotency_key, profile_id, campaign, recipient_index, status, attempts, next_attempt_at, created_at, sent_at, last_error, \
        sealed IS NOT NULL
        """

    static func outboxRecord(_ row: Row) throws -> OutboxRecord {
        guard let status = OutboxStatus(rawValue: row[5]) else { throw StoreError(.corruptRow, "unknown outbox status") }
        return OutboxRecord(
            id: row[0], idempotencyKey: row[1], profileID: ProfileID(row[2] as String), campaign: row[3], recipientIndex: row[4],
            status: status, attempts: row[6], nextAttemptAt: Date(millisecondsSince1970: row[7]),
            createdAt: Date(millisecondsSince1970: row[8]), sentAt: (row[9] as Int64?).map { Date(millisecondsSince1970: $0) },
            lastError: row[10], hasContent: row[11])
    }
}
