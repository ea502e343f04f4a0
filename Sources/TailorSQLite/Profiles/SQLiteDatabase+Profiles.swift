import Foundation
import GRDB
public import TailorCore
import TailorStore

// MARK: - ProfileStore

extension SQLiteDatabase {
    public func profile(_ reference: ProfileReference) async throws -> ProfileView? {
        let cipher = self.cipher
        let policy = self.policy
        return try await pool.read { db in
            guard let id = try Self.resolve(db, reference, cipher: cipher), let row = try Self.loadRow(db, id: id) else { return nil }
            let aggregate = try row.aggregate(cipher: cipher, identities: Self.loadIdentities(db, id: id))
            let (plain, personal) = policy.split(aggregate.traits.values)
            var counts: [String: Int] = [:]
            for r in try Row.fetchAll(db, sql: "SELECT name, COUNT(*) FROM events WHERE profile_id = ? GROUP BY name", arguments: [id.rawValue]) {
                counts[r[0]] = r[1]
            }
            return ProfileView(id: id, createdAt: aggregate.createdAt, traits: plain, personal: Personal(personal), state: aggregate.state,
                               identities: aggregate.identities.sorted { ($0.kind.rawValue, $0.value) < ($1.kind.rawValue, $1.value) },
                               eventCounts: counts)
        }
    }

    static func resolve(_ db: Database, _ reference: ProfileReference, cipher: FieldCipher) throws -> ProfileID? {
        var id: String?
        switch reference {
        case .id(let p): id = p.rawValue
        case .identity(let identity):
            id = try String.fetchOne(db, sql: "SELECT profile_id FROM identities WHERE kind = ? AND value = ?",
                                     arguments: [identity.kind.rawValue, cipher.storageKey(identity)])
        }
        guard let found = id else { return nil }
        let merged = try String?.fetchOne(db, sql: "SELECT merged_into FROM profiles WHERE id = ?", arguments: [found])
        guard let mergedRow = merged else { return nil }  // no such profile
        return ProfileID(mergedRow ?? found)
    }

    public func aggregate(_ id: ProfileID) async throws -> ProfileAggregate? {
        let cipher = self.cipher
        return try await pool.read { db in try Self.loadAggregate(db, id: id, cipher: cipher) }
    }

    public func merges(into profile: ProfileID) async throws -> [MergeRecord] {
        try await pool.read { db in
            try Row.fetchAll(db, sql: "SELECT from_profile, into_profile, reason, message_id, at FROM merges WHERE into_profile = ? ORDER BY id",
                             arguments: [profile.rawValue]).map { r in
                MergeRecord(from: ProfileID(r[0] as String), into: ProfileID(r[1] as String), reason: r[2], messageId: r[3],
                            at: Date(millisecondsSince1970: r[4]))
            }
        }
    }

    public func profileIDs(after: ProfileID?, limit: Int) async throws -> [ProfileID] {
        try await pool.read { db in
            try String.fetchAll(db, sql: "SELECT id FROM profiles WHERE merged_into IS NULL AND id > ? ORDER BY id LIMIT ?",
                                arguments: [after?.rawValue ?? "", limit]).map { ProfileID($0) }
        }
    }
}

// MARK: - Rows

extension SQLiteDatabase {
    static func loadRow(_ db: Database, id: ProfileID) throws -> ProfileRow? {
        let statement = try db.cachedStatement(sql: "SELECT \(ProfileRow.columns.joined(separator: ", ")) FROM profiles WHERE id = ?")
        // A cursor reads the columns in place instead of copying the row first.
        let cursor = try Row.fetchCursor(statement, arguments: [id.rawValue])
        guard let row = try cursor.next() else { return nil }
        return profileRow(row)
    }

    static func profileRow(_ row: Row) -> ProfileRow {
        ProfileRow(
            id: row[0], createdAt: row[1], updatedAt: row[2], traits: row[3], personal: row[4], traitStamps: row[5], eventCount: row[6],
            firstSeen: row[7], lastSeen: row[8], lastActivity: row[9], orderCount: row[10], revenue: row[11], lastOrderAt: row[12],
            lastOrderValue: row[13], lastOrderKey: row[14], emailOpens: row[15], emailClicks: row[16], cart: row[17], cartValue: row[18],
            cartUpdatedAt: row[19], cartLedger: row[20])
    }

    /// Several profiles with their identities, a few hundred per statement.
    static func loadAggregates(_ db: Database, ids: [ProfileID], cipher: FieldCipher) throws -> [ProfileID: ProfileAggregate] {
        var rows: [ProfileID: ProfileRow] = [:]
        var identities: [ProfileID: Set<Identity>] = [:]
        for chunk in ids.map(\.rawValue).chunked(400) {
            let list = placeholders(chunk.count)
            let cursor = try Row.fetchCursor(db, sql: "SELECT \(ProfileRow.columns.joined(separator: ", ")) FROM profiles WHERE id IN (\(list))",
                                             arguments: StatementArguments(Array(chunk)))
            while let row = try cursor.next() {
                let r = profileRow(row)
                rows[ProfileID(r.id)] = r
            }
            let links = try Row.fetchCursor(db, sql: "SELECT profile_id, kind, value FROM identities WHERE profile_id IN (\(list)) AND kind != 'email'",
                                            arguments: StatementArguments(Array(chunk)))
            while let row = try links.next() {
                if let kind = Identity.Kind(rawValue: row[1]) { identities[ProfileID(row[0] as String), default: []].insert(Identity(kind, row[2])) }
            }
        }
        var out: [ProfileID: ProfileAggregate] = [:]
        for (id, row) in rows { out[id] = try row.aggregate(cipher: cipher, identities: identities[id] ?? []) }
        return out
    }

    static func loadIdentities(_ db: Database, id: ProfileID) throws -> Set<Identity> {
        // Emails are stored as blind indexes and cannot be read back; user and anonymous ids can.
        let statement = try db.cachedStatement(sql: "SELECT kind, value FROM identities WHERE profile_id = ? AND kind != 'email'")
        let rows = try Row.fetchAll(statement, arguments: [id.rawValue])
        return Set(rows.compactMap { row in Identity.Kind(rawValue: row[0]).map { Identity($0, row[1]) } })
    }

    static func loadAggregate(_ db: Database, id: ProfileID, cipher: FieldCipher) throws -> ProfileAggregate? {
        guard let row = try loadRow(db, id: id) else { return nil }
        return try row.aggregate(cipher: cipher, identities: loadIdentities(db, id: id))
    }

}
