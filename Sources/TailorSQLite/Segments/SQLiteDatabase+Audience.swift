import Foundation
import GRDB
public import TailorCore
import TailorStore

// MARK: - Audiences and stored memberships on SQLite

extension SQLiteDatabase {
    public func audience(_ condition: Condition, limit: Int?) async throws -> [ProfileID] {
        let now = segmentRuntime.now
        return try await pool.read { db in
            let catalog = try self.catalog(db)
            var query = SegmentSQL.audience(condition, dialect: .sqlite, now: now, segments: catalog.evaluator.segments)
            if let limit { query.sql += " LIMIT \(max(0, limit))" }
            let members = try Self.references(query, db)
            return try String.fetchAll(db, sql: query.sql, arguments: Self.arguments(query.binds, members: members)).map { ProfileID($0) }
        }
    }

    public func audienceCount(_ condition: Condition) async throws -> Int {
        let now = segmentRuntime.now
        return try await pool.read { db in
            let catalog = try self.catalog(db)
            let query = SegmentSQL.audience(condition, dialect: .sqlite, now: now, segments: catalog.evaluator.segments, countOnly: true)
            let members = try Self.references(query, db)
            return try Int.fetchOne(db, sql: query.sql, arguments: Self.arguments(query.binds, members: members)) ?? 0
        }
    }

    /// Runs an audience's referenced segments in order; returns each one's ids as the JSON array its binds take.
    static func references(_ query: AudienceQuery, _ db: Database) throws -> [String: String] {
        var members: [String: String] = [:]
        for r in query.references {
            let ids = try String.fetchAll(db, sql: r.sql, arguments: arguments(r.binds, members: members))
            members[r.segment] = JSONWriter.string(.array(ids.map { .string($0) }))
        }
        return members
    }

    static func arguments(_ binds: [SQLBind], members: [String: String] = [:]) -> StatementArguments {
        StatementArguments(binds.map { b -> (any DatabaseValueConvertible) in
            switch b {
            case .text(let s): s
            case .integer(let i): i
            case .real(let d): d
            case .members(let segment): members[segment] ?? "[]"
            }
        })
    }

    public func members(of segmentId: String, after: ProfileID?, limit: Int) async throws -> [ProfileID] {
        try await pool.read { db in
            try String.fetchAll(db, sql: "SELECT profile_id FROM segment_members WHERE segment_id = ? AND profile_id > ? ORDER BY profile_id LIMIT ?",
                                arguments: [segmentId, after?.rawValue ?? "", limit]).map { ProfileID($0) }
        }
    }

    public func memberCount(of segmentId: String) async throws -> Int {
        try await pool.read { db in try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM segment_members WHERE segment_id = ?", arguments: [segmentId]) ?? 0 }
    }

    public func userIds(of profiles: [ProfileID]) async throws -> [ProfileID: String] {
        try await pool.read { db in
            var out: [ProfileID: String] = [:]
            for chunk in profiles.map(\.rawValue).chunked(400) {
                for r in try Row.fetchAll(db, sql: """
                    SELECT profile_id, MIN(value) FROM identities WHERE kind = 'user' AND profile_id IN (\(Self.placeholders(chunk.count)))
                    GROUP BY profile_id
                    """, arguments: StatementArguments(Array(chunk))) {
                    out[ProfileID(r[0] as String)] = r[1]
                }
            }
            return out
        }
    }

    public func memberships(of profile: ProfileID) async throws -> [String] {
        try await pool.read { db in
            try String.fetchAll(db, sql: "SELECT segment_id FROM segment_members WHERE profile_id = ? ORDER BY segment_id", arguments: [profile.rawValue])
        }
    }

    public func membershipHistory(segment: String?, profile: ProfileID?, limit: Int) async throws -> [MembershipChange] {
        try await pool.read { db in
            var sql = "SELECT profile_id, segment_id, segment_name, entered, at, reason FROM segment_history WHERE 1 = 1"
            var args: [any DatabaseValueConvertible] = []
            if let segment {
                sql += " AND segment_id = ?"
                args.append(segment)
            }
            if let profile {
                sql += " AND profile_id = ?"
                args.append(profile.rawValue)
            }
            sql += " ORDER BY id DESC LIMIT ?"
            args.append(limit)
            return try Row.fetchAll(db, sql: sql, arguments: StatementArguments(args)).map { r in
                MembershipChange(profile: ProfileID(r[0] as String), segmentId: r[1], segmentName: r[2], entered: r[3],
                                 at: Date(millisecondsSince1970: r[4]), reason: r[5])
            }
        }
    }

    public func segmentSubject(_ profile: ProfileID) async throws -> SegmentSubject? {
        let cipher = self.cipher
        return try await pool.read { db in
            let catalog = try self.catalog(db)
            let aggregates = try Self.loadAggregates(db, ids: [profile], cipher: cipher)
            var inputs = try self.membershipInputs(db, catalog: catalog, aggregates: aggregates, now: self.segmentRuntime.now,
                                                   affected: { _ in nil })
            guard var input = inputs.popLast() else { return nil }
            // Explain shows values of any event and computed trait, not only those the catalog reads.
            input.subject.computed = try Self.computedValues(db, list: "?", arguments: [profile.rawValue])[profile] ?? [:]
            let rows = try Row.fetchAll(db, sql: "SELECT type, name, timestamp, properties FROM events WHERE profile_id = ?", arguments: [profile.rawValue])
            input.subject.events = rows.compactMap { r in
                MessageType(rawValue: r[0]).map { SubjectEvent(type: $0, name: r[1], milliseconds: r[2], properties: SegmentRecord.properties(r[3])) }
            }
            return input.subject
        }
    }
}
