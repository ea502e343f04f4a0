import Foundation
import GRDB
import Synchronization
import TailorCore
import Testing
import TailorTesting

@testable import TailorSQLite
@testable import TailorStore

#if canImport(Glibc)
import Glibc
#endif

/// What a durable SQLite store promises: a write returns only once an `fdatasync` of the WAL that began
/// after its commit has ended, and that sync runs off the writer, shared by whoever waits for it.
@Suite("SQLite durability", .timeLimit(.minutes(3)))
struct SQLiteDurabilityTests {
    let t0 = Date(millisecondsSince1970: 1_700_000_000_000)
    let planner = IngestPlanner()

    func withDatabase(sync: @escaping @Sendable (Int32) -> Int32, _ body: (SQLiteDatabase, String) async throws -> Void) async throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("tailor-durable-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let path = dir.appendingPathComponent("durable.db").path
        let db = try SQLiteDatabase(path: path, cipher: FieldCipher(masterKey: FieldCipher.generateMasterKey()), policy: .default,
                                    durable: true, walSync: sync)
        try await db.migrate()
        do {
            try await body(db, path)
        } catch {
            try? await db.close()
            throw error
        }
        try await db.close()
    }

    func batch(_ first: Int, _ count: Int) -> [Message] {
        (first..<first + count).map { .track("Product Viewed", userId: "u\($0 % 7)", at: t0 + Double($0), messageId: "m\($0)") }
    }

    /// Events stored, read on a connection of its own (as another process would).
    static func storedEvents(_ path: String) -> Int {
        (try? DatabaseQueue(path: path).read { try Int.fetchOne($0, sql: "SELECT COUNT(*) FROM events") }) ?? -1
    }

    @Test("ingest returns only after a WAL sync that began once its events were committed")
    func ingestWaitsForASyncAfterItsCommit() async throws {
        let seen = Mutex<[Int]>([])
        let pathBox = Mutex<String>("")
        try await withDatabase(sync: { fd in
            // What the sync covers: the events committed when it began.
            let path = pathBox.withLock { $0 }
            seen.withLock { $0.append(Self.storedEvents(path)) }
            return fdatasync(fd)
        }) { db, path in
            pathBox.withLock { $0 = path }
            var total = 0
            for round in 0..<5 {
                let result = try await db.ingest(batch(round * 10, 10), planner: planner)
                total += result.stored
                // The last sync began after this batch's commit: it saw all of it.
                #expect(seen.withLock { $0.last } == total)
            }
            #expect(total == 50)
        }
    }

    @Test("every kind of write waits for the sync, and concurrent writers share syncs")
    func otherWritesWaitAndShare() async throws {
        let syncs = Atomic<Int>(0)
        try await withDatabase(sync: { fd in
            syncs.add(1, ordering: .relaxed)
            usleep(30_000)  // a slow disk: writers arriving meanwhile wait for the next sync together
            return fdatasync(fd)
        }) { db, _ in
            let before = syncs.load(ordering: .relaxed)
            try await db.upsertProducts([Product(id: "p1", name: "Mug")])
            #expect(syncs.load(ordering: .relaxed) > before)
            let start = syncs.load(ordering: .relaxed)
            try await withThrowingTaskGroup(of: Void.self) { group in
                for i in 0..<24 {
                    group.addTask { try await db.upsertProducts([Product(id: "q\(i)", name: "Item \(i)")]) }
                }
                try await group.waitForAll()
            }
            #expect(try await db.products().count == 25)
            let used = syncs.load(ordering: .relaxed) - start
            #expect(used >= 1 && used < 24, "24 writers used \(used) syncs")
        }
    }

    @Test("the two-step ingest returns at its commit; the next commit does not wait for the sync")
    func committingDoesNotWaitForTheDisk() async throws {
        let gate = DispatchSemaphore(value: 0)
        let blocking = Atomic<Bool>(true)
        try await withDatabase(sync: { fd in
            if blocking.load(ordering: .relaxed) { gate.wait() }
            return fdatasync(fd)
        }) { db, path in
            let durable = Mutex<[Result<IngestResult, any Error>]>([])
            try await db.ingest(db.prepareIngest(batch(0, 10)), planner: planner) { r in durable.withLock { $0.append(r) } }
            // Committed and readable, not yet durable: the sync is held.
            #expect(Self.storedEvents(path) == 10)
            try await db.ingest(db.prepareIngest(batch(10, 10)), planner: planner) { r in durable.withLock { $0.append(r) } }
            #expect(Self.storedEvents(path) == 20)
            #expect(durable.withLock { $0.isEmpty })
            blocking.store(false, ordering: .relaxed)
            gate.signal()
            for _ in 0..<200 where durable.withLock({ $0.count }) < 2 { try await Task.sleep(for: .milliseconds(10)) }
            let results = durable.withLock { $0 }
            #expect(results.count == 2)
            #expect(results.compactMap { try? $0.get().stored } == [10, 10])
        }
    }

    @Test("a failed sync is an error for the writer; the batch sent again is stored once")
    func failedSyncIsReported() async throws {
        let failing = Atomic<Bool>(false)
        try await withDatabase(sync: { fd in
            if failing.load(ordering: .relaxed) {
                errno = EIO
                return -1
            }
            return fdatasync(fd)
        }) { db, path in
            failing.store(true, ordering: .relaxed)
            let error = await #expect(throws: StoreError.self) { try await db.ingest(batch(0, 10), planner: planner) }
            #expect(error?.description.contains("cannot sync the SQLite WAL") == true)
            // Committed, though not known to be durable: the client's retry must not store it twice.
            #expect(Self.storedEvents(path) == 10)
            failing.store(false, ordering: .relaxed)
            let again = try await db.ingest(batch(0, 10), planner: planner)
            #expect(again.stored == 0 && again.duplicates == 10)
            #expect(Self.storedEvents(path) == 10)
        }
    }
}

@Suite("SQLite consent ledger")
struct SQLiteConsentLedgerTests {
    /// The database itself refuses to change or remove a ledger entry.
    @Test func theLedgerIsAppendOnly() async throws {
        try await TestDatabase.with(.sqlite) { test in
            let path = try #require(test.sqlitePath)
            try await test.stores.consent.appendConsent([ConsentEntry(profileID: ProfileID("p_1"), purpose: .analytics, status: .granted,
                                                                      at: Date(), source: .api)], at: Date())
            let queue = try DatabaseQueue(path: path)
            await #expect(throws: (any Error).self) { try await queue.write { try $0.execute(sql: "UPDATE consent_ledger SET status = 'denied'") } }
            await #expect(throws: (any Error).self) { try await queue.write { try $0.execute(sql: "DELETE FROM consent_ledger") } }
            let granted = try await queue.read { try Int.fetchOne($0, sql: "SELECT COUNT(*) FROM consent_ledger WHERE status = 'granted'") }
            #expect(granted == 1)
        }
    }
}
