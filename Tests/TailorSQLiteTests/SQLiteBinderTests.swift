import Foundation
import GRDB
@testable import TailorSQLite
@testable import TailorStore
import Testing

/// The writer's direct binding (``SQLiteBinder``) stores what GRDB's arguments would, and fails as loudly.
@Suite("SQLite binder")
struct SQLiteBinderTests {
    @Test("values bound directly read back as bound: empty strings, text up to a NUL, NULLs, extremes, blobs")
    func roundTrip() throws {
        let queue = try DatabaseQueue()
        let strings = ["", "plain", "naïve 日本 🧵", "a\u{0}b", String(repeating: "x", count: 100_000)]
        let rows = try queue.write { db -> [Row] in
            try db.execute(sql: "CREATE TABLE t (s TEXT NOT NULL, o TEXT, i INTEGER, d REAL, b BLOB)")
            let insert = try db.cachedStatement(sql: "INSERT INTO t VALUES (?, ?, ?, ?, ?)")
            for (n, s) in strings.enumerated() {
                try insert.run(in: db) {
                    $0.bind(s)
                    $0.bind(n % 2 == 0 ? nil : s as String?)
                    $0.bind(n == 0 ? Int64.min : n == 1 ? Int64.max : Int64?.none)
                    $0.bind(n == 3 ? Double?.none : -1.5 * Double(n))
                    $0.bind(n == 0 ? Data() : n == 1 ? Data?.none : Data(s.utf8))
                }
            }
            return try Row.fetchAll(db, sql: "SELECT CAST(s AS BLOB), CAST(o AS BLOB), i, d, b, typeof(s), typeof(b) FROM t ORDER BY rowid")
        }
        #expect(rows.count == strings.count)
        for (n, row) in rows.enumerated() {
            // Compared as bytes: text is bound up to its first NUL, as GRDB binds it ("a\0b" is "a").
            let stored = Data(strings[n].utf8.prefix { $0 != 0 })
            #expect(row[0] as Data? ?? Data() == stored)
            #expect(row[1] as Data? == (n % 2 == 0 ? nil : stored))
            #expect(row[5] as String == "text")
        }
        #expect(rows[0][2] as Int64? == Int64.min)
        #expect(rows[1][2] as Int64? == Int64.max)
        #expect(rows[2][2] as Int64? == nil)
        #expect(rows[3][3] as Double? == nil)
        #expect(rows[4][3] as Double? == -6.0)
        // The empty blob is a blob, not NULL.
        #expect(rows[0][6] as String == "blob")
        #expect(rows[0][4] as Data? == Data())
        #expect(rows[1][4] as Data? == nil)
        #expect(rows[3][4] as Data? == Data("a\u{0}b".utf8))
    }

    @Test("a wrong number of values or a violated constraint throws, and the statement can run again")
    func failures() throws {
        let queue = try DatabaseQueue()
        try queue.write { db in
            try db.execute(sql: "CREATE TABLE t (k TEXT PRIMARY KEY, v INTEGER NOT NULL)")
            let insert = try db.cachedStatement(sql: "INSERT INTO t VALUES (?, ?)")
            #expect(throws: DatabaseError.self) { try insert.run(in: db) { $0.bind("only one") } }
            try insert.run(in: db) { $0.bind("a"); $0.bind(Int64(1)) }
            let error = #expect(throws: DatabaseError.self) { try insert.run(in: db) { $0.bind("a"); $0.bind(Int64(2)) } }
            #expect(error?.resultCode == .SQLITE_CONSTRAINT)
            #expect(throws: DatabaseError.self) { try insert.run(in: db) { $0.bind("b"); $0.bind(Int64?.none) } }
            try insert.run(in: db) { $0.bind("c"); $0.bind(Int64(3)) }
            #expect(try Int.fetchAll(db, sql: "SELECT v FROM t ORDER BY k") == [1, 3])
        }
    }
}
