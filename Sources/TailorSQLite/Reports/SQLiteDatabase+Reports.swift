public import Foundation
import GRDB
public import TailorCore
public import TailorStore

// MARK: - ReportStore

extension SQLiteDatabase {
    static let emailEventNames = "'Email Sent', 'Email Delivered', 'Email Bounced', 'Email Opened', 'Email Clicked', 'Unsubscribed'"
    static let machineFlag = "COALESCE(json_extract(properties, '$.machine_open'), 0) = 1 OR COALESCE(json_extract(properties, '$.machine_click'), 0) = 1"

    public func emailEvents(ofCampaign campaign: String) async throws -> [EmailEvent] {
        try await pool.read { db in
            try Row.fetchAll(db, sql: """
                SELECT profile_id, name, timestamp, json_extract(properties, '$.campaign_id'), \(Self.machineFlag),
                  CAST(json_extract(properties, '$.variant') AS TEXT) FROM events
                WHERE type = 'track' AND name IN (\(Self.emailEventNames)) AND json_extract(properties, '$.campaign_id') = ?
                ORDER BY timestamp, seq
                """, arguments: [campaign]).map(Self.emailEvent)
        }
    }

    public func emailClicks(of profiles: [ProfileID], from: Date, to: Date) async throws -> [EmailEvent] {
        try await chunked(profiles) { db, ids, list in
            try Row.fetchAll(db, sql: """
                SELECT profile_id, name, timestamp, json_extract(properties, '$.campaign_id'), \(Self.machineFlag),
                  CAST(json_extract(properties, '$.variant') AS TEXT) FROM events
                WHERE profile_id IN (\(list)) AND type = 'track' AND name = 'Email Clicked' AND timestamp BETWEEN ? AND ?
                ORDER BY timestamp, seq
                """, arguments: StatementArguments(ids.map { $0 as any DatabaseValueConvertible } + [from.millisecondsSince1970, to.millisecondsSince1970]))
                .map(Self.emailEvent).filter { !$0.machine }
        }
    }

    public func orders(of profiles: [ProfileID], from: Date, to: Date) async throws -> [OrderEvent] {
        try await chunked(profiles) { db, ids, list in
            try Row.fetchAll(db, sql: """
                SELECT profile_id, timestamp, \(Self.orderValue) FROM events
                WHERE profile_id IN (\(list)) AND type = 'track' AND name = 'Order Completed' AND timestamp BETWEEN ? AND ?
                ORDER BY timestamp, seq
                """, arguments: StatementArguments(ids.map { $0 as any DatabaseValueConvertible } + [from.millisecondsSince1970, to.millisecondsSince1970]))
                .map { OrderEvent(profileID: ProfileID($0[0] as String), timestamp: Date(millisecondsSince1970: $0[1]), value: $0[2] ?? 0) }
        }
    }

    /// A read over profiles, 400 ids at a time (`list` is their placeholders).
    func chunked<T: Sendable>(_ profiles: [ProfileID], _ body: @Sendable @escaping (Database, [String], String) throws -> [T]) async throws -> [T] {
        guard !profiles.isEmpty else { return [] }
        return try await pool.read { db in
            var out: [T] = []
            for start in stride(from: 0, to: profiles.count, by: 400) {
                let ids = profiles[start..<min(profiles.count, start + 400)].map(\.rawValue)
                out += try body(db, ids, ids.map { _ in "?" }.joined(separator: ", "))
            }
            return out
        }
    }

    static func emailEvent(_ row: Row) -> EmailEvent {
        EmailEvent(profileID: ProfileID(row[0] as String), name: row[1], timestamp: Date(millisecondsSince1970: row[2]), campaign: row[3],
                   machine: (row[4] as Int64?) == 1, variant: row[5])
    }
}
