public import Foundation
import PostgresNIO
public import TailorCore
public import TailorStore

// MARK: - Outbox

// MARK: - OutboxStore

extension PostgresDatabase {
    public func enqueue(_ messages: [OutboxMessage], at now: Date) async throws -> Int {
        guard !messages.isEmpty else { return 0 }
        return try await withContext("queuing mail") {
            try await self.client.withConnection { conn in
                try await self.insertOutbox(messages, nowMs: now.millisecondsSince1970, on: conn)
            }
        }
    }

    /// Queues messages on the caller's connection (and transaction, if one is open); a key queued already
    /// is skipped. Returns how many were queued.
    func insertOutbox(_ messages: [OutboxMessage], nowMs: Int64, on conn: PostgresConnection) async throws -> Int {
        guard !messages.isEmpty else { return 0 }
        // Repeated keys within one call: the first wins, as with separate calls.
        var seen = Set<String>()
        let unique = messages.filter { seen.insert($0.idempotencyKey).inserted }
        let keys = unique.map { PostgresText.clean($0.idempotencyKey) }
        let profiles = unique.map(\.profileID.rawValue)
        let campaigns = PostgresArray(unique.map { PostgresText.clean($0.campaign) })
        let variants = PostgresArray(unique.map { PostgresText.clean($0.variant) })
        let indexes = unique.map { storageKey(Identity(.email, $0.recipient)) }
        let sealed = PostgresArray(try unique.map { Optional(try OutboxContent.seal($0, cipher: cipher)) })
        let due = unique.map { max(nowMs, $0.notBefore?.millisecondsSince1970 ?? nowMs) }
        let rows = try await self.rows("""
            INSERT INTO mail_outbox (idempotency_key, profile_id, campaign, recipient_index, sealed, status, attempts, next_attempt_at,
                                     created_at, updated_at, variant)
            SELECT k, p, c, r, s, 'queued', 0, d, \(nowMs), \(nowMs), v
            FROM UNNEST(\(keys)::text[], \(profiles)::text[], \(campaigns)::text[], \(indexes)::text[], \(sealed)::bytea[],
                        \(due)::int8[], \(variants)::text[])
              WITH ORDINALITY AS m(k, p, c, r, s, d, v, ord)
            ORDER BY ord
            ON CONFLICT (idempotency_key) DO NOTHING
            RETURNING id
            """, on: conn)
        return rows.count
    }

    public func claim(limit: Int, worker: String, lease: Duration, at now: Date) async throws -> [ClaimedMessage] {
        guard limit > 0 else { return [] }
        let nowMs = now.millisecondsSince1970
        let until = nowMs + max(1, lease.milliseconds)
        // SKIP LOCKED: workers on several nodes claim disjoint batches without waiting for each other.
        let rows = try await withContext("claiming mail") {
            try await self.client.withConnection { conn in
                try await self.rows("""
                    WITH due AS (
                      SELECT id FROM mail_outbox
                      WHERE status IN ('queued', 'sending') AND next_attempt_at <= \(nowMs)
                        AND (campaign IS NULL OR campaign NOT IN (SELECT id FROM campaigns WHERE state IN ('paused', 'cancelled')))
                      ORDER BY next_attempt_at, id LIMIT \(Int64(limit))
                      FOR UPDATE SKIP LOCKED
                    )
                    UPDATE mail_outbox AS m SET status = 'sending', lease_owner = \(worker), next_attempt_at = \(until),
                      attempts = m.attempts + 1, updated_at = \(nowMs)
                    FROM due WHERE m.id = due.id
                    RETURNING m.id, m.idempotency_key, m.profile_id, m.campaign, m.recipient_index, m.sealed, m.attempts, m.variant
                    """, on: conn)
            }
        }
        return try rows.map { r in
            guard let sealed = try r[5].decode(Data?.self) else { throw StoreError(.corruptRow, "a claimable outbox message has no content") }
            let content = try OutboxContent.open(sealed, cipher: cipher)
            return ClaimedMessage(
                id: try r[0].decode(Int64.self), idempotencyKey: try r[1].decode(String.self), profileID: ProfileID(try r[2].decode(String.self)),
                campaign: try r[3].decode(String?.self), sender: content.sender, recipient: content.recipient,
                recipientIndex: try r[4].decode(String.self), data: content.data, attempts: Int(try r[6].decode(Int32.self)),
                variant: try r[7].decode(String?.self))
        }.sorted { $0.id < $1.id }
    }

    @discardableResult
    public func complete(_ outcomes: [OutboxOutcome], worker: String, at now: Date) async throws -> Int {
        guard !outcomes.isEmpty else { return 0 }
        let nowMs = now.millisecondsSince1970
        let ids = outcomes.map(\.id)
        let statuses = outcomes.map(\.status.rawValue)
        let retryAt = PostgresArray(outcomes.map { outcome -> Int64? in
            if case .retry(let at) = outcome.kind { return at.millisecondsSince1970 }
            return nil
        })
        let details = PostgresArray(outcomes.map { PostgresText.clean(OutboxContent.detail($0.detail)) })
        return try await withContext("recording mail outcomes") {
            try await self.client.withConnection { conn in
                // Final states drop the sealed message: it is not needed any more and holds personal data.
                let rows = try await self.rows("""
                    UPDATE mail_outbox AS m SET status = r.status,
                      sealed = CASE WHEN r.status = 'queued' THEN m.sealed END,
                      next_attempt_at = COALESCE(r.retry_at, m.next_attempt_at),
                      lease_owner = NULL, updated_at = \(nowMs),
                      sent_at = CASE WHEN r.status = 'sent' THEN \(nowMs)::int8 END,
                      last_error = r.detail
                    FROM UNNEST(\(ids)::int8[], \(statuses)::text[], \(retryAt)::int8[], \(details)::text[]) AS r(id, status, retry_at, detail)
                    WHERE m.id = r.id AND m.status = 'sending' AND m.lease_owner = \(worker)
                    RETURNING m.id
                    """, on: conn)
                return rows.count
            }
        }
    }

    public func outboxRecord(key: String) async throws -> OutboxRecord? {
        try await withContext("reading an outbox message") {
            try await self.client.withConnection { conn in
                try await self.rows("""
                    SELECT \(unescaped: Self.outboxColumns) FROM mail_outbox WHERE idempotency_key = \(PostgresText.clean(key))
                    """, on: conn).first.map(Self.outboxRecord)
            }
        }
    }

    public func outboxCounts() async throws -> [OutboxStatus: Int] {
        try await withContext("counting the outbox") {
            try await self.client.withConnection { conn in
                var counts: [OutboxStatus: Int] = [:]
                for r in try await self.rows("SELECT status, COUNT(*) FROM mail_outbox GROUP BY status", on: conn) {
                    if let status = OutboxStatus(rawValue: try r[0].decode(String.self)) { counts[status] = Int(try r[1].decode(Int64.self)) }
                }
                return counts
            }
        }
    }

    public func outboxRecords(status: OutboxStatus, after: Int64?, limit: Int) async throws -> [OutboxRecord] {
        try await withContext("listing the outbox") {
            try await self.client.withConnection { conn in
                try await self.rows("""
                    SELECT \(unescaped: Self.outboxColumns) FROM mail_outbox WHERE status = \(status.rawValue) AND id > \(after ?? 0)
                    ORDER BY id LIMIT \(Int64(max(0, limit)))
                    """, on: conn).map(Self.outboxRecord)
            }
        }
    }

    public func outboxRecords(of profile: ProfileID) async throws -> [OutboxRecord] {
        try await withContext("listing a profile's mail") {
            try await self.client.withConnection { conn in
                try await self.rows("""
                    SELECT \(unescaped: Self.outboxColumns) FROM mail_outbox
                    WHERE profile_id = \(profile.rawValue) OR profile_id IN (SELECT id FROM profiles WHERE merged_into = \(profile.rawValue))
                    ORDER BY id
                    """, on: conn).map(Self.outboxRecord)
            }
        }
    }

    static let outboxColumns = """
        id, idempotency_key, profile_id, campaign, recipient_index, status, attempts, next_attempt_at, created_at, sent_at, last_error, \
        sealed IS NOT NULL
        """

    static func outboxRecord(_ r: PostgresRandomAccessRow) throws -> OutboxRecord {
        guard let status = OutboxStatus(rawValue: try r[5].decode(String.self)) else { throw StoreError(.corruptRow, "unknown outbox status") }
        return OutboxRecord(
            id: try r[0].decode(Int64.self), idempotencyKey: try r[1].decode(String.self), profileID: ProfileID(try r[2].decode(String.self)),
            campaign: try r[3].decode(String?.self), recipientIndex: try r[4].decode(String.self), status: status,
            attempts: Int(try r[6].decode(Int32.self)), nextAttemptAt: Date(millisecondsSince1970: try r[7].decode(Int64.self)),
            createdAt: Date(millisecondsSince1970: try r[8].decode(Int64.self)),
            sentAt: try r[9].decode(Int64?.self).map { Date(millisecondsSince1970: $0) }, lastError: try r[10].decode(String?.self),
            hasContent: try r[11].decode(Bool.self))
    }
}
