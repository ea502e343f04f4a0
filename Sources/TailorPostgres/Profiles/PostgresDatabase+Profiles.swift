import Foundation
import PostgresNIO
public import TailorCore
import TailorStore

// MARK: - ProfileStore

extension PostgresDatabase {
    public func profile(_ reference: ProfileReference) async throws -> ProfileView? {
        try await withContext("reading a profile") {
            try await self.transaction(readOnly: true) { conn -> ProfileView? in
                guard let id = try await self.resolve(reference, on: conn), let row = try await self.loadRow(id, on: conn) else { return nil }
                let identities = try await self.identities(of: [id], on: conn)[id] ?? []
                let aggregate = try row.aggregate(cipher: self.cipher, identities: identities)
                let (plain, personal) = self.policy.split(aggregate.traits.values)
                var counts: [String: Int] = [:]
                for r in try await self.rows("SELECT name, COUNT(*) FROM events WHERE profile_id = \(id.rawValue) GROUP BY name", on: conn) {
                    counts[try r[0].decode(String.self)] = Int(try r[1].decode(Int64.self))
                }
                return ProfileView(id: id, createdAt: aggregate.createdAt, traits: plain, personal: Personal(personal), state: aggregate.state,
                                   identities: aggregate.identities.sorted { ($0.kind.rawValue, $0.value) < ($1.kind.rawValue, $1.value) },
                                   eventCounts: counts)
            }
        }
    }

    /// The live profile a reference leads to, following merges.
    func resolve(_ reference: ProfileReference, on conn: PostgresConnection) async throws -> ProfileID? {
        var id: String
        switch reference {
        case .id(let p):
            id = p.rawValue
        case .identity(let identity):
            let rows = try await rows("""
                SELECT profile_id FROM identities WHERE kind = \(identity.kind.rawValue) AND value = \(storageKey(identity))
                """, on: conn)
            guard let first = rows.first else { return nil }
            id = try first[0].decode(String.self)
        }
        // Merges keep `merged_into` pointing at the final survivor; the loop only guards against older rows.
        for _ in 0..<16 {
            let rows = try await rows("SELECT merged_into FROM profiles WHERE id = \(id)", on: conn)
            guard let first = rows.first else { return nil }
            guard let next = try first[0].decode(String?.self) else { return ProfileID(id) }
            id = next
        }
        throw StoreError(.corruptRow, "profile \(id): merge chain too long")
    }

    func loadRow(_ id: ProfileID, on conn: PostgresConnection) async throws -> ProfileRow? {
        try await rows("SELECT \(unescaped: Self.profileColumns) FROM profiles WHERE id = \(id.rawValue)", on: conn).first.map(Self.profileRow)
    }

    public func aggregate(_ id: ProfileID) async throws -> ProfileAggregate? {
        try await withContext("reading a profile") {
            try await self.transaction(readOnly: true) { conn -> ProfileAggregate? in
                guard let row = try await self.loadRow(id, on: conn) else { return nil }
                return try row.aggregate(cipher: self.cipher, identities: try await self.identities(of: [id], on: conn)[id] ?? [])
            }
        }
    }

    public func merges(into profile: ProfileID) async throws -> [MergeRecord] {
        try await withContext("reading merges") {
            try await self.client.withConnection { conn in
                try await self.rows("""
                    SELECT from_profile, into_profile, reason, message_id, at FROM merges WHERE into_profile = \(profile.rawValue) ORDER BY id
                    """, on: conn).map { r in
                    MergeRecord(from: ProfileID(try r[0].decode(String.self)), into: ProfileID(try r[1].decode(String.self)),
                                reason: try r[2].decode(String.self), messageId: try r[3].decode(String.self),
                                at: Date(millisecondsSince1970: try r[4].decode(Int64.self)))
                }
            }
        }
    }

    public func profileIDs(after: ProfileID?, limit: Int) async throws -> [ProfileID] {
        try await withContext("listing profiles") {
            try await self.client.withConnection { conn in
                try await self.rows("""
                    SELECT id FROM profiles WHERE merged_into IS NULL AND id > \(after?.rawValue ?? "") ORDER BY id LIMIT \(Int64(max(0, limit)))
                    """, on: conn).map { ProfileID(try $0[0].decode(String.self)) }
            }
        }
    }
}
