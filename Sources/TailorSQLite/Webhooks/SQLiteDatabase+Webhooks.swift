public import Foundation
import GRDB
public import TailorCore
public import TailorStore

// MARK: - WebhookStore

extension SQLiteDatabase {
    public func createWebhook(_ webhook: WebhookSubscription) async throws {
        let sealed = try cipher.sealJSON(["secret": .string(webhook.secret)])
        try await durableWrite { db in
            guard try Bool.fetchOne(db, sql: "SELECT 1 FROM webhooks WHERE id = ?", arguments: [webhook.id]) == nil else {
                throw StoreError(.conflict, "a webhook with this id exists")
            }
            try db.execute(sql: "INSERT INTO webhooks (id, url, events, segment_id, sealed, created_at) VALUES (?, ?, ?, ?, ?, ?)",
                           arguments: [webhook.id, webhook.url, WebhookRecord.events(webhook.events), webhook.segment, sealed,
                                       webhook.createdAt.millisecondsSince1970])
        }
    }

    public func webhooks() async throws -> [WebhookSubscription] {
        let cipher = self.cipher
        return try await pool.read { db in
            try Row.fetchAll(db, sql: "SELECT id, url, events, segment_id, sealed, created_at FROM webhooks ORDER BY created_at, id").map { r in
                WebhookSubscription(id: r[0], url: r[1], events: WebhookRecord.events(parsing: r[2]), segment: r[3],
                                    secret: try cipher.openJSON(r[4])["secret"]?.stringValue ?? "", createdAt: Date(millisecondsSince1970: r[5]))
            }
        }
    }

    @discardableResult
    public func deleteWebhook(_ id: String) async throws -> Bool {
        try await durableWrite { db in
            try db.execute(sql: "DELETE FROM webhooks WHERE id = ?", arguments: [id])
            guard db.changesCount > 0 else { return false }
            try db.execute(sql: "DELETE FROM webhook_calls WHERE webhook_id = ? AND state = 'pending'", arguments: [id])
            return true
        }
    }

    public func queueWebhookCalls(_ calls: [WebhookCall], at now: Date) async throws {
        guard !calls.isEmpty else { return }
        let nowMs = now.millisecondsSince1970
        try await durableWrite { db in try self.insertWebhookCalls(calls, nowMs: nowMs, db: db) }
    }

    /// Queues calls in the caller's transaction, due at once; a key queued already is skipped.
    func insertWebhookCalls(_ calls: [WebhookCall], nowMs: Int64, db: Database) throws {
        let insert = try db.cachedStatement(sql: """
            INSERT INTO webhook_calls (call_key, webhook_id, journey_id, profile_id, url, sealed, state, attempts, next_attempt_at, created_at,
                                       updated_at)
            VALUES (?, ?, ?, ?, ?, ?, 'pending', 0, ?, ?, ?) ON CONFLICT (call_key) DO NOTHING
            """)
        for call in calls {
            try insert.execute(arguments: [call.key, call.webhook, call.journey, call.profile?.rawValue, call.url, try cipher.sealJSON(WebhookRecord.sealedPart(call)),
                                           nowMs, nowMs, nowMs])
        }
    }

    public func claimWebhookCalls(at now: Date, limit: Int, lease: TimeInterval) async throws -> [ClaimedWebhookCall] {
        let cipher = self.cipher
        let nowMs = now.millisecondsSince1970
        let until = now.addingTimeInterval(lease).millisecondsSince1970
        return try await durableWrite { db in
            let rows = try Row.fetchAll(db, sql: """
                SELECT c.id, c.call_key, c.webhook_id, c.url, c.sealed, c.attempts, w.sealed
                FROM webhook_calls c LEFT JOIN webhooks w ON w.id = c.webhook_id
                WHERE c.state = 'pending' AND c.next_attempt_at <= ? ORDER BY c.next_attempt_at, c.id LIMIT ?
                """, arguments: [nowMs, limit])
            var out: [ClaimedWebhookCall] = []
            for r in rows {
                let id: Int64 = r[0]
                try db.execute(sql: "UPDATE webhook_calls SET next_attempt_at = ? WHERE id = ?", arguments: [until, id])
                let part = try cipher.openJSON(r[4])
                let webhook: String? = r[2]
                // A subscription's calls are signed with its secret as it is now.
                let secret = webhook == nil ? part["secret"]?.stringValue : try cipher.openJSON(r[6])["secret"]?.stringValue
                guard let secret, case .object(let body)? = part["body"] else { continue }
                out.append(ClaimedWebhookCall(id: id, key: r[1], webhook: webhook, url: r[3], secret: secret, body: body, attempts: r[5]))
            }
            return out
        }
    }

    public func recordWebhookAttempt(_ id: Int64, _ outcome: WebhookAttemptOutcome, at now: Date) async throws {
        let c = WebhookRecord.columns(outcome)
        try await durableWrite { db in
            try db.execute(sql: """
                UPDATE webhook_calls SET state = ?, next_attempt_at = ?, last_status = ?, last_error = ?, attempts = attempts + 1, updated_at = ?
                WHERE id = ?
                """, arguments: [c.state, c.next, c.status, c.error, now.millisecondsSince1970, id])
        }
    }

    public func webhookCalls(webhook: String?, limit: Int) async throws -> [WebhookCallStatus] {
        try await pool.read { db in
            let filter = webhook == nil ? "webhook_id IS NULL" : "webhook_id = ?"
            return try Row.fetchAll(db, sql: "SELECT \(WebhookRecord.callColumns) FROM webhook_calls WHERE \(filter) ORDER BY id DESC LIMIT ?",
                                    arguments: webhook.map { [$0, limit] as StatementArguments } ?? [limit]).map { r in
                WebhookCallStatus(id: r[0], key: r[1], webhook: r[2], journey: r[3], url: r[4], state: WebhookCallState(rawValue: r[5]) ?? .pending,
                                  attempts: r[6], lastStatus: r[7], lastError: r[8], nextAttemptAt: (r[9] as Int64?).map(Date.init(millisecondsSince1970:)),
                                  createdAt: Date(millisecondsSince1970: r[10]), updatedAt: Date(millisecondsSince1970: r[11]))
            }
        }
    }

    public func nextWebhookCallDue() async throws -> Date? {
        try await pool.read { db in
            try Int64.fetchOne(db, sql: "SELECT MIN(next_attempt_at) FROM webhook_calls WHERE state = 'pending'").map(Date.init(millisecondsSince1970:))
        }
    }
}
