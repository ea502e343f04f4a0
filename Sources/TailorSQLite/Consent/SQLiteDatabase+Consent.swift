public import Foundation
import GRDB
public import TailorCore
public import TailorStore

// MARK: - ConsentStore

extension SQLiteDatabase {
    @discardableResult
    public func appendConsent(_ entries: [ConsentEntry], at now: Date) async throws -> Int {
        guard !entries.isEmpty else { return 0 }
        let cipher = self.cipher
        let rows = try entries.map { ($0, try cipher.sealJSON($0.proof)) }
        let nowMs = now.millisecondsSince1970
        return try await durableWrite { db in
            let insert = try db.cachedStatement(sql: """
                INSERT INTO consent_ledger (profile_id, \(ConsentRecord.columns), entry_key) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                ON CONFLICT DO NOTHING
                """)
            var appended = 0
            for (e, proof) in rows {
                try insert.execute(arguments: [e.profileID.rawValue, e.purpose.rawValue, e.status.rawValue, e.at.millisecondsSince1970,
                                               e.source.rawValue, e.lawfulBasis.rawValue, e.expiresAt?.millisecondsSince1970, proof, nowMs, e.key])
                appended += db.changesCount
            }
            return appended
        }
    }

    public func consentHistory(of profile: ProfileID) async throws -> [ConsentEntry] {
        let cipher = self.cipher
        return try await pool.read { db in
            try Row.fetchAll(db, sql: """
                SELECT \(ConsentRecord.columns) FROM consent_ledger
                WHERE profile_id = ? OR profile_id IN (SELECT id FROM profiles WHERE merged_into = ?) ORDER BY id
                """, arguments: [profile.rawValue, profile.rawValue]).map { try Self.consentEntry($0, owner: profile.rawValue, offset: 0, cipher: cipher) }
        }
    }

    public func latestConsent(of profiles: [ProfileID], purpose: ConsentPurpose) async throws -> [ProfileID: ConsentEntry] {
        guard !profiles.isEmpty else { return [:] }
        let cipher = self.cipher
        return try await pool.read { db in
            var out: [ProfileID: ConsentEntry] = [:]
            for chunk in stride(from: 0, to: profiles.count, by: 400) {
                let ids = profiles[chunk..<min(profiles.count, chunk + 400)].map(\.rawValue)
                let list = ids.map { _ in "?" }.joined(separator: ", ")
                let rows = try Row.fetchAll(db, sql: """
                    SELECT owner, \(ConsentRecord.columns) FROM (
                      SELECT COALESCE(p.merged_into, c.profile_id) AS owner, c.*,
                             ROW_NUMBER() OVER (PARTITION BY COALESCE(p.merged_into, c.profile_id) ORDER BY c.decided_at DESC, c.id DESC) AS n
                      FROM consent_ledger c LEFT JOIN profiles p ON p.id = c.profile_id
                      WHERE c.purpose = ? AND (c.profile_id IN (\(list)) OR c.profile_id IN (SELECT id FROM profiles WHERE merged_into IN (\(list))))
                    ) WHERE n = 1
                    """, arguments: StatementArguments([purpose.rawValue as any DatabaseValueConvertible] + ids.map { $0 as any DatabaseValueConvertible }
                                                       + ids.map { $0 as any DatabaseValueConvertible }))
                for row in rows {
                    let entry = try Self.consentEntry(row, owner: row[0], offset: 1, cipher: cipher)
                    out[entry.profileID] = entry
                }
            }
            return out
        }
    }

    public func consentEntries(purpose: ConsentPurpose, after: Int64, limit: Int) async throws -> [(id: Int64, entry: ConsentEntry)] {
        let cipher = self.cipher
        return try await pool.read { db in
            try Row.fetchAll(db, sql: """
                SELECT c.id, COALESCE(p.merged_into, c.profile_id), \(ConsentRecord.columns.split(separator: ",").map { "c." + $0.trimmingCharacters(in: .whitespaces) }.joined(separator: ", "))
                FROM consent_ledger c LEFT JOIN profiles p ON p.id = c.profile_id
                WHERE c.purpose = ? AND c.id > ? ORDER BY c.id LIMIT ?
                """, arguments: [purpose.rawValue, after, limit]).map { row in
                (id: row[0] as Int64, entry: try Self.consentEntry(row, owner: row[1], offset: 2, cipher: cipher))
            }
        }
    }

    static func consentEntry(_ row: Row, owner: String, offset i: Int, cipher: FieldCipher) throws -> ConsentEntry {
        try ConsentRecord.entry(owner: owner, purpose: row[i], status: row[i + 1], decidedAt: row[i + 2], source: row[i + 3],
                                lawfulBasis: row[i + 4], expiresAt: row[i + 5], proof: row[i + 6], recordedAt: row[i + 7], cipher: cipher)
    }
}
