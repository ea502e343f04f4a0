public import Foundation
import PostgresNIO
public import TailorCore
public import TailorStore

// MARK: - ConsentStore

extension PostgresDatabase {
    @discardableResult
    public func appendConsent(_ entries: [ConsentEntry], at now: Date) async throws -> Int {
        guard !entries.isEmpty else { return 0 }
        let profiles = entries.map(\.profileID.rawValue)
        let purposes = entries.map(\.purpose.rawValue)
        let statuses = entries.map(\.status.rawValue)
        let decided = entries.map { $0.at.millisecondsSince1970 }
        let sources = entries.map(\.source.rawValue)
        let bases = entries.map(\.lawfulBasis.rawValue)
        let expires = PostgresArray(entries.map { $0.expiresAt?.millisecondsSince1970 })
        let proofs = PostgresArray(try entries.map { try cipher.sealJSON($0.proof) })
        let keys = PostgresArray(entries.map { PostgresText.clean($0.key) })
        let nowMs = now.millisecondsSince1970
        return try await withContext("recording consent") {
            try await self.client.withConnection { conn in
                try await self.rows("""
                    INSERT INTO consent_ledger (profile_id, \(unescaped: ConsentRecord.columns), entry_key)
                    SELECT p, u, s, d, o, b, e, r, \(nowMs), k
                    FROM UNNEST(\(profiles)::text[], \(purposes)::text[], \(statuses)::text[], \(decided)::int8[], \(sources)::text[],
                                \(bases)::text[], \(expires)::int8[], \(proofs)::bytea[], \(keys)::text[])
                      WITH ORDINALITY AS x(p, u, s, d, o, b, e, r, k, ord)
                    ORDER BY ord
                    ON CONFLICT DO NOTHING
                    RETURNING id
                    """, on: conn).count
            }
        }
    }

    public func consentHistory(of profile: ProfileID) async throws -> [ConsentEntry] {
        try await withContext("reading consent") {
            try await self.client.withConnection { conn in
                try await self.rows("""
                    SELECT \(unescaped: ConsentRecord.columns) FROM consent_ledger
                    WHERE profile_id = \(profile.rawValue) OR profile_id IN (SELECT id FROM profiles WHERE merged_into = \(profile.rawValue))
                    ORDER BY id
                    """, on: conn).map { try self.consentEntry($0, owner: profile.rawValue, offset: 0) }
            }
        }
    }

    public func latestConsent(of profiles: [ProfileID], purpose: ConsentPurpose) async throws -> [ProfileID: ConsentEntry] {
        guard !profiles.isEmpty else { return [:] }
        let ids = profiles.map(\.rawValue)
        return try await withContext("reading consent") {
            try await self.client.withConnection { conn in
                var out: [ProfileID: ConsentEntry] = [:]
                for r in try await self.rows("""
                    SELECT owner, \(unescaped: ConsentRecord.columns) FROM (
                      SELECT COALESCE(p.merged_into, c.profile_id) AS owner, c.*,
                             ROW_NUMBER() OVER (PARTITION BY COALESCE(p.merged_into, c.profile_id) ORDER BY c.decided_at DESC, c.id DESC) AS n
                      FROM consent_ledger c LEFT JOIN profiles p ON p.id = c.profile_id
                      WHERE c.purpose = \(purpose.rawValue)
                        AND (c.profile_id = ANY(\(ids)::text[]) OR c.profile_id IN (SELECT id FROM profiles WHERE merged_into = ANY(\(ids)::text[])))
                    ) AS latest WHERE n = 1
                    """, on: conn) {
                    let entry = try self.consentEntry(r, owner: try r[0].decode(String.self), offset: 1)
                    out[entry.profileID] = entry
                }
                return out
            }
        }
    }

    public func consentEntries(purpose: ConsentPurpose, after: Int64, limit: Int) async throws -> [(id: Int64, entry: ConsentEntry)] {
        let columns = ConsentRecord.columns.split(separator: ",").map { "c." + $0.trimmingCharacters(in: .whitespaces) }.joined(separator: ", ")
        return try await withContext("reading consent") {
            try await self.client.withConnection { conn in
                try await self.rows("""
                    SELECT c.id, COALESCE(p.merged_into, c.profile_id), \(unescaped: columns)
                    FROM consent_ledger c LEFT JOIN profiles p ON p.id = c.profile_id
                    WHERE c.purpose = \(purpose.rawValue) AND c.id > \(after) ORDER BY c.id LIMIT \(limit)
                    """, on: conn).map { r in
                    (id: try r[0].decode(Int64.self), entry: try self.consentEntry(r, owner: try r[1].decode(String.self), offset: 2))
                }
            }
        }
    }

    func consentEntry(_ r: PostgresRandomAccessRow, owner: String, offset i: Int) throws -> ConsentEntry {
        try ConsentRecord.entry(owner: owner, purpose: try r[i].decode(String.self), status: try r[i + 1].decode(String.self),
                                decidedAt: try r[i + 2].decode(Int64.self), source: try r[i + 3].decode(String.self),
                                lawfulBasis: try r[i + 4].decode(String.self), expiresAt: try r[i + 5].decode(Int64?.self),
                                proof: try r[i + 6].decode(Data?.self), recordedAt: try r[i + 7].decode(Int64.self), cipher: cipher)
    }
}
