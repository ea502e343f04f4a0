import Foundation
import PostgresNIO
import TailorCore
public import TailorStore

// MARK: - PendingEventStore

extension PostgresDatabase {
    public func pendingEvents(limit: Int) async throws -> [PendingEvent] {
        try await withContext("reading pending events") {
            try await self.client.withConnection { conn in
                try await self.rows("""
                    SELECT id, message_id, profile_id, name, properties, timestamp FROM pending_events ORDER BY id LIMIT \(Int64(limit))
                    """, on: conn).map {
                    PendingEventRecord.event(id: try $0[0].decode(Int64.self), messageId: try $0[1].decode(String.self),
                                             profile: try $0[2].decode(String.self), name: try $0[3].decode(String.self),
                                             properties: try $0[4].decode(String.self), timestamp: try $0[5].decode(Int64.self))
                }
            }
        }
    }

    public func removePendingEvents(_ ids: [Int64]) async throws {
        guard !ids.isEmpty else { return }
        try await withContext("removing pending events") {
            try await self.client.withConnection { conn in
                try await conn.query("DELETE FROM pending_events WHERE id = ANY(\(ids))", logger: self.logger)
            }
        }
    }

    /// Records events on the caller's connection (its transaction), for appending just after it.
    func recordPending(_ events: [(profile: ProfileID, message: Message)], now: Date, on conn: PostgresConnection) async throws {
        guard !events.isEmpty else { return }
        try await conn.query("""
            INSERT INTO pending_events (\(unescaped: PendingEventRecord.columns))
            SELECT * FROM UNNEST(\(events.map { PostgresText.clean($0.message.messageId) })::text[], \(events.map(\.profile.rawValue))::text[],
                                 \(events.map { PostgresText.clean($0.message.eventName) })::text[],
                                 \(events.map { PostgresText.json(JSONWriter.string(.object($0.message.properties))) })::text[],
                                 \(events.map { $0.message.timestamp.millisecondsSince1970 })::int8[],
                                 \(Array(repeating: now.millisecondsSince1970, count: events.count))::int8[])
            ON CONFLICT (message_id) DO NOTHING
            """, logger: logger)
    }
}
