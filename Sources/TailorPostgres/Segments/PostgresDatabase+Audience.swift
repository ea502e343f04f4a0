import Foundation
import PostgresNIO
public import TailorCore
import TailorStore

// MARK: - Audiences and stored memberships on PostgreSQL

extension PostgresDatabase {
    /// Runs an audience's queries on one connection: its referenced segments in order, then the audience.
    func audienceRows(_ condition: Condition, countOnly: Bool, limit: Int?, on conn: PostgresConnection) async throws -> [PostgresRandomAccessRow] {
        let catalog = try await catalog(conn)
        var query = SegmentSQL.audience(condition, dialect: .postgres, now: segmentRuntime.now, segments: catalog.evaluator.segments,
                                        countOnly: countOnly)
        if let limit { query.sql += " LIMIT \(max(0, limit))" }
        var members: [String: [String]] = [:]
        for r in query.references {
            members[r.segment] = try await rows(Self.query(r.sql, r.binds, members: members), on: conn).map { try $0[0].decode(String.self) }
        }
        return try await rows(Self.query(query.sql, query.binds, members: members), on: conn)
    }

    static func query(_ sql: String, _ binds: [SQLBind], members: [String: [String]]) -> PostgresQuery {
        var bindings = PostgresBindings(capacity: binds.count)
        for b in binds {
            switch b {
            case .text(let s): bindings.append(PostgresText.clean(s))
            case .integer(let i): bindings.append(i)
            case .real(let d): bindings.append(d)
            case .members(let segment): bindings.append(members[segment] ?? [])
            }
        }
        return PostgresQuery(unsafeSQL: sql, binds: bindings)
    }

    public func audience(_ condition: Condition, limit: Int?) async throws -> [ProfileID] {
        try await withContext("computing an audience") {
            try await self.client.withConnection { conn in
                try await self.audienceRows(condition, countOnly: false, limit: limit, on: conn).map { ProfileID(try $0[0].decode(String.self)) }
            }
        }
    }

    public func audienceCount(_ condition: Condition) async throws -> Int {
        try await withContext("counting an audience") {
            try await self.client.withConnection { conn in
                Int(try await self.audienceRows(condition, countOnly: true, limit: nil, on: conn).first?[0].decode(Int64.self) ?? 0)
            }
        }
    }

    public func members(of segmentId: String, after: ProfileID?, limit: Int) async throws -> [ProfileID] {
        try await withContext("reading members") {
            try await self.client.withConnection { conn in
                try await self.rows("""
                    SELECT profile_id FROM segment_members WHERE segment_id = \(segmentId) AND profile_id > \(after?.rawValue ?? "")
                    ORDER BY profile_id LIMIT \(Int64(limit))
                    """, on: conn).map { ProfileID(try $0[0].decode(String.self)) }
            }
        }
    }

    public func memberCount(of segmentId: String) async throws -> Int {
        try await withContext("counting members") {
            try await self.client.withConnection { conn in
                Int(try await self.rows("SELECT COUNT(*) FROM segment_members WHERE segment_id = \(segmentId)", on: conn).first?[0].decode(Int64.self) ?? 0)
            }
        }
    }

    public func userIds(of profiles: [ProfileID]) async throws -> [ProfileID: String] {
        try await withContext("reading user ids") {
            try await self.client.withConnection { conn in
                var out: [ProfileID: String] = [:]
                for r in try await self.rows("""
                    SELECT profile_id, MIN(value) FROM identities WHERE kind = 'user' AND profile_id = ANY(\(profiles.map(\.rawValue)))
                    GROUP BY profile_id
                    """, on: conn) {
                    out[ProfileID(try r[0].decode(String.self))] = try r[1].decode(String.self)
                }
                return out
            }
        }
    }

    public func memberships(of profile: ProfileID) async throws -> [String] {
        try await withContext("reading memberships") {
            try await self.client.withConnection { conn in
                try await self.rows("SELECT segment_id FROM segment_members WHERE profile_id = \(profile.rawValue) ORDER BY segment_id", on: conn)
                    .map { try $0[0].decode(String.self) }
            }
        }
    }

    public func membershipHistory(segment: String?, profile: ProfileID?, limit: Int) async throws -> [MembershipChange] {
        try await withContext("reading membership history") {
            try await self.client.withConnection { conn in
                try await self.rows("""
                    SELECT profile_id, segment_id, segment_name, entered, at, reason FROM segment_history
                    WHERE (\(segment)::text IS NULL OR segment_id = \(segment)) AND (\(profile?.rawValue)::text IS NULL OR profile_id = \(profile?.rawValue))
                    ORDER BY id DESC LIMIT \(Int64(limit))
                    """, on: conn).map { r in
                    MembershipChange(profile: ProfileID(try r[0].decode(String.self)), segmentId: try r[1].decode(String.self),
                                     segmentName: try r[2].decode(String.self), entered: try r[3].decode(Bool.self),
                                     at: Date(millisecondsSince1970: try r[4].decode(Int64.self)), reason: try r[5].decode(String.self))
                }
            }
        }
    }

    public func segmentSubject(_ profile: ProfileID) async throws -> SegmentSubject? {
        try await withContext("reading a profile") {
            try await self.transaction(readOnly: true) { conn in
                guard let row = try await self.loadRow(profile, on: conn) else { return nil }
                let catalog = try await self.catalog(conn)
                let aggregate = try row.aggregate(cipher: self.cipher, identities: [])
                return try await self.membershipInputs(conn, catalog: catalog, aggregates: [profile: aggregate], now: self.segmentRuntime.now,
                                                       affected: { _ in nil },
                                                       allEvents: true).first?.subject
            }
        }
    }
}
