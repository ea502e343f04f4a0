import Foundation
import Synchronization
import Testing
import TailorCore
import TailorEngine
@testable import TailorSQLite
@testable import TailorStore
import TailorTesting

#if canImport(Glibc)
import Glibc
#endif

@Suite("Ingest service")
struct IngestServiceTests {
    let t0 = Date(millisecondsSince1970: 1_700_000_000_000)

    /// Requests that queue up while the writer is busy are written in one transaction, and each caller
    /// is told about its own messages only.
    @Test func groupCommitAnswersEachCallerForItsOwnMessages() async throws {
        try await TestDatabase.with(.sqlite) { test in
            let gated = GatedDatabase(test.database)
            let ingest = IngestService(events: gated)
            let loop = Task { try await ingest.run() }
            async let a = ingest.ingest([.track("A", userId: "u", at: t0, messageId: "a1")])
            while gated.entered == 0 { try await Task.sleep(for: .milliseconds(5)) }
            async let b = ingest.ingest((1...3).map { .track("B", userId: "u", at: t0 + Double($0), messageId: "b\($0)") })
            async let c = ingest.ingest([.track("C", userId: "v", at: t0, messageId: "c1"), .track("C", userId: "v", at: t0, messageId: "c2"),
                                         .track("A", userId: "u", at: t0, messageId: "a1")])
            try await Task.sleep(for: .milliseconds(100))
            gated.open()
            let (ra, rb, rc) = try await (a, b, c)
            #expect(gated.entered == 2, "b and c should share one transaction")
            #expect(ra.stored == 1)
            #expect(rb.stored == 3 && rb.duplicates == 0)
            #expect(rc.stored == 2 && rc.duplicates == 1)
            loop.cancel()
            #expect(try await test.database.counts().events == 6)
        }
    }

    /// On a durable SQLite store a caller is answered once its group is synced to disk, but the loop commits
    /// the next group without waiting for that sync.
    @Test(.timeLimit(.minutes(3)))
    func callersWaitForTheSyncTheLoopDoesNot() async throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("tailor-ingest-sync-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let held = Atomic<Bool>(true)
        let gate = DispatchSemaphore(value: 0)
        let db = try SQLiteDatabase(path: dir.appendingPathComponent("t.db").path, cipher: FieldCipher(masterKey: FieldCipher.generateMasterKey()),
                                    policy: .default, durable: true, walSync: { fd in
                                        if held.load(ordering: .relaxed) { gate.wait() }
                                        return fdatasync(fd)
                                    })
        try await db.migrate()
        let ingest = IngestService(events: db)
        let loop = Task { try await ingest.run() }
        let answered = AnswerCount()
        let a = Task {
            defer { answered.count.add(1, ordering: .relaxed) }
            return try await ingest.ingest([.track("A", userId: "u", at: t0, messageId: "a1")])
        }
        while try await db.counts().events < 1 { try await Task.sleep(for: .milliseconds(5)) }
        let b = Task {
            defer { answered.count.add(1, ordering: .relaxed) }
            return try await ingest.ingest([.track("B", userId: "v", at: t0, messageId: "b1")])
        }
        // B is committed while A's sync is still held: the loop did not wait for the disk.
        while try await db.counts().events < 2 { try await Task.sleep(for: .milliseconds(5)) }
        try await Task.sleep(for: .milliseconds(50))
        #expect(answered.count.load(ordering: .relaxed) == 0, "nobody is answered before the sync")
        held.store(false, ordering: .relaxed)
        gate.signal()
        #expect(try await a.value.stored == 1)
        #expect(try await b.value.stored == 1)
        loop.cancel()
        try await db.close()
    }
}

final class AnswerCount: Sendable {
    let count = Atomic<Int>(0)
}
