public import Foundation
import Synchronization
public import TailorCore
public import TailorStore

/// An event store that holds every `ingest` until the test opens the gate: for testing back-pressure and
/// what callers see while a write is in flight. Reads go straight to the wrapped store; the other ports are
/// the database's own (``Stores/gated(_:)``).
public final class GatedDatabase: EventStore {
    let base: any EventStore
    let state = Mutex<(open: Bool, waiters: [CheckedContinuation<Void, Never>], entered: Int)>((false, [], 0))

    public init(_ base: any EventStore) { self.base = base }

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

    public var eventSteps: EventStepRegistry { base.eventSteps }

    public func events(messageIds: [String]) async throws -> [String: StoredEvent] { try await base.events(messageIds: messageIds) }
}

extension Stores {
    /// These ports with ingest held at a gate (the other ports go straight to their store).
    public func gated(_ gate: GatedDatabase) -> Stores {
        var copy = self
        copy.events = gate
        return copy
    }
}
