public import Foundation
import GRDB
public import TailorCore
public import TailorStore

// MARK: - Interactions and order summaries

// MARK: - InteractionStore

extension SQLiteDatabase {
    public func interactions(after cursor: Int64?, limit: Int) async throws -> InteractionPage {
        let names = Interaction.eventNames
        return try await pool.read { db in
            let rows = try Row.fetchAll(db, sql: """
                SELECT seq, profile_id, name, timestamp, properties FROM events
                WHERE seq > ? AND type = 'track' AND name IN (?, ?, ?) ORDER BY seq LIMIT ?
                """, arguments: [cursor ?? 0, names[0], names[1], names[2], max(1, limit)])
            var out: [Interaction] = []
            for row in rows {
                out += Interaction.from(profile: ProfileID(row[1] as String), name: row[2], timestamp: row[3],
                                        properties: try ProfileRow.object(row[4]))
            }
            return InteractionPage(interactions: out, next: rows.count < max(1, limit) ? nil : rows.last.map { $0[0] as Int64 })
        }
    }

    public func interactions(of profile: ProfileID) async throws -> [Interaction] {
        let names = Interaction.eventNames
        return try await pool.read { db in
            let rows = try Row.fetchAll(db, sql: """
                SELECT name, timestamp, properties FROM events
                WHERE profile_id = ? AND type = 'track' AND name IN (?, ?, ?) ORDER BY timestamp, seq
                """, arguments: [profile.rawValue, names[0], names[1], names[2]])
            return try rows.flatMap { row in
                Interaction.from(profile: profile, name: row[0], timestamp: row[1], properties: try ProfileRow.object(row[2]))
            }
        }
    }

    public func eventTimes(named names: Set<String>, after cursor: Int64?, limit: Int) async throws -> EventTimePage {
        let list = Array(names).sorted()
        guard !list.isEmpty else { return EventTimePage(events: [], next: nil) }
        var values: [(any DatabaseValueConvertible)?] = [cursor ?? 0]
        values += list.map { $0 as (any DatabaseValueConvertible)? }
        values.append(max(1, limit))
        let arguments = StatementArguments(values)
        return try await pool.read { db in
            let rows = try Row.fetchAll(db, sql: """
                SELECT seq, profile_id, name, timestamp FROM events
                WHERE seq > ? AND name IN (\(Self.placeholders(list.count))) ORDER BY seq LIMIT ?
                """, arguments: arguments)
            let events = rows.map { EventTime(profileId: ProfileID($0[1] as String), name: $0[2], timestamp: Date(millisecondsSince1970: $0[3])) }
            return EventTimePage(events: events, next: rows.count < max(1, limit) ? nil : rows.last.map { $0[0] as Int64 })
        }
    }

    public func humanOpenTimes(of profiles: [ProfileID], limit: Int) async throws -> [ProfileID: [Date]] {
        guard !profiles.isEmpty else { return [:] }
        return try await pool.read { db in
            var out: [ProfileID: [Date]] = [:]
            for chunk in stride(from: 0, to: profiles.count, by: 500) {
                let ids = profiles[chunk..<min(profiles.count, chunk + 500)].map(\.rawValue)
                let rows = try Row.fetchAll(db, sql: """
                    SELECT profile_id, timestamp FROM (
                      SELECT profile_id, timestamp, ROW_NUMBER() OVER (PARTITION BY profile_id ORDER BY timestamp DESC) AS n FROM events
                      WHERE profile_id IN (\(Self.placeholders(ids.count))) AND name = 'Email Opened' AND type = 'track'
                        AND COALESCE(json_extract(properties, '$.machine_open'), 0) != 1
                    ) WHERE n <= ?
                    """, arguments: StatementArguments(ids.map { $0 as any DatabaseValueConvertible } + [max(1, limit)]))
                for row in rows { out[ProfileID(row[0] as String), default: []].append(Date(millisecondsSince1970: row[1])) }
            }
            return out
        }
    }

    public func humanOpensByHour() async throws -> [Int: Int] {
        try await pool.read { db in
            var out: [Int: Int] = [:]
            for row in try Row.fetchAll(db, sql: """
                SELECT (timestamp / 3600000) % 24, COUNT(*) FROM events
                WHERE name = 'Email Opened' AND type = 'track' AND COALESCE(json_extract(properties, '$.machine_open'), 0) != 1
                GROUP BY 1
                """) {
                out[row[0]] = row[1]
            }
            return out
        }
    }

    public func orderSummaries(until: Date, after: ProfileID?, limit: Int) async throws -> [OrderSummary] {
        try await pool.read { db in
            let rows = try Row.fetchAll(db, sql: """
                WITH orders AS (
                  SELECT profile_id, timestamp / \(OrderSummary.dayMilliseconds) AS day, \(Self.orderValue) AS value
                  FROM events WHERE name = 'Order Completed' AND type = 'track' AND timestamp <= ? AND profile_id > ?
                ), days AS (
                  SELECT profile_id, day, SUM(value) AS value, COUNT(*) AS orders FROM orders GROUP BY profile_id, day
                ), ranked AS (
                  SELECT profile_id, day, value, orders, ROW_NUMBER() OVER (PARTITION BY profile_id ORDER BY day) AS n FROM days
                )
                SELECT profile_id, SUM(orders), COUNT(*), MIN(day), MAX(day), SUM(value), SUM(CASE WHEN n > 1 THEN value ELSE 0 END)
                FROM ranked GROUP BY profile_id ORDER BY profile_id LIMIT ?
                """, arguments: [until.millisecondsSince1970, after?.rawValue ?? "", max(1, limit)])
            return rows.map { r in
                OrderSummary(profileId: ProfileID(r[0] as String), orders: r[1], orderDays: r[2], firstDay: r[3], lastDay: r[4],
                             totalValue: r[5], repeatValue: r[6])
            }
        }
    }

    /// A JSON value at `path` of `json` as a number: JSON numbers, and strings holding a decimal number
    /// (as ``JSONValue/doubleValue`` reads them); NULL otherwise.
    static func number(_ json: String, _ path: String) -> String {
        let text = "trim(json_extract(\(json), '\(path)'))"
        return """
            (CASE json_type(\(json), '\(path)') WHEN 'integer' THEN json_extract(\(json), '\(path)') \
            WHEN 'real' THEN json_extract(\(json), '\(path)') \
            WHEN 'text' THEN (CASE WHEN \(text) GLOB '*[0-9]*' AND \(text) NOT GLOB '*[^0-9.eE+-]*' THEN CAST(\(text) AS REAL) END) END)
            """
    }

    /// `ProfileState.orderValue` in SQL: `revenue`, else `total`, else Σ `products[].price × quantity`.
    static let orderValue = """
        COALESCE(\(number("properties", "$.revenue")), \(number("properties", "$.total")),
          (SELECT SUM(COALESCE(\(number("value", "$.price")), 0) * COALESCE(\(number("value", "$.quantity")), 1))
           FROM json_each(CASE WHEN json_type(properties, '$.products') = 'array' THEN json_extract(properties, '$.products') ELSE '[]' END)
           WHERE json_type(value) = 'object'), 0)
        """
}

// MARK: - Computed traits

// MARK: - ComputedTraitStore

extension SQLiteDatabase {
    public func writeComputedTraits(_ traits: [ComputedTrait], at: Date) async throws {
        guard !traits.isEmpty else { return }
        try await durableWrite { db in
            let statement = try db.cachedStatement(sql: """
                INSERT INTO computed_traits (profile_id, name, number, text, updated_at) VALUES (?, ?, ?, ?, ?)
                ON CONFLICT (profile_id, name) DO UPDATE SET number = excluded.number, text = excluded.text, updated_at = excluded.updated_at
                """)
            let ms = at.millisecondsSince1970
            for t in traits {
                try statement.execute(arguments: [t.profileId.rawValue, t.name, t.number, t.text, ms])
            }
        }
    }

    public func computedTraits(of profile: ProfileID) async throws -> [ComputedTrait] {
        try await pool.read { db in
            try Row.fetchAll(db, sql: "SELECT name, number, text, updated_at FROM computed_traits WHERE profile_id = ? ORDER BY name",
                             arguments: [profile.rawValue]).map { r in
                ComputedTrait(profileId: profile, name: r[0], number: r[1], text: r[2], updatedAt: Date(millisecondsSince1970: r[3]))
            }
        }
    }
}
