import Foundation
import PostgresNIO
public import TailorCore
public import TailorStore

// MARK: - ProfileSearchStore

extension PostgresDatabase {
    public func profilesNamed(_ query: String, scanning: Int, limit: Int) async throws -> [ProfileSummary] {
        try await withContext("searching profiles") {
            try await self.client.withConnection { conn in
                var found: [ProfileSummary] = []
                for r in try await self.rows("""
                    SELECT id, personal, last_seen FROM profiles WHERE merged_into IS NULL AND personal IS NOT NULL
                    ORDER BY updated_at DESC, id LIMIT \(scanning)
                    """, on: conn) {
                    let personal = try self.cipher.openJSON(try r[1].decode(Data?.self))
                    guard PersonName.matches(personal, query) else { continue }
                    found.append(ProfileSummary(id: ProfileID(try r[0].decode(String.self)), userIds: [], personal: Personal(personal),
                                                lastSeen: try r[2].decode(Int64?.self).map(Date.init(millisecondsSince1970:))))
                    if found.count == limit { break }
                }
                return try await self.withUserIds(found, on: conn)
            }
        }
    }

    public func profileSummaries(_ ids: [ProfileID]) async throws -> [ProfileSummary] {
        guard !ids.isEmpty else { return [] }
        return try await withContext("reading profiles") {
            try await self.client.withConnection { conn in
                var byID: [String: ProfileSummary] = [:]
                for r in try await self.rows("SELECT id, personal, last_seen FROM profiles WHERE id = ANY(\(ids.map(\.rawValue)))", on: conn) {
                    let id = try r[0].decode(String.self)
                    let personal = try self.cipher.openJSON(try r[1].decode(Data?.self))
                    byID[id] = ProfileSummary(id: ProfileID(id), userIds: [], personal: Personal(personal),
                                              lastSeen: try r[2].decode(Int64?.self).map(Date.init(millisecondsSince1970:)))
                }
                return try await self.withUserIds(ids.compactMap { byID[$0.rawValue] }, on: conn)
            }
        }
    }

    /// The summaries with their user ids filled in, sorted.
    func withUserIds(_ summaries: [ProfileSummary], on conn: PostgresConnection) async throws -> [ProfileSummary] {
        guard !summaries.isEmpty else { return summaries }
        var users: [String: [String]] = [:]
        for r in try await rows("""
            SELECT profile_id, value FROM identities WHERE kind = 'user' AND profile_id = ANY(\(summaries.map(\.id.rawValue))) ORDER BY value
            """, on: conn) {
            users[try r[0].decode(String.self), default: []].append(try r[1].decode(String.self))
        }
        return summaries.map { var s = $0; s.userIds = users[s.id.rawValue] ?? []; return s }
    }
}
