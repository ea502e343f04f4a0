import Foundation
import GRDB
import TailorCore
@testable import TailorSQLite
@testable import TailorStore
import TailorTesting
import Testing

/// The VFS that gathers each WAL commit's writes into one (Sources/CTailorSQLite): what a commit wrote is in
/// the files when it returns, and a transaction that spills pages before its commit reads them back.
@Suite("SQLite WAL gathering")
struct SQLiteWALGatherTests {
    func withDirectory(_ body: (URL) async throws -> Void) async throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("tailor-gather-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        try await body(dir)
    }

    @Test("a commit is in the files when it returns: a copy of them, taken at once, holds it")
    func commitsAreInTheFiles() async throws {
        try await withDirectory { dir in
            let path = dir.appendingPathComponent("live.db").path
            let db = try SQLiteDatabase(path: path, cipher: FieldCipher(masterKey: FieldCipher.generateMasterKey()), durable: false)
            try await db.migrate()
            let before = SQLiteDatabase.walWritesGathered
            let t0 = Date(millisecondsSince1970: 1_700_000_000_000)
            let messages = (0..<300).map { i in
                Message.track("Product Viewed", userId: "u\(i % 40)", properties: ["sku": .string("s\(i)")], at: t0 + Double(i), messageId: "m\(i)")
            }
            #expect(try await db.ingest(messages, planner: IngestPlanner()).stored == 300)
            // Each frame is two writes: they went out as a few.
            #expect(SQLiteDatabase.walWritesGathered - before > 20)
            // The files as they are now, without the process that wrote them: what a crash would leave.
            let copy = dir.appendingPathComponent("copy.db").path
            for suffix in ["", "-wal"] where FileManager.default.fileExists(atPath: path + suffix) {
                try FileManager.default.copyItem(atPath: path + suffix, toPath: copy + suffix)
            }
            try await db.close()
            let queue = try DatabaseQueue(path: copy)
            let (events, profiles, check) = try await queue.read { db in
                (try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM events"), try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM profiles"),
                 try String.fetchOne(db, sql: "PRAGMA integrity_check"))
            }
            #expect(events == 300)
            #expect(profiles == 40)
            #expect(check == "ok")
        }
    }

    static func blob(_ i: Int) -> Data { Data((0..<1000).map { UInt8(truncatingIfNeeded: $0 &* 31 &+ i &* 7) }) }

    @Test("a transaction larger than the page cache reads back the pages it spilled, and a rolled-back one leaves nothing")
    func spilledPagesReadBack() async throws {
        try await withDirectory { dir in
            try SQLiteDatabase.gatherWALWrites()
            let path = dir.appendingPathComponent("spill.db").path
            var config = Configuration()
            // 20 pages of cache: a transaction of a few megabytes writes most of its pages to the WAL before its commit.
            config.prepareDatabase { db in try db.execute(sql: "PRAGMA cache_size = 20") }
            let writer = try DatabasePool(path: path, configuration: config)
            try await writer.write { db in
                try db.execute(sql: "CREATE TABLE t (id INTEGER PRIMARY KEY, body BLOB NOT NULL)")
                for i in 0..<3000 { try db.execute(sql: "INSERT INTO t VALUES (?, ?)", arguments: [i, Self.blob(i)]) }
            }
            // Read back inside the transaction: these pages went to the WAL file, behind the buffer.
            let (readBack, total) = try await writer.write { db in
                for i in 3000..<3300 { try db.execute(sql: "INSERT INTO t VALUES (?, ?)", arguments: [i, Self.blob(i)]) }
                let readBack = try stride(from: 0, to: 3300, by: 97).allSatisfy { i in
                    try Data.fetchOne(db, sql: "SELECT body FROM t WHERE id = ?", arguments: [i]) == Self.blob(i)
                }
                try db.execute(sql: "DELETE FROM t WHERE id >= 3000")
                return (readBack, try Int.fetchOne(db, sql: "SELECT SUM(length(body)) FROM t"))
            }
            #expect(readBack)
            #expect(total == 3_000_000)
            // A transaction that spills, then rolls back.
            do {
                try await writer.write { db in
                    for i in 3000..<6000 { try db.execute(sql: "INSERT INTO t VALUES (?, ?)", arguments: [i, Self.blob(i)]) }
                    throw CancellationError()
                }
            } catch is CancellationError {}
            try await writer.write { db in try db.execute(sql: "UPDATE t SET body = ? WHERE id = 7", arguments: [Self.blob(70)]) }
            // Another connection, with its own file handles, sees exactly the commits.
            let reader = try DatabaseQueue(path: path)
            let (count, seven, last, check) = try await reader.read { db in
                (try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM t"), try Data.fetchOne(db, sql: "SELECT body FROM t WHERE id = 7"),
                 try Data.fetchOne(db, sql: "SELECT body FROM t WHERE id = 2999"), try String.fetchOne(db, sql: "PRAGMA integrity_check"))
            }
            #expect(count == 3000)
            #expect(seven == Self.blob(70))
            #expect(last == Self.blob(2999))
            #expect(check == "ok")
            try reader.close()
            try writer.close()
        }
    }
}
