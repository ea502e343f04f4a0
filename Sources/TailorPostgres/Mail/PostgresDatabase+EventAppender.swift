import Foundation
import PostgresNIO
public import TailorCore
public import TailorStore

// MARK: - Events of known profiles

// MARK: - ProfileEventAppender

extension PostgresDatabase {
    /// Locks the events' profiles (and, for profiles merged away, their survivors) in id order, as ingest
    /// does, so a concurrent ingest or merge of the same profile waits; then plans with
    /// `IngestPlanner.planAppend` and writes with the ingest's `apply`.
    public func appendEvents(_ events: [(profile: ProfileID, message: Message)]) async throws -> IngestResult {
        guard !events.isEmpty else { return IngestResult() }
        let planner = IngestPlanner()
        let messageIds = Array(Set(events.map { PostgresText.clean($0.message.messageId) }))
        return try await withContext("appending events") {
            try await self.retrying {
                try await self.transaction { conn in
                    var locked: [ProfileID: ProfileRow] = [:]
                    var survivors: [ProfileID: ProfileID] = [:]
                    var toLock = Array(Set(events.map(\.profile.rawValue))).sorted()
                    for _ in 0..<4 where !toLock.isEmpty {
                        let rows = try await self.rows("""
                            SELECT \(unescaped: Self.profileColumns), merged_into FROM profiles WHERE id = ANY(\(toLock)) ORDER BY id FOR UPDATE
                            """, on: conn)
                        var next: [String] = []
                        for r in rows {
                            let row = try Self.profileRow(r)
                            if let into = try r[21].decode(String?.self) {
                                survivors[ProfileID(row.id)] = ProfileID(into)
                                if locked[ProfileID(into)] == nil { next.append(into) }
                            } else {
                                locked[ProfileID(row.id)] = row
                            }
                        }
                        toLock = Array(Set(next)).sorted()
                    }
                    // A survivor is the final one (merges repoint every earlier profile), so one hop suffices.
                    let identities = try await self.identities(of: Array(locked.keys), on: conn)
                    var snapshot = IngestSnapshot()
                    for (id, row) in locked { snapshot.profiles[id] = try row.aggregate(cipher: self.cipher, identities: identities[id] ?? []) }
                    for r in try await self.rows("SELECT message_id FROM events WHERE message_id = ANY(\(messageIds))", on: conn) {
                        snapshot.existingMessageIds.insert(try r[0].decode(String.self))
                    }
                    let plan = planner.planAppend(events, survivors: survivors, snapshot: snapshot)
                    if !plan.events.isEmpty {
                        let saved = try await self.apply(plan, snapshot: snapshot, on: conn)
                        // Opens and clicks can move profiles into engagement segments, in the same transaction.
                        let changes = try await self.maintainSegments(conn, plan: plan, aggregates: saved)
                        try await self.runEventSteps(conn, events: plan.events, changes: changes, now: self.segmentRuntime.now)
                    }
                    return IngestResult(plan: plan)
                }
            }
        }
    }
}
