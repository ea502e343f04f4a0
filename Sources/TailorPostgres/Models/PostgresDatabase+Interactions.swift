public import Foundation
import PostgresNIO
public import TailorCore
public import TailorStore

// MARK: - Interactions and order summaries

// MARK: - InteractionStore

extension PostgresDatabase {
    public func interactions(after cursor: Int64?, limit: Int) async throws -> InteractionPage {
        let limit = max(1, limit)
        return try await withContext("reading interactions") {
            try await self.client.withConnection { conn in
                let rows = try await self.rows("""
                    SELECT seq, profile_id, name, timestamp, properties::text FROM events
                    WHERE seq > \(cursor ?? 0) AND type = 'track' AND name = ANY(\(Interaction.eventNames)) ORDER BY seq LIMIT \(Int64(limit))
                    """, on: conn)
                var out: [Interaction] = []
                for r in rows {
                    out += Interaction.from(profile: ProfileID(try r[1].decode(String.self)), name: try r[2].decode(String.self),
                                            timestamp: try r[3].decode(Int64.self), properties: try ProfileRow.object(try r[4].decode(String.self)))
                }
                let next = rows.count < limit ? nil : try rows.last.map { try $0[0].decode(Int64.self) }
                return InteractionPage(interactions: out, next: next)
            }
        }
    }

    public func interactions(of profile: ProfileID) async throws -> [Interaction] {
        try await withContext("reading a profile's interactions") {
            try await self.client.withConnection { conn in
                let rows = try await self.rows("""
                    SELECT name, timestamp, properties::text FROM events
                    WHERE profile_id = \(profile.rawValue) AND type = 'track' AND name = ANY(\(Interaction.eventNames)) ORDER BY timestamp, seq
                    """, on: conn)
                var out: [Interaction] = []
                for r in rows {
                    out += Interaction.from(profile: profile, name: try r[0].decode(String.self), timestamp: try r[1].decode(Int64.self),
                                            properties: try ProfileRow.object(try r[2].decode(String.self)))
                }
                return out
            }
        }
    }

    public func eventTimes(named names: Set<String>, after cursor: Int64?, limit: Int) async throws -> EventTimePage {
        let list = Array(names).sorted()
        let limit = max(1, limit)
        guard !list.isEmpty else { return EventTimePage(events: [], next: nil) }
        return try await withContext("reading event times") {
            try await self.client.withConnection { conn in
                let rows = try await self.rows("""
                    SELECT seq, profile_id, name, timestamp FROM events
                    WHERE seq > \(cursor ?? 0) AND name = ANY(\(list)) ORDER BY seq LIMIT \(Int64(limit))
                    """, on: conn)
                let events = try rows.map { r in
                    EventTime(profileId: ProfileID(try r[1].decode(String.self)), name: try r[2].decode(String.self),
                              timestamp: Date(millisecondsSince1970: try r[3].decode(Int64.self)))
                }
                let next = rows.count < limit ? nil : try rows.last.map { try $0[0].decode(Int64.self) }
                return EventTimePage(events: events, next: next)
            }
        }
    }

    public func humanOpenTimes(of profiles: [ProfileID], limit: Int) async throws -> [ProfileID: [Date]] {
        guard !profiles.isEmpty else { return [:] }
        let ids = profiles.map(\.rawValue)
        return try await withContext("reading open times") {
            try await self.client.withConnection { conn in
                var out: [ProfileID: [Date]] = [:]
                for r in try await self.rows("""
                    SELECT profile_id, timestamp FROM (
                      SELECT profile_id, timestamp, ROW_NUMBER() OVER (PARTITION BY profile_id ORDER BY timestamp DESC) AS n FROM events
                      WHERE profile_id = ANY(\(ids)::text[]) AND name = 'Email Opened' AND type = 'track'
                        AND (properties->>'machine_open') IS DISTINCT FROM 'true'
                    ) AS o WHERE n <= \(Int64(max(1, limit)))
                    """, on: conn) {
                    out[ProfileID(try r[0].decode(String.self)), default: []].append(Date(millisecondsSince1970: try r[1].decode(Int64.self)))
                }
                return out
            }
        }
    }

    public func humanOpensByHour() async throws -> [Int: Int] {
        try await withContext("counting opens by hour") {
            try await self.client.withConnection { conn in
                var out: [Int: Int] = [:]
                for r in try await self.rows("""
                    SELECT ((timestamp / 3600000) % 24)::int4, COUNT(*) FROM events
                    WHERE name = 'Email Opened' AND type = 'track' AND (properties->>'machine_open') IS DISTINCT FROM 'true'
                    GROUP BY 1
                    """, on: conn) {
                    out[Int(try r[0].decode(Int32.self))] = Int(try r[1].decode(Int64.self))
                }
                return out
            }
        }
    }

    public func orderSummaries(until: Date, after: ProfileID?, limit: Int) async throws -> [OrderSummary] {
        try await withContext("summarizing orders") {
            try await self.client.withConnection { conn in
                try await self.rows("""
                    WITH orders AS (
                      SELECT profile_id, timestamp / \(unescaped: String(OrderSummary.dayMilliseconds)) AS day, \(unescaped: Self.orderValue) AS value
                      FROM events WHERE name = 'Order Completed' AND type = 'track' AND timestamp <= \(until.millisecondsSince1970)
                        AND profile_id > \(after?.rawValue ?? "")
                    ), days AS (
                      SELECT profile_id, day, SUM(value) AS value, COUNT(*) AS orders FROM orders GROUP BY profile_id, day
                    ), ranked AS (
                      SELECT profile_id, day, value, orders, ROW_NUMBER() OVER (PARTITION BY profile_id ORDER BY day) AS n FROM days
                    )
                    SELECT profile_id, SUM(orders)::int8, COUNT(*)::int8, MIN(day)::int8, MAX(day)::int8, SUM(value)::float8,
                           SUM(CASE WHEN n > 1 THEN value ELSE 0 END)::float8
                    FROM ranked GROUP BY profile_id ORDER BY profile_id LIMIT \(Int64(max(1, limit)))
                    """, on: conn).map { r in
                    OrderSummary(profileId: ProfileID(try r[0].decode(String.self)), orders: Int(try r[1].decode(Int64.self)),
                                 orderDays: Int(try r[2].decode(Int64.self)), firstDay: try r[3].decode(Int64.self),
                                 lastDay: try r[4].decode(Int64.self), totalValue: try r[5].decode(Double.self),
                                 repeatValue: try r[6].decode(Double.self))
                }
            }
        }
    }

    /// A JSONB value as a number: JSON numbers, and strings holding a decimal number (as
    /// ``JSONValue/doubleValue`` reads them); NULL otherwise.
    static func number(_ value: String) -> String {
        """
        (CASE jsonb_typeof(\(value)) WHEN 'number' THEN (\(value))::text::float8 \
        WHEN 'string' THEN (CASE WHEN btrim(\(value) #>> '{}') ~ '^[-+]?([0-9]+[.]?[0-9]*|[.][0-9]+)([eE][-+]?[0-9]+)?$' \
        THEN btrim(\(value) #>> '{}')::float8 END) END)
        """
    }

    /// `ProfileState.orderValue` in SQL: `revenue`, else `total`, else Σ `products[].price × quantity`.
    static let orderValue = """
        COALESCE(\(number("properties->'revenue'")), \(number("properties->'total'")),
          (SELECT SUM(COALESCE(\(number("e->'price'")), 0) * COALESCE(\(number("e->'quantity'")), 1))
           FROM jsonb_array_elements(CASE WHEN jsonb_typeof(properties->'products') = 'array' THEN properties->'products' ELSE '[]'::jsonb END) AS e
           WHERE jsonb_typeof(e) = 'object'), 0)
        """
}

// MARK: - Computed traits

// MARK: - ComputedTraitStore

extension PostgresDatabase {
    public func writeComputedTraits(_ traits: [ComputedTrait], at: Date) async throws {
        // One statement cannot update a row twice: the last of repeated (profile, name) pairs wins.
        var latest: [String: Int] = [:]
        for (i, t) in traits.enumerated() { latest[t.profileId.rawValue + "\u{1}" + t.name] = i }
        let unique = latest.values.sorted().map { traits[$0] }
        guard !unique.isEmpty else { return }
        let ms = at.millisecondsSince1970
        try await withContext("saving computed traits") {
            try await self.retrying {
                try await self.transaction { conn in
                    for start in stride(from: 0, to: unique.count, by: 5_000) {
                        let chunk = unique[start..<min(start + 5_000, unique.count)]
                        let ids = chunk.map { PostgresText.clean($0.profileId.rawValue) }
                        let names = chunk.map { PostgresText.clean($0.name) }
                        let numbers = PostgresArray<Double>(chunk.map(\.number))
                        let texts = PostgresArray<String>(chunk.map { PostgresText.clean($0.text) })
                        _ = try await self.rows("""
                            INSERT INTO computed_traits (profile_id, name, number, text, updated_at)
                            SELECT profile_id, name, number, text, \(ms)
                            FROM UNNEST(\(ids)::text[], \(names)::text[], \(numbers)::float8[], \(texts)::text[]) AS r(profile_id, name, number, text)
                            ON CONFLICT (profile_id, name) DO UPDATE SET number = excluded.number, text = excluded.text,
                              updated_at = excluded.updated_at
                            """, on: conn)
                    }
                }
            }
        }
    }

    public func computedTraits(of profile: ProfileID) async throws -> [ComputedTrait] {
        try await withContext("reading computed traits") {
            try await self.client.withConnection { conn in
                try await self.rows("""
                    SELECT name, number, text, updated_at FROM computed_traits WHERE profile_id = \(profile.rawValue) ORDER BY name
                    """, on: conn).map { r in
                    ComputedTrait(profileId: profile, name: try r[0].decode(String.self), number: try r[1].decode(Double?.self),
                                  text: try r[2].decode(String?.self), updatedAt: Date(millisecondsSince1970: try r[3].decode(Int64.self)))
                }
            }
        }
    }
}
