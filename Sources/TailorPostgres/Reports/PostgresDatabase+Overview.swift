public import Foundation
import PostgresNIO
public import TailorCore
public import TailorStore

// MARK: - ReportStore: the overview

extension PostgresDatabase {
    public func quarterHourCounts(_ kind: OverviewCount, from: Date, to: Date) async throws -> [Int64: Int] {
        let q = String(OverviewCount.quarter)
        let lo = from.millisecondsSince1970, hi = to.millisecondsSince1970
        // The profiles' expression is the one `profiles_first_seen` indexes (migration 0015).
        let query: PostgresQuery = switch kind {
        case .newProfiles: """
            SELECT COALESCE(first_seen, created_at) / \(unescaped: q), COUNT(*) FROM profiles
            WHERE merged_into IS NULL AND COALESCE(first_seen, created_at) >= \(lo) AND COALESCE(first_seen, created_at) < \(hi) GROUP BY 1
            """
        case .events: "SELECT timestamp / \(unescaped: q), COUNT(*) FROM events WHERE timestamp >= \(lo) AND timestamp < \(hi) GROUP BY 1"
        case .emailsSent: """
            SELECT timestamp / \(unescaped: q), COUNT(*) FROM events
            WHERE name = 'Email Sent' AND timestamp >= \(lo) AND timestamp < \(hi) AND type = 'track' GROUP BY 1
            """
        }
        return try await withContext("counting the overview's \(kind.rawValue)") {
            try await self.client.withConnection { conn in
                var out: [Int64: Int] = [:]
                for r in try await self.rows(query, on: conn) { out[try r[0].decode(Int64.self)] = Int(try r[1].decode(Int64.self)) }
                return out
            }
        }
    }

    public func emailEngagement(from: Date, to: Date) async throws -> [EmailEvent] {
        try await withContext("reading email engagement") {
            try await self.client.withConnection { conn in
                try await self.rows("""
                    SELECT profile_id, name, timestamp, properties->>'campaign_id', \(unescaped: Self.machineFlag), properties->>'variant' FROM events
                    WHERE name IN ('Email Delivered', 'Email Opened', 'Email Clicked')
                      AND timestamp >= \(from.millisecondsSince1970) AND timestamp < \(to.millisecondsSince1970) AND type = 'track'
                    ORDER BY timestamp, seq
                    """, on: conn).map(Self.emailEvent)
            }
        }
    }

    public func orders(from: Date, to: Date) async throws -> [OrderEvent] {
        try await withContext("reading orders") {
            try await self.client.withConnection { conn in
                try await self.rows("""
                    SELECT profile_id, timestamp, (\(unescaped: Self.orderValue))::float8 FROM events
                    WHERE name = 'Order Completed' AND timestamp >= \(from.millisecondsSince1970) AND timestamp < \(to.millisecondsSince1970)
                      AND type = 'track'
                    ORDER BY timestamp, seq
                    """, on: conn).map { r in
                    OrderEvent(profileID: ProfileID(try r[0].decode(String.self)), timestamp: Date(millisecondsSince1970: try r[1].decode(Int64.self)),
                               value: try r[2].decode(Double?.self) ?? 0)
                }
            }
        }
    }
}
