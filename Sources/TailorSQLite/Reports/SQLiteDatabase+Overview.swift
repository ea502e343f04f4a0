public import Foundation
import GRDB
public import TailorCore
public import TailorStore

// MARK: - ReportStore: the overview

extension SQLiteDatabase {
    public func quarterHourCounts(_ kind: OverviewCount, from: Date, to: Date) async throws -> [Int64: Int] {
        let q = OverviewCount.quarter
        // The profiles' expression is the one `profiles_first_seen` indexes (migration 0015).
        let sql = switch kind {
        case .newProfiles: """
            SELECT COALESCE(first_seen, created_at) / \(q), COUNT(*) FROM profiles
            WHERE merged_into IS NULL AND COALESCE(first_seen, created_at) >= ? AND COALESCE(first_seen, created_at) < ? GROUP BY 1
            """
        case .events: "SELECT timestamp / \(q), COUNT(*) FROM events WHERE timestamp >= ? AND timestamp < ? GROUP BY 1"
        case .emailsSent: """
            SELECT timestamp / \(q), COUNT(*) FROM events
            WHERE name = 'Email Sent' AND timestamp >= ? AND timestamp < ? AND type = 'track' GROUP BY 1
            """
        }
        return try await pool.read { db in
            var out: [Int64: Int] = [:]
            for row in try Row.fetchAll(db, sql: sql, arguments: [from.millisecondsSince1970, to.millisecondsSince1970]) {
                out[row[0]] = row[1]
            }
            return out
        }
    }

    public func emailEngagement(from: Date, to: Date) async throws -> [EmailEvent] {
        try await pool.read { db in
            try Row.fetchAll(db, sql: """
                SELECT profile_id, name, timestamp, json_extract(properties, '$.campaign_id'), \(Self.machineFlag),
                  CAST(json_extract(properties, '$.variant') AS TEXT) FROM events
                WHERE name IN ('Email Delivered', 'Email Opened', 'Email Clicked') AND timestamp >= ? AND timestamp < ? AND type = 'track'
                ORDER BY timestamp, seq
                """, arguments: [from.millisecondsSince1970, to.millisecondsSince1970]).map(Self.emailEvent)
        }
    }

    public func orders(from: Date, to: Date) async throws -> [OrderEvent] {
        try await pool.read { db in
            try Row.fetchAll(db, sql: """
                SELECT profile_id, timestamp, \(Self.orderValue) FROM events
                WHERE name = 'Order Completed' AND timestamp >= ? AND timestamp < ? AND type = 'track'
                ORDER BY timestamp, seq
                """, arguments: [from.millisecondsSince1970, to.millisecondsSince1970])
                .map { OrderEvent(profileID: ProfileID($0[0] as String), timestamp: Date(millisecondsSince1970: $0[1]), value: $0[2] ?? 0) }
        }
    }
}
