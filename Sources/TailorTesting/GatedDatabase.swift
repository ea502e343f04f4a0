public import Foundation
import Synchronization
public import TailorCore
public import TailorStore

/// A database that holds every `ingest` until the test opens the gate: for testing back-pressure and
/// what callers see while a write is in flight. Everything else goes straight to the wrapped database.
public final class GatedDatabase: TailorDatabase {
    let base: any TailorDatabase
    let state = Mutex<(open: Bool, waiters: [CheckedContinuation<Void, Never>], entered: Int)>((false, [], 0))

    public init(_ base: any TailorDatabase) { self.base = base }

    /// How many ingest calls have reached the gate.
    public var entered: Int { state.withLock { $0.entered } }

    public func open() {
        let waiters = state.withLock { s in
            s.open = true
            defer { s.waiters = [] }
            return s.waiters
        }
        for w in waiters { w.resume() }
    }

    public func ingest(_ messages: [Message], planner: IngestPlanner) async throws -> IngestResult {
        await withCheckedContinuation { (c: CheckedContinuation<Void, Never>) in
            let pass = state.withLock { s -> Bool in
                s.entered += 1
                if s.open { return true }
                s.waiters.append(c)
                return false
            }
            if pass { c.resume() }
        }
        return try await base.ingest(messages, planner: planner)
    }

    public func events(of profile: ProfileID, before: Int64?, limit: Int) async throws -> [StoredEvent] {
        try await base.events(of: profile, before: before, limit: limit)
    }
    public func rebuildProfiles(progress: (@Sendable (Int, Int) -> Void)?) async throws -> Int { try await base.rebuildProfiles(progress: progress) }
    public func profile(_ reference: ProfileReference) async throws -> ProfileView? { try await base.profile(reference) }
    public func aggregate(_ id: ProfileID) async throws -> ProfileAggregate? { try await base.aggregate(id) }
    public func merges(into profile: ProfileID) async throws -> [MergeRecord] { try await base.merges(into: profile) }
    public func profileIDs(after: ProfileID?, limit: Int) async throws -> [ProfileID] { try await base.profileIDs(after: after, limit: limit) }
    public func upsertProducts(_ products: [Product]) async throws { try await base.upsertProducts(products) }
    public func products() async throws -> [Product] { try await base.products() }
    public func product(id: String) async throws -> Product? { try await base.product(id: id) }
    public func migrate() async throws -> [String] { try await base.migrate() }
    public func counts() async throws -> StoreCounts { try await base.counts() }
    public func close() async throws { try await base.close() }
}
