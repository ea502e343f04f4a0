public import Foundation
import PostgresNIO
public import TailorCore
public import TailorStore

// MARK: - ReportStore

extension PostgresDatabase {
    static let emailEventNames = "'Email Sent', 'Email Delivered', 'Email Bounced', 'Email Opened', 'Email Clicked', 'Unsubscribed'"
    static let machineFlag = "(properties->>'machine_open' = 'true' OR properties->>'machine_click' = 'true')"

    public func emailEvents(ofCampaign campaign: String) async throws -> [EmailEvent] {
        try await withContext("reading a campaign's email events") {
            try await self.client.withConnection { conn in
                try await self.rows("""
                    SELECT profile_id, name, timestamp, properties->>'campaign_id', \(unescaped: Self.machineFlag), properties->>'variant' FROM events
                    WHERE type = 'track' AND name IN (\(unescaped: Self.emailEventNames)) AND properties->>'campaign_id' = \(campaign)
                    ORDER BY timestamp, seq
                    """, on: conn).map(Self.emailEvent)
            }
        }
    }

    public func emailClicks(of profiles: [ProfileID], from: Date, to: Date) async throws -> [EmailEvent] {
        guard !profiles.isEmpty else { return [] }
        let ids = profiles.map(\.rawValue)
        return try await withContext("reading email clicks") {
            try await self.client.withConnection { conn in
                try await self.rows("""
                    SELECT profile_id, name, timestamp, properties->>'campaign_id', \(unescaped: Self.machineFlag), properties->>'variant' FROM events
                    WHERE profile_id = ANY(\(ids)::text[]) AND type = 'track' AND name = 'Email Clicked'
                      AND timestamp BETWEEN \(from.millisecondsSince1970) AND \(to.millisecondsSince1970)
                    ORDER BY timestamp, seq
                    """, on: conn).map(Self.emailEvent).filter { !$0.machine }
            }
        }
    }

    public func orders(of profiles: [ProfileID], from: Date, to: Date) async throws -> [OrderEvent] {
        guard !profiles.isEmpty else { return [] }
        let ids = profiles.map(\.rawValue)
        return try await withContext("reading orders") {
            try await self.client.withConnection { conn in
                try await self.rows("""
                    SELECT profile_id, timestamp, (\(unescaped: Self.orderValue))::float8 FROM events
                    WHERE profile_id = ANY(\(ids)::text[]) AND type = 'track' AND name = 'Order Completed'
                      AND timestamp BETWEEN \(from.millisecondsSince1970) AND \(to.millisecondsSince1970)
                    ORDER BY timestamp, seq
                    """, on: conn).map { r in
                    OrderEvent(profileID: ProfileID(try r[0].decode(String.self)), timestamp: Date(millisecondsSince1970: try r[1].decode(Int64.self)),
                               value: try r[2].decode(Double?.self) ?? 0)
                }
            }
        }
    }

    static func emailEvent(_ r: PostgresRandomAccessRow) throws -> EmailEvent {
        EmailEvent(profileID: ProfileID(try r[0].decode(String.self)), name: try r[1].decode(String.self),
                   timestamp: Date(millisecondsSince1970: try r[2].decode(Int64.self)), campaign: try r[3].decode(String?.self),
                   machine: try r[4].decode(Bool?.self) ?? false, variant: try r[5].decode(String?.self))
    }
}
