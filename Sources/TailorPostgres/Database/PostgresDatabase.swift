import Foundation
import Logging
import PostgresNIO
import Synchronization
public import TailorCore
public import TailorStore

/// Tailor on PostgreSQL (postgres-nio): for several `tailor serve` nodes sharing one database.
///
/// A pool of connections (`PostgresClient`) runs in a task the store owns and cancels on ``close()``.
/// Every value reaches the server as a bound parameter (`PostgresQuery` interpolation); the only SQL built
/// from strings is constant (migrations, column lists) or a checked identifier (``PostgresServer``).
///
/// Ingest is one transaction per batch: it takes an advisory lock per identity of the batch (batches that
/// share a visitor run one after the other), locks the profile rows that own those identities
/// (`SELECT … FOR UPDATE`), plans with ``IngestPlanner`` and writes with a few batched statements. A race
/// that still reaches a unique key (the same message stored by two nodes at once) rolls the transaction back
/// and the whole batch is retried, seeing the winner's rows. See docs/STORAGE.md.
public final class PostgresDatabase: TailorDatabase {
    let client: PostgresClient
    let runner: Task<Void, Never>
    let cipher: FieldCipher
    let policy: PersonalDataPolicy
    let logger: Logger
    /// The server and database, without the password (for errors and logs).
    public let location: String
    private let retries = Atomic<Int>(0)
    let segmentRuntime: SegmentRuntime
    public let eventSteps = EventStepRegistry()

    /// How many transactions were rolled back and run again after losing a race with another writer
    /// (for metrics: a steady rise means writers contend).
    public var conflictsRetried: Int { retries.load(ordering: .relaxed) }

    /// How many times a batch is retried after a conflict with a concurrent transaction.
    static let maximumAttempts = 8

    /// Connects to the database named by a `postgres://` URL and checks that it answers.
    ///
    /// - Parameters:
    ///   - url: `postgres://user:password@host:port/database` (see ``PostgresURL`` for options).
    ///   - cipher: seals personal fields and computes the email blind index.
    ///   - policy: which traits are personal.
    ///   - maximumConnections: the pool's size; each concurrent ingest holds one connection.
    /// - Throws: ``StoreError`` when the URL is malformed or the server cannot be reached.
    public init(url: String, cipher: FieldCipher, policy: PersonalDataPolicy = .default, maximumConnections: Int = 16) async throws {
        let parsed = try PostgresURL(url)
        var configuration = parsed.clientConfiguration
        configuration.options.maximumConnections = max(1, maximumConnections)
        configuration.options.connectTimeout = .seconds(10)
        var logger = Logger(label: "tailor.store.postgres")
        logger.logLevel = .warning
        // One direct connection first: an unreachable server or a refused login fails now, with its cause,
        // instead of the pool retrying in the background while the first query waits.
        let probeLogger = logger
        do {
            try await Self.withDeadline(seconds: 15) {
                let probe = try await PostgresConnection.connect(configuration: try parsed.connectionConfiguration, id: 0, logger: probeLogger)
                do {
                    try await probe.query("SELECT 1", logger: probeLogger)
                    try await probe.close()
                } catch {
                    try? await probe.close()
                    throw error
                }
            }
        } catch {
            throw StoreError(.backend, "cannot connect to PostgreSQL at \(parsed.redacted): \(Self.describe(error))")
        }
        let client = PostgresClient(configuration: configuration, backgroundLogger: logger)
        self.client = client
        // The pool works only while `run()` runs; wait until its task has started so that the first query
        // does not lease a connection before (postgres-nio warns about that).
        let (started, signal) = AsyncStream<Void>.makeStream()
        self.runner = Task {
            signal.finish()
            await client.run()
        }
        self.cipher = cipher
        self.policy = policy
        self.logger = logger
        self.location = parsed.redacted
        segmentRuntime = SegmentRuntime(policy: policy)
        for await _ in started {}
        await Task.yield()
    }

    deinit {
        runner.cancel()
    }

    /// Closes every connection. The store cannot be used afterwards.
    public func close() async throws {
        runner.cancel()
        await runner.value
    }

    // MARK: - Migrations

    /// Applies the migrations not applied yet, under an advisory lock so that nodes starting together
    /// apply each migration once; each migration runs in its own transaction with its `schema_migrations` row.
    @discardableResult
    public func migrate() async throws -> [String] {
        try await withContext("migrate") {
            try await self.client.withConnection { conn in
                try await conn.query("SELECT pg_advisory_lock(\(PostgresMigrations.lockKey))", logger: self.logger)
                do {
                    try await conn.query("""
                        CREATE TABLE IF NOT EXISTS schema_migrations (name TEXT COLLATE "C" PRIMARY KEY, applied_at BIGINT NOT NULL)
                        """, logger: self.logger)
                    var applied = Set<String>()
                    for try await name in try await conn.query("SELECT name FROM schema_migrations", logger: self.logger).decode(String.self) {
                        applied.insert(name)
                    }
                    var done: [String] = []
                    for migration in PostgresMigrations.all where !applied.contains(migration.name) {
                        try await conn.query("BEGIN", logger: self.logger)
                        do {
                            for statement in migration.statements {
                                try await conn.query(PostgresQuery(unsafeSQL: statement), logger: self.logger)
                            }
                            try await conn.query("""
                                INSERT INTO schema_migrations (name, applied_at) VALUES (\(migration.name), \(Date().millisecondsSince1970))
                                """, logger: self.logger)
                            try await conn.query("COMMIT", logger: self.logger)
                        } catch {
                            _ = try? await conn.query("ROLLBACK", logger: self.logger)
                            throw StoreError(.backend, "PostgreSQL migration \(migration.name) failed: \(Self.describe(error))")
                        }
                        done.append(migration.name)
                    }
                    try await conn.query("SELECT pg_advisory_unlock(\(PostgresMigrations.lockKey))", logger: self.logger)
                    return done
                } catch {
                    _ = try? await conn.query("SELECT pg_advisory_unlock(\(PostgresMigrations.lockKey))", logger: self.logger)
                    throw error
                }
            }
        }
    }

    public func counts() async throws -> StoreCounts {
        try await withContext("counts") {
            let rows = try await self.client.query("""
                SELECT (SELECT COUNT(*) FROM profiles WHERE merged_into IS NULL), (SELECT COUNT(*) FROM events),
                       (SELECT COUNT(*) FROM products), (SELECT COUNT(*) FROM merges)
                """, logger: self.logger).collect()
            guard let row = rows.first else { throw StoreError(.backend, "PostgreSQL returned no counts") }
            let (profiles, events, products, merges) = try row.decode((Int64, Int64, Int64, Int64).self)
            return StoreCounts(profiles: Int(profiles), events: Int(events), products: Int(products), merges: Int(merges))
        }
    }

    // MARK: - Transactions

    /// Runs `body` in a transaction on one pooled connection: COMMIT when it returns, ROLLBACK when it throws.
    func transaction<T: Sendable>(readOnly: Bool = false, _ body: (PostgresConnection) async throws -> T) async throws -> T {
        try await client.withConnection { conn in
            // A read-only view (a profile with its counts) is one consistent snapshot.
            try await conn.query(readOnly ? "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY" : "BEGIN", logger: logger)
            do {
                let value = try await body(conn)
                try await conn.query("COMMIT", logger: logger)
                return value
            } catch {
                _ = try? await conn.query("ROLLBACK", logger: logger)
                throw error
            }
        }
    }

    /// Runs `body` again when it lost a race with another transaction (unique violation, deadlock,
    /// serialization failure): the work is idempotent, and a retry sees the winner's rows.
    func retrying<T: Sendable>(_ body: () async throws -> T) async throws -> T {
        var attempt = 1
        while true {
            do {
                return try await body()
            } catch let error as PSQLError where Self.isConflict(error) {
                guard attempt < Self.maximumAttempts else {
                    throw StoreError(.conflict, "PostgreSQL: still conflicting with concurrent writers after \(attempt) attempts "
                                     + "(\(Self.describe(error)))")
                }
                attempt += 1
                retries.add(1, ordering: .relaxed)
                // Back off a little, with jitter, so that the racers do not meet again.
                try await Task.sleep(nanoseconds: UInt64.random(in: 1...(2_000_000 << min(attempt, 5))))
            }
        }
    }

    static func isConflict(_ error: PSQLError) -> Bool {
        guard error.code == .server, let state = error.serverInfo?[.sqlState] else { return false }
        // unique_violation, serialization_failure, deadlock_detected
        return state == "23505" || state == "40001" || state == "40P01"
    }

    /// Converts driver errors into ``StoreError``s that say what was being done.
    func withContext<T: Sendable>(_ operation: String, _ body: () async throws -> T) async throws -> T {
        do {
            return try await body()
        } catch let error as StoreError {
            throw error
        } catch let error as SegmentDefinitionError {
            throw error
        } catch {
            throw StoreError(.backend, "PostgreSQL \(operation) on \(location) failed: \(Self.describe(error))")
        }
    }

    /// A description of a driver error without personal data: the SQLSTATE, the constraint or table, and
    /// the server's message except for data errors (classes 22 and 23 can quote the offending value).
    static func describe(_ error: any Error) -> String {
        if let e = error as? PSQLError {
            guard e.code == .server, let info = e.serverInfo else {
                let cause = e.underlying.map { " (\($0))" } ?? ""
                return "\(e.code)\(cause)"
            }
            let state = info[.sqlState] ?? "?"
            var parts = ["SQLSTATE \(state)"]
            if let constraint = info[.constraintName] { parts.append("constraint \(constraint)") }
            if let table = info[.tableName] { parts.append("table \(table)") }
            if !state.hasPrefix("22"), !state.hasPrefix("23"), let message = info[.message] { parts.append(message) }
            return parts.joined(separator: ", ")
        }
        if let e = error as? StoreError { return e.context }
        if error is CancellationError { return "cancelled" }
        return String(describing: type(of: error))
    }

    /// Fails with a timeout instead of waiting forever (the pool keeps retrying an unreachable server).
    static func withDeadline<T: Sendable>(seconds: Double, _ body: @escaping @Sendable () async throws -> T) async throws -> T {
        try await withThrowingTaskGroup(of: T.self) { group in
            group.addTask { try await body() }
            group.addTask {
                try await Task.sleep(nanoseconds: UInt64(seconds * 1_000_000_000))
                throw StoreError(.backend, "no answer within \(Int(seconds)) s")
            }
            defer { group.cancelAll() }
            return try await group.next()!
        }
    }
}

// MARK: - Rows

extension PostgresDatabase {
    /// `ProfileRow.columns`, with JSONB read back as text.
    static let profileColumns = """
        id, created_at, updated_at, traits::text, personal, trait_stamps::text, event_count, first_seen, last_seen, last_activity, \
        order_count, revenue, last_order_at, last_order_value, last_order_key, email_opens, email_clicks, cart::text, cart_value, \
        cart_updated_at, cart_ledger
        """

    static func profileRow(_ r: PostgresRandomAccessRow) throws -> ProfileRow {
        ProfileRow(
            id: try r[0].decode(String.self), createdAt: try r[1].decode(Int64.self), updatedAt: try r[2].decode(Int64.self),
            traits: try r[3].decode(String.self), personal: try r[4].decode(Data?.self), traitStamps: try r[5].decode(String.self),
            eventCount: try r[6].decode(Int64.self), firstSeen: try r[7].decode(Int64?.self), lastSeen: try r[8].decode(Int64?.self),
            lastActivity: try r[9].decode(Int64?.self), orderCount: try r[10].decode(Int64.self), revenue: try r[11].decode(Double.self),
            lastOrderAt: try r[12].decode(Int64?.self), lastOrderValue: try r[13].decode(Double?.self),
            lastOrderKey: try r[14].decode(String?.self), emailOpens: try r[15].decode(Int64.self),
            emailClicks: try r[16].decode(Int64.self), cart: try r[17].decode(String.self), cartValue: try r[18].decode(Double.self),
            cartUpdatedAt: try r[19].decode(Int64?.self), cartLedger: try r[20].decode(String?.self))
    }

    /// The event columns `eventRow` reads, JSONB as text.
    static let eventColumns = """
        message_id, profile_id, type, name, timestamp, received_at, user_id, anonymous_id, properties::text, traits::text, personal
        """

    static func eventRow(_ r: PostgresRandomAccessRow) throws -> EventRow {
        EventRow(
            messageId: try r[0].decode(String.self), profileId: try r[1].decode(String.self), type: try r[2].decode(String.self),
            name: try r[3].decode(String.self), timestamp: try r[4].decode(Int64.self), receivedAt: try r[5].decode(Int64.self),
            userId: try r[6].decode(String?.self), anonymousId: try r[7].decode(String?.self), properties: try r[8].decode(String.self),
            traits: try r[9].decode(String.self), personal: try r[10].decode(Data?.self))
    }

    func rows(_ query: PostgresQuery, on conn: PostgresConnection) async throws -> [PostgresRandomAccessRow] {
        try await conn.query(query, logger: logger).collect().map { $0.makeRandomAccess() }
    }

    /// The key under which an identity is stored (emails by blind index), safe for a TEXT column.
    func storageKey(_ identity: Identity) -> String {
        PostgresText.clean(cipher.storageKey(identity))
    }
}

/// PostgreSQL refuses the NUL character in TEXT and JSONB (SQLite stores it). Tailor replaces it with U+FFFD
/// on the way in, consistently, so that lookups still match; no other character changes.
enum PostgresText {
    static func clean(_ text: String) -> String {
        text.utf8.contains(0) ? text.replacingOccurrences(of: "\u{0}", with: "\u{FFFD}") : text
    }

    static func clean(_ text: String?) -> String? {
        text.map { clean($0) }
    }

    /// JSON text for a JSONB column: `\u0000` escapes become U+FFFD in strings and keys.
    static func json(_ text: String) -> String {
        guard text.contains("\\u0000"), let value = try? JSONParser.parse(text) else { return text }
        return JSONWriter.string(replacingNUL(value))
    }

    private static func replacingNUL(_ value: JSONValue) -> JSONValue {
        switch value {
        case .string(let s): .string(clean(s))
        case .array(let a): .array(a.map(replacingNUL))
        case .object(let o): .object(Dictionary(o.map { (clean($0.key), replacingNUL($0.value)) }, uniquingKeysWith: { a, _ in a }))
        default: value
        }
    }
}
