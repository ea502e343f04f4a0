import Foundation
import GRDB
import Testing
import TailorCore
import TailorEngine
import TailorStore
import TailorTesting

/// Erasure on SQLite leaves no byte of the person in the database file or its WAL (docs/PRIVACY.md).
@Suite("SQLite erasure")
struct SQLiteErasureTests {
    let t0 = Date(millisecondsSince1970: 1_780_000_000_000)

    /// Personal fields are sealed at rest, so their plaintext never reaches the files; what could remain is what
    /// is kept in clear: the user and anonymous ids, ordinary traits and properties (the markers here), and the
    /// blind index of the address in `identities`. After the erasure none of them is in either file.
    @Test func theErasedPersonsBytesAreGoneFromTheFileAndTheWAL() async throws {
        try await TestDatabase.with(.sqlite) { test in
            let path = try #require(test.sqlitePath)
            let person: [Message] = [
                .identify(userId: "user-7f3k9qzx", anonymousId: "anon-5v8w2pdl",
                          traits: ["email": "zelda.quist@example.test", "name": "Zelda Quist", "phone": "+44 20 7946 0321",
                                   "motto": "PLAINMARKER-TRAIT-Q7"], at: t0, messageId: "msg-zelda-1"),
                .track("Order Completed", userId: "user-7f3k9qzx", properties: ["revenue": 42, "note": "PLAINMARKER-EVENT-Q7"],
                       at: t0 + 1, messageId: "msg-zelda-2"),
            ]
            // Enough other rows that pages are shared with people who stay.
            let others: [Message] = (0..<200).map { i in
                .identify(userId: "keep-\(i)", traits: ["email": .string("keep\(i)@example.test"), "motto": "kept"], at: t0, messageId: "keep-\(i)")
            }
            _ = try await test.database.ingest(others + person, planner: IngestPlanner())
            try await test.stores.consent.appendConsent([
                ConsentEntry(profileID: try #require(try await test.database.profile(.identity(Identity(.user, "user-7f3k9qzx")))).id,
                             purpose: .analytics, status: .granted, at: t0, source: .api, proof: ["form": "PLAINMARKER-PROOF"]),
            ], at: t0)
            let index = test.cipher.blindIndex(Identity.normalizeEmail("zelda.quist@example.test"))
            let clear = ["user-7f3k9qzx", "anon-5v8w2pdl", "PLAINMARKER-TRAIT-Q7", "PLAINMARKER-EVENT-Q7", "msg-zelda-1", "msg-zelda-2"]
            // The markers are on disk before (else the check below would prove nothing).
            let before = try Self.files(path)
            #expect(clear.allSatisfy { marker in before.contains { $0.range(of: Data(marker.utf8)) != nil } })

            let receipt = try await PrivacyService(stores: test.stores).erase(.identity(Identity(.user, "user-7f3k9qzx")))
            #expect(receipt.reclaim == "secure_delete; wal_checkpoint(TRUNCATE)" && receipt.reclaimedAt != nil)
            let wal = (try? FileManager.default.attributesOfItem(atPath: path + "-wal")[.size] as? NSNumber)?.intValue ?? 0
            #expect(wal == 0, "the WAL is truncated")

            let after = try Self.files(path)
            // Fragments long enough not to turn up by chance in other rows' bytes (a bare "7946" did, once, in a timestamp).
            for marker in clear + ["zelda.quist", "Zelda Quist", "7946 0321"] {
                #expect(after.allSatisfy { $0.range(of: Data(marker.utf8)) == nil }, "\(marker) is still on disk")
            }
            // The address's blind index is left in the suppression list only (so it is never mailed again).
            let queue = try DatabaseQueue(path: path)
            #expect(try await queue.read { try Int.fetchOne($0, sql: "SELECT count(*) FROM identities WHERE value = ?", arguments: [index]) } == 0)
            #expect(try await queue.read { try String.fetchOne($0, sql: "SELECT source FROM mail_suppressions WHERE email_index = ?",
                                                              arguments: [index]) } == "erasure")
            // The ledger still refuses deletions of anyone not erased.
            let kept = try #require(try await test.database.profile(.identity(Identity(.user, "keep-1")))).id
            try await test.stores.consent.appendConsent([ConsentEntry(profileID: kept, purpose: .analytics, status: .granted, at: t0, source: .api)],
                                                        at: t0)
            await #expect(throws: (any Error).self) { try await queue.write { try $0.execute(sql: "DELETE FROM consent_ledger") } }
            try await queue.close()
        }
    }

    /// The database file and its WAL as they are on disk.
    static func files(_ path: String) throws -> [Data] {
        [try Data(contentsOf: URL(fileURLWithPath: path)), (try? Data(contentsOf: URL(fileURLWithPath: path + "-wal"))) ?? Data()]
    }
}
