import Foundation
import PostgresNIO
public import TailorCore
import TailorStore

// MARK: - Reading the event log

extension PostgresDatabase {
    public func events(of profile: ProfileID, before: Int64?, limit: Int) async throws -> [StoredEvent] {
        try await withContext("reading events") {
            try await self.client.withConnection { conn in
                let rows = try await self.rows("""
                    SELECT \(unescaped: Self.eventColumns), seq FROM events
                    WHERE profile_id = \(profile.rawValue) AND seq < \(before ?? Int64.max) ORDER BY seq DESC LIMIT \(Int64(max(0, limit)))
                    """, on: conn)
                return try rows.map { r in
                    StoredEvent(sequence: try r[11].decode(Int64.self), profileId: profile,
                                message: try Self.eventRow(r).message(cipher: self.cipher))
                }
            }
        }
    }


    public func events(messageIds: [String]) async throws -> [String: StoredEvent] {
        guard !messageIds.isEmpty else { return [:] }
        let ids = Array(Set(messageIds.map { PostgresText.clean($0) }))
        return try await withContext("reading events") {
            try await self.client.withConnection { conn in
                var out: [String: StoredEvent] = [:]
                for r in try await self.rows("SELECT \(unescaped: Self.eventColumns), seq FROM events WHERE message_id = ANY(\(ids))", on: conn) {
                    let message = try Self.eventRow(r).message(cipher: self.cipher)
                    out[message.messageId] = StoredEvent(sequence: try r[11].decode(Int64.self), profileId: ProfileID(try r[1].decode(String.self)),
                                                         message: message)
                }
                return out
            }
        }
    }

    /// Recomputes profiles from their events, 500 at a time, each chunk in a transaction that locks its
    /// profiles so that a concurrent ingest waits rather than being overwritten.
    public func rebuildProfiles(progress: (@Sendable (Int, Int) -> Void)?) async throws -> Int {
        let total = try await counts().profiles
        var done = 0
        var after: ProfileID? = nil
        while true {
            let ids = try await profileIDs(after: after, limit: 500)
            guard let last = ids.last else { break }
            try await withContext("rebuilding profiles") {
                try await self.retrying {
                    try await self.transaction { conn in
                        let locked = try await self.rows("""
                            SELECT \(unescaped: Self.profileColumns) FROM profiles
                            WHERE id = ANY(\(ids.map(\.rawValue))) AND merged_into IS NULL ORDER BY id FOR UPDATE
                            """, on: conn).map(Self.profileRow)
                        let lockedIds = locked.map { ProfileID($0.id) }
                        let identities = try await self.identities(of: lockedIds, on: conn)
                        let histories = try await self.histories(of: lockedIds, on: conn)
                        let now = Date()
                        var rows: [ProfileRow] = []
                        for row in locked {
                            let id = ProfileID(row.id)
                            var aggregate = try row.aggregate(cipher: self.cipher, identities: identities[id] ?? [])
                            aggregate.rebuild(from: histories[id] ?? [])
                            rows.append(try ProfileRow(aggregate, updatedAt: now, cipher: self.cipher, policy: self.policy))
                        }
                        try await self.saveProfiles(rows, on: conn)
                    }
                }
            }
            done += ids.count
            progress?(done, total)
            after = last
        }
        return done
    }
}
