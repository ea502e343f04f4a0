import Foundation
import Testing
import TailorCore
import TailorEngine
import TailorStore
import TailorTesting

@Suite("Ingest service")
struct IngestServiceTests {
    let t0 = Date(millisecondsSince1970: 1_700_000_000_000)

    /// Requests that queue up while the writer is busy are written in one transaction, and each caller
    /// is told about its own messages only.
    @Test func groupCommitAnswersEachCallerForItsOwnMessages() async throws {
        try await TestDatabase.with(.sqlite) { test in
            let gated = GatedDatabase(test.database)
            let ingest = IngestService(database: gated)
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
}
