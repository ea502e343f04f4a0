public import TailorCore

/// What ingest needs of storage: a batch applied atomically, the event log read back, state rebuilt.
public protocol EventStore: Sendable {
    /// Resolves identities, stores the new events and updates profiles' state, all in one transaction.
    /// When it returns, the events are durable. Messages already stored (same `messageId`) are skipped.
    func ingest(_ messages: [Message], planner: IngestPlanner) async throws -> IngestResult

    /// Does the part of ingesting `messages` that needs no database (see ``PreparedBatch``); cheap to
    /// call from many tasks at once.
    func prepareIngest(_ messages: [Message]) throws -> PreparedBatch

    /// ``ingest(_:planner:)`` for a prepared batch.
    func ingest(_ batch: PreparedBatch, planner: IngestPlanner) async throws -> IngestResult

    /// ``ingest(_:planner:)`` that returns as soon as the batch is committed (readable), maybe before it is
    /// durable; `whenDurable` is then called once, with the result when the batch is durable or with the
    /// error that keeps it from being. A caller that commits group after group (`IngestService`) commits
    /// the next group while the disk syncs this one. When this throws, nothing was committed and
    /// `whenDurable` is not called.
    func ingest(_ batch: PreparedBatch, planner: IngestPlanner,
                whenDurable: @escaping @Sendable (Result<IngestResult, any Error>) -> Void) async throws

    /// A profile's events, newest first, before the `before` sequence number when given.
    func events(of profile: ProfileID, before: Int64?, limit: Int) async throws -> [StoredEvent]

    /// The stored events with these message ids (those not stored are absent).
    func events(messageIds: [String]) async throws -> [String: StoredEvent]

    /// Recomputes every profile's traits and state from its events; returns how many profiles.
    func rebuildProfiles(progress: (@Sendable (Int, Int) -> Void)?) async throws -> Int

    /// The steps run inside every transaction that stores events (``EventStep``).
    var eventSteps: EventStepRegistry { get }
}

extension EventStore {
    /// A store that prepares nothing ahead: everything happens in its transaction.
    public func prepareIngest(_ messages: [Message]) throws -> PreparedBatch { PreparedBatch(messages: messages) }

    public func ingest(_ batch: PreparedBatch, planner: IngestPlanner) async throws -> IngestResult {
        try await ingest(batch.messages, planner: planner)
    }

    /// A store whose commits are durable when they return.
    public func ingest(_ batch: PreparedBatch, planner: IngestPlanner,
                       whenDurable: @escaping @Sendable (Result<IngestResult, any Error>) -> Void) async throws {
        whenDurable(.success(try await ingest(batch, planner: planner)))
    }
}
