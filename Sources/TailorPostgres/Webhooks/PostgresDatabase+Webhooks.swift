public import Foundation
import PostgresNIO
public import TailorCore
public import TailorStore

// MARK: - WebhookStore

extension PostgresDatabase {
    public func createWebhook(_ webhook: WebhookSubscription) async throws {
        let sealed = try cipher.sealJSON(["secret": .string(webhook.secret)])
        let inserted = try await withContext("creating a webhook") {
            try await self.client.withConnection { conn in
                try await self.rows("""
                    INSERT INTO webhooks (id, url, events, segment_id, sealed, created_at)
                    VALUES (\(PostgresText.clean(webhook.id)), \(PostgresText.clean(webhook.url)), \(WebhookRecord.events(webhook.events)),
                            \(webhook.segment.map(PostgresText.clean)), \(sealed), \(webhook.createdAt.millisecondsSince1970))
                    ON CONFLICT (id) DO NOTHING RETURNING id
                    """, on: conn).count
            }
        }
        guard inserted == 1 else { throw StoreError(.conflict, "a webhook with this id exists") }
    }

    public func webhooks() async throws -> [WebhookSubscription] {
        try await withContext("reading webhooks") {
            try await self.client.withConnection { conn in
                try await self.rows("SELECT id, url, events, segment_id, sealed, created_at FROM webhooks ORDER BY created_at, id", on: conn).map { r in
                    WebhookSubscription(id: try r[0].decode(String.self), url: try r[1].decode(String.self),
                                        events: WebhookRecord.events(parsing: try r[2].decode(String.self)), segment: try r[3].decode(String?.self),
                                        secret: try self.cipher.openJSON(try r[4].decode(Data?.self))["secret"]?.stringValue ?? "",
                                        createdAt: Date(millisecondsSince1970: try r[5].decode(Int64.self)))
                }
            }
        }
    }

    @discardableResult
    public func deleteWebhook(_ id: String) async throws -> Bool {
        try await withContext("deleting a webhook") {
            try await self.transaction { conn in
                guard try await self.rows("DELETE FROM webhooks WHERE id = \(id) RETURNING id", on: conn).count > 0 else { return false }
                _ = try await self.rows("DELETE FROM webhook_calls WHERE webhook_id = \(id) AND state = 'pending'", on: conn)
                return true
            }
        }
    }

    public func queueWebhookCalls(_ calls: [WebhookCall], at now: Date) async throws {
        guard !calls.isEmpty else { return }
        try await withContext("queuing webhook calls") {
            try await self.client.withConnection { conn in try await self.insertWebhookCalls(calls, nowMs: now.millisecondsSince1970, on: conn) }
        }
    }

    /// Queues calls on the caller's connection (in its transaction), due at once; a key queued already is skipped.
    func insertWebhookCalls(_ calls: [WebhookCall], nowMs: Int64, on conn: PostgresConnection) async throws {
        guard !calls.isEmpty else { return }
        let keys = calls.map { PostgresText.clean($0.key) }
        let webhooks = PostgresArray(calls.map { $0.webhook.map(PostgresText.clean) })
        let journeys = PostgresArray(calls.map { $0.journey.map(PostgresText.clean) })
        let profiles = PostgresArray(calls.map { $0.profile?.rawValue })
        let urls = calls.map { PostgresText.clean($0.url) }
        let sealed = PostgresArray(try calls.map { try cipher.sealJSON(WebhookRecord.sealedPart($0)) })
        _ = try await self.rows("""
            INSERT INTO webhook_calls (call_key, webhook_id, journey_id, profile_id, url, sealed, state, attempts, next_attempt_at, created_at,
                                       updated_at)
            SELECT k, w, j, p, u, s, 'pending', 0, \(nowMs), \(nowMs), \(nowMs)
            FROM UNNEST(\(keys)::text[], \(webhooks)::text[], \(journeys)::text[], \(profiles)::text[], \(urls)::text[], \(sealed)::bytea[])
              WITH ORDINALITY AS c(k, w, j, p, u, s, ord)
            ORDER BY ord
            ON CONFLICT (call_key) DO NOTHING
            """, on: conn)
    }

    public func claimWebhookCalls(at now: Date, limit: Int, lease: TimeInterval) async throws -> [ClaimedWebhookCall] {
        let nowMs = now.millisecondsSince1970
        let until = now.addingTimeInterval(lease).millisecondsSince1970
        // SKIP LOCKED: processes claim disjoint calls; the lease hides a claimed call until it is recorded.
        let rows = try await withContext("claiming webhook calls") {
            try await self.client.withConnection { conn in
                try await self.rows("""
                    WITH due AS (
                      SELECT id FROM webhook_calls WHERE state = 'pending' AND next_attempt_at <= \(nowMs)
                      ORDER BY next_attempt_at, id LIMIT \(Int64(limit))
                      FOR UPDATE SKIP LOCKED
                    )
                    UPDATE webhook_calls c SET next_attempt_at = \(until) FROM due WHERE c.id = due.id
                    RETURNING c.id, c.call_key, c.webhook_id, c.url, c.sealed, c.attempts,
                      (SELECT w.sealed FROM webhooks w WHERE w.id = c.webhook_id)
                    """, on: conn)
            }
        }
        return try rows.compactMap { r in
            let part = try cipher.openJSON(try r[4].decode(Data?.self))
            let webhook = try r[2].decode(String?.self)
            let secret = webhook == nil ? part["secret"]?.stringValue : try cipher.openJSON(try r[6].decode(Data?.self))["secret"]?.stringValue
            guard let secret, case .object(let body)? = part["body"] else { return nil }
            return ClaimedWebhookCall(id: try r[0].decode(Int64.self), key: try r[1].decode(String.self), webhook: webhook,
                                      url: try r[3].decode(String.self), secret: secret, body: body, attempts: Int(try r[5].decode(Int32.self)))
        }.sorted { $0.id < $1.id }
    }

    public func recordWebhookAttempt(_ id: Int64, _ outcome: WebhookAttemptOutcome, at now: Date) async throws {
        let c = WebhookRecord.columns(outcome)
        try await withContext("recording a webhook attempt") {
            try await self.client.withConnection { conn in
                _ = try await self.rows("""
                    UPDATE webhook_calls SET state = \(c.state), next_attempt_at = \(c.next), last_status = \(c.status.map(Int32.init)),
                      last_error = \(c.error.map(PostgresText.clean)), attempts = attempts + 1, updated_at = \(now.millisecondsSince1970)
                    WHERE id = \(id)
                    """, on: conn)
            }
        }
    }

    public func webhookCalls(webhook: String?, limit: Int) async throws -> [WebhookCallStatus] {
        try await withContext("reading webhook calls") {
            try await self.client.withConnection { conn in
                try await self.rows("""
                    SELECT \(unescaped: WebhookRecord.callColumns) FROM webhook_calls
                    WHERE (\(webhook)::text IS NULL AND webhook_id IS NULL) OR webhook_id = \(webhook)
                    ORDER BY id DESC LIMIT \(Int64(limit))
                    """, on: conn).map { r in
                    WebhookCallStatus(id: try r[0].decode(Int64.self), key: try r[1].decode(String.self), webhook: try r[2].decode(String?.self),
                                      journey: try r[3].decode(String?.self), url: try r[4].decode(String.self),
                                      state: WebhookCallState(rawValue: try r[5].decode(String.self)) ?? .pending,
                                      attempts: Int(try r[6].decode(Int32.self)), lastStatus: try r[7].decode(Int32?.self).map(Int.init),
                                      lastError: try r[8].decode(String?.self),
                                      nextAttemptAt: try r[9].decode(Int64?.self).map(Date.init(millisecondsSince1970:)),
                                      createdAt: Date(millisecondsSince1970: try r[10].decode(Int64.self)),
                                      updatedAt: Date(millisecondsSince1970: try r[11].decode(Int64.self)))
                }
            }
        }
    }

    public func nextWebhookCallDue() async throws -> Date? {
        try await withContext("reading the next webhook call") {
            try await self.client.withConnection { conn in
                try await self.rows("SELECT MIN(next_attempt_at) FROM webhook_calls WHERE state = 'pending'", on: conn)
                    .first.flatMap { try $0[0].decode(Int64?.self) }.map(Date.init(millisecondsSince1970:))
            }
        }
    }
}
