import Foundation
import GRDB
public import TailorCore
public import TailorStore

// MARK: - Events of known profiles

// MARK: - ProfileEventAppender

extension SQLiteDatabase {
    public func appendEvents(_ events: [(profile: ProfileID, message: Message)]) async throws -> IngestResult {
        guard !events.isEmpty else { return IngestResult() }
        let cipher = self.cipher
        let policy = self.policy
        let planner = IngestPlanner()
        return try await durableWrite { db in
            var survivors: [ProfileID: ProfileID] = [:]
            for id in Set(events.map(\.profile)) {
                if let survivor = try Self.resolve(db, .id(id), cipher: cipher), survivor != id { survivors[id] = survivor }
            }
            var snapshot = IngestSnapshot()
            snapshot.profiles = try Self.loadAggregates(db, ids: Array(Set(events.map { survivors[$0.profile] ?? $0.profile })), cipher: cipher)
            snapshot.existingMessageIds = try Self.storedMessageIds(db, among: events.map(\.message.messageId))
            let plan = planner.planAppend(events, survivors: survivors, snapshot: snapshot)
            let saved = try Self.apply(plan, db: db, now: Date(), cipher: cipher, policy: policy)
            // Opens and clicks can move profiles into engagement segments, in the same transaction.
            let changes = try self.maintainSegments(db, plan: plan, aggregates: saved).changes
            try self.runEventSteps(db, events: plan.events, changes: changes, now: self.segmentRuntime.now)
            return IngestResult(plan: plan)
        }
    }
}
