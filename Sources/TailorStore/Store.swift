public import Foundation
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

    /// Recomputes every profile's traits and state from its events; returns how many profiles.
    func rebuildProfiles(progress: (@Sendable (Int, Int) -> Void)?) async throws -> Int
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

/// What the admin API and the engine read about profiles.
public protocol ProfileStore: Sendable {
    /// The profile, following merges (a merged-away id leads to the survivor).
    func profile(_ reference: ProfileReference) async throws -> ProfileView?
    /// The profile's traits and state as the engine keeps them.
    func aggregate(_ id: ProfileID) async throws -> ProfileAggregate?
    func merges(into profile: ProfileID) async throws -> [MergeRecord]
    /// All live (not merged-away) profile ids, in id order.
    func profileIDs(after: ProfileID?, limit: Int) async throws -> [ProfileID]
}

/// The product catalog.
public protocol ProductStore: Sendable {
    func upsertProducts(_ products: [Product]) async throws
    func products() async throws -> [Product]
    func product(id: String) async throws -> Product?
}

/// A database Tailor runs on: SQLite (embedded) or PostgreSQL.
public protocol TailorDatabase: EventStore, ProfileStore, ProductStore, SegmentStore {
    /// Applies the named, append-only migrations not applied yet; returns their names.
    @discardableResult func migrate() async throws -> [String]
    func counts() async throws -> StoreCounts
    func close() async throws
}

/// What one ingest call did.
public struct IngestResult: Sendable, Equatable {
    public var stored: Int
    public var duplicates: Int
    public var createdProfiles: Int
    public var merges: Int
    /// The ids of the messages stored (not those skipped as already there); not part of equality.
    public var storedMessageIds: Set<String> = []

    public init(stored: Int = 0, duplicates: Int = 0, createdProfiles: Int = 0, merges: Int = 0) {
        self.stored = stored
        self.duplicates = duplicates
        self.createdProfiles = createdProfiles
        self.merges = merges
    }

    /// The result of applying a plan.
    public init(plan: IngestPlan) {
        self.init(stored: plan.events.count, duplicates: plan.duplicates.count, createdProfiles: plan.createdProfiles.count,
                  merges: plan.merges.count)
        storedMessageIds = Set(plan.events.map(\.message.messageId))
    }

    /// The part of a result that concerns some of its messages (one caller's share of a group commit).
    /// Profiles created and merges are the whole transaction's.
    public func share(of messages: [Message]) -> IngestResult {
        var seen = Set<String>()
        var stored = 0
        for m in messages where seen.insert(m.messageId).inserted && storedMessageIds.contains(m.messageId) { stored += 1 }
        var result = IngestResult(stored: stored, duplicates: messages.count - stored, createdProfiles: createdProfiles, merges: merges)
        result.storedMessageIds = storedMessageIds.intersection(seen)
        return result
    }

    public static func == (a: IngestResult, b: IngestResult) -> Bool {
        a.stored == b.stored && a.duplicates == b.duplicates && a.createdProfiles == b.createdProfiles && a.merges == b.merges
    }

    public static func + (a: IngestResult, b: IngestResult) -> IngestResult {
        var sum = IngestResult(stored: a.stored + b.stored, duplicates: a.duplicates + b.duplicates,
                               createdProfiles: a.createdProfiles + b.createdProfiles, merges: a.merges + b.merges)
        sum.storedMessageIds = a.storedMessageIds.union(b.storedMessageIds)
        return sum
    }
}

public struct StoreCounts: Sendable, Equatable {
    public var profiles: Int
    public var events: Int
    public var products: Int
    public var merges: Int

    public init(profiles: Int, events: Int, products: Int, merges: Int) {
        self.profiles = profiles
        self.events = events
        self.products = products
        self.merges = merges
    }
}

/// Errors from a store, with context and no personal data.
public struct StoreError: Error, Sendable, CustomStringConvertible {
    public enum Kind: Sendable { case unsupportedURL, corruptRow, encryption, conflict, invalidInput, backend }
    public var kind: Kind
    public var message: String
    public init(_ kind: Kind, _ message: String) {
        self.kind = kind
        self.message = message
    }
    public var description: String { message }
}

/// Opens the database named by a URL: `sqlite:PATH` (or a plain path) or `postgres://…`.
public enum DatabaseOpener {
    public static func open(url: String, cipher: FieldCipher, policy: PersonalDataPolicy = .default) async throws -> any TailorDatabase {
        if isPostgres(url) {
            return try await PostgresDatabase(url: url, cipher: cipher, policy: policy)
        }
        return try SQLiteDatabase(path: sqlitePath(url), cipher: cipher, policy: policy)
    }

    /// Whether the URL names a PostgreSQL server (`postgres://` or `postgresql://`).
    public static func isPostgres(_ url: String) -> Bool {
        url.hasPrefix("postgres://") || url.hasPrefix("postgresql://")
    }

    /// The file path of a `sqlite:` URL (a plain path is taken as it is).
    public static func sqlitePath(_ url: String) -> String {
        if url.hasPrefix("sqlite://") { return String(url.dropFirst("sqlite://".count)) }
        if url.hasPrefix("sqlite:") { return String(url.dropFirst("sqlite:".count)) }
        return url
    }
}

/// Small named values the deployment keeps in its database (the generated write key, the admin key's
/// hash), so that every node of a cluster sees the same.
public protocol SettingsStore: Sendable {
    func setting(_ name: String) async throws -> String?
    /// Stores the value unless one is there already; returns the value that is stored afterwards.
    func insertSettingIfAbsent(_ name: String, value: String) async throws -> String
}
