import Foundation
import struct PostgresNIO.PostgresQuery
import Testing
import TailorCore
import TailorDatabases
@testable import TailorPostgres
import TailorStore
import TailorTesting
import TailorTestLaunch

/// A database of its own on the test server, opened by as many "nodes" (stores) as a test wants.
private struct PostgresFixture {
    let serverURL: String
    let name: String
    let url: String
    let cipher = FieldCipher(masterKey: FieldCipher.generateMasterKey())

    static var enabled: Bool { TestBackend.available.contains(.postgres) }

    static func with<T>(_ body: (PostgresFixture) async throws -> T) async throws -> T {
        let serverURL = try #require(TestBackend.postgresURL, "TAILOR_TEST_POSTGRES_URL is not set: scripts/test starts a PostgreSQL")
        let name = "tailor_pgtest_" + UUID().uuidString.replacingOccurrences(of: "-", with: "").lowercased()
        try await PostgresServer.createDatabase(serverURL: serverURL, name: name)
        let fixture = PostgresFixture(serverURL: serverURL, name: name, url: try PostgresServer.url(serverURL, database: name))
        do {
            let result = try await body(fixture)
            try await PostgresServer.dropDatabase(serverURL: serverURL, name: name)
            return result
        } catch {
            try? await PostgresServer.dropDatabase(serverURL: serverURL, name: name)
            throw error
        }
    }

    func node(connections: Int = 4) async throws -> PostgresDatabase {
        try await PostgresDatabase(url: url, cipher: cipher, maximumConnections: connections)
    }
}

@Suite("PostgreSQL URL")
struct PostgresURLTests {
    @Test func parsesEveryPart() throws {
        let url = try PostgresURL("postgres://tailor:p%40ss@db.internal:6543/shop?sslmode=require&application_name=x")
        #expect(url.username == "tailor")
        #expect(url.password == "p@ss")
        #expect(url.host == "db.internal")
        #expect(url.port == 6543)
        #expect(url.database == "shop")
        #expect(url.tls == .require)
        #expect(!url.redacted.contains("p@ss"))
        #expect(url.redacted == "postgres://tailor@db.internal:6543/shop")
    }

    @Test func defaultsAndSockets() throws {
        let url = try PostgresURL("postgresql://postgres@127.0.0.1/")
        #expect(url.port == 5432)
        #expect(url.database == "postgres")
        #expect(url.password == nil)
        #expect(url.tls == .disable)
        let socket = try PostgresURL("postgres://app@localhost/app?host=/var/run/postgresql")
        #expect(socket.unixSocketDirectory == "/var/run/postgresql")
    }

    @Test func rejectsOtherSchemesAndModes() {
        #expect(throws: StoreError.self) { try PostgresURL("mysql://root@localhost/db") }
        #expect(throws: StoreError.self) { try PostgresURL("postgres://a@b/c?sslmode=sometimes") }
    }

    @Test func anotherDatabaseOnTheSameServer() throws {
        let other = try PostgresServer.url("postgres://u:pw@127.0.0.1:55432/postgres?sslmode=disable", database: "tailor_x")
        let parsed = try PostgresURL(other)
        #expect(parsed.database == "tailor_x")
        #expect(parsed.password == "pw")
        #expect(parsed.port == 55432)
    }
}

@Suite("PostgreSQL store", .enabled(if: PostgresFixture.enabled))
struct PostgresStoreTests {
    let t0 = Date(millisecondsSince1970: 1_700_000_000_000)

    /// Several nodes ingest, at the same time, batches that create and merge profiles for the same person.
    /// Whatever the interleaving, there ends up one profile holding every event, equal to a rebuild.
    @Test func concurrentNodesConvergeOnOneProfile() async throws {
        try await PostgresFixture.with { fixture in
            let nodes = [try await fixture.node(), try await fixture.node()]
            try await nodes[0].migrate()
            let workers = 6
            let rounds = 8
            let t0 = self.t0
            let results = try await withThrowingTaskGroup(of: IngestResult.self) { group in
                for w in 0..<workers {
                    let node = nodes[w % nodes.count]
                    group.addTask {
                        var total = IngestResult()
                        for r in 0..<rounds {
                            let anon = "anon-\(w)-\(r)"
                            let t = t0 + Double(w * 1000 + r * 10)
                            // A visitor browses anonymously (a new profile of its own)…
                            total = total + (try await node.ingest([
                                .track("Product Viewed", anonymousId: anon, properties: ["product_id": .string("p\(r)")], at: t, messageId: "\(anon)-v"),
                                .track("Product Added", anonymousId: anon, properties: ["product_id": .string("p\(r)"), "price": 10], at: t + 1,
                                       messageId: "\(anon)-a"),
                            ], planner: IngestPlanner()))
                            // …then logs in as the shared user (a merge into the user's profile, which a concurrent
                            // worker may be creating right now) and orders; the same email arrives from every worker.
                            total = total + (try await node.ingest([
                                .identify(userId: "shared-user", anonymousId: anon, traits: ["email": "Same@Example.com", "round": .number(Double(r))],
                                          at: t + 2, messageId: "\(anon)-i"),
                                .track("Order Completed", userId: "shared-user", properties: ["revenue": 5], at: t + 3, messageId: "\(anon)-o"),
                            ], planner: IngestPlanner()))
                        }
                        return total
                    }
                }
                var all = IngestResult()
                for try await r in group { all = all + r }
                return all
            }
            let expectedEvents = workers * rounds * 4
            #expect(results.stored == expectedEvents)
            #expect(results.duplicates == 0)

            let db = nodes[1]
            let counts = try await db.counts()
            #expect(counts.events == expectedEvents)
            #expect(counts.profiles == 1, "every anonymous profile was merged into the user's")
            let user = try #require(try await db.profile(ProfileReference("user:shared-user")!))
            #expect(user.state.eventCount == expectedEvents)
            #expect(user.state.orderCount == workers * rounds)
            #expect(user.state.revenue == Double(workers * rounds * 5))
            #expect(user.state.cart.isEmpty, "every add was followed by an order")
            #expect(try await db.events(of: user.id, before: nil, limit: 10_000).count == expectedEvents)
            #expect(try await db.profile(ProfileReference("email:same@example.com")!)?.id == user.id)
            for w in 0..<workers {
                for r in 0..<rounds {
                    #expect(try await db.profile(ProfileReference("anonymous:anon-\(w)-\(r)")!)?.id == user.id)
                }
            }
            // Every merged-away profile points at the survivor; the merge log says who went where.
            let merges = try await db.merges(into: user.id)
            #expect(merges.count == counts.merges)
            for merge in merges { #expect(try await db.profile(.id(merge.from))?.id == user.id) }

            let live = user.state
            _ = try await db.rebuildProfiles(progress: nil)
            #expect(try await db.profile(.id(user.id))?.state == live, "the concurrent increments equal a rebuild")
            for node in nodes { try await node.close() }
        }
    }

    /// A rebuild on one node while another ingests never overwrites fresh state with stale state: afterwards
    /// the incremental state still equals a rebuild.
    @Test func rebuildDuringIngestLosesNothing() async throws {
        try await PostgresFixture.with { fixture in
            let ingester = try await fixture.node()
            let rebuilder = try await fixture.node()
            try await ingester.migrate()
            let t0 = self.t0
            let users = 5
            let batches = 30
            async let ingesting: Void = {
                for b in 0..<batches {
                    var batch: [Message] = []
                    for i in 0..<10 {
                        let n = b * 10 + i
                        let user = "r\(n % users)"
                        // Every third batch is late (older timestamps), which makes ingest rebuild too.
                        let t = t0 + Double(b % 3 == 2 ? 10_000 - n : 20_000 + n)
                        batch.append(n % 3 == 0
                            ? .track("Order Completed", userId: user, properties: ["revenue": .number(Double(n))], at: t, messageId: "r\(n)")
                            : .track("Product Added", userId: user, properties: ["product_id": .string("p\(n % 7)"), "price": 3], at: t,
                                     messageId: "r\(n)"))
                    }
                    _ = try await ingester.ingest(batch, planner: IngestPlanner())
                    // A rebuild that wrote state computed before this batch committed would lose its events.
                    var total = 0
                    for u in 0..<users { total += try await ingester.profile(ProfileReference("user:r\(u)")!)?.state.eventCount ?? 0 }
                    #expect(total == (b + 1) * 10, "after batch \(b)")
                }
            }()
            async let rebuilding: Int = {
                var rounds = 0
                while rounds < 200, try await rebuilder.counts().events < batches * 10 {
                    _ = try await rebuilder.rebuildProfiles(progress: nil)
                    rounds += 1
                }
                return rounds
            }()
            let (_, rounds) = try await (ingesting, rebuilding)
            #expect(rounds > 0, "the rebuilds ran while the batches were ingested")
            var live: [ProfileState] = []
            for u in 0..<users { live.append(try #require(try await ingester.profile(ProfileReference("user:r\(u)")!)).state) }
            #expect(live.map(\.eventCount).reduce(0, +) == batches * 10)
            _ = try await ingester.rebuildProfiles(progress: nil)
            for u in 0..<users {
                #expect(try await ingester.profile(ProfileReference("user:r\(u)")!)?.state == live[u], "user r\(u)")
            }
            try await ingester.close()
            try await rebuilder.close()
        }
    }

    /// The same batch sent to two nodes at once is stored once (a retried Segment batch behind a load balancer).
    @Test func sameBatchOnTwoNodesIsStoredOnce() async throws {
        try await PostgresFixture.with { fixture in
            let a = try await fixture.node()
            let b = try await fixture.node()
            try await a.migrate()
            let t0 = self.t0
            let batch: [Message] = (0..<50).map {
                .track("Page Viewed", anonymousId: "visitor-\($0 % 5)", properties: ["n": .number(Double($0))], at: t0 + Double($0), messageId: "dup-\($0)")
            }
            async let first = a.ingest(batch, planner: IngestPlanner())
            async let second = b.ingest(batch, planner: IngestPlanner())
            let (r1, r2) = try await (first, second)
            #expect(r1.stored + r2.stored == 50)
            #expect(r1.duplicates + r2.duplicates == 50)
            #expect(r1.createdProfiles + r2.createdProfiles == 5)
            let counts = try await a.counts()
            #expect(counts.events == 50)
            #expect(counts.profiles == 5)
            try await a.close()
            try await b.close()
        }
    }

    /// The same message reaching two nodes in batches that share no identity (so nothing serializes them) is
    /// stored once: the second insert hits the unique key, and that batch is rolled back and planned again.
    @Test func duplicateMessageRaceIsRetried() async throws {
        try await PostgresFixture.with { fixture in
            let a = try await fixture.node()
            let b = try await fixture.node()
            try await a.migrate()
            let t0 = self.t0
            let rounds = 30
            for r in 0..<rounds {
                let shared = Message.track("Signed Up", anonymousId: "first-\(r)", at: t0 + Double(r), messageId: "shared-\(r)")
                var echo = shared
                echo.anonymousId = "second-\(r)"
                async let first = a.ingest([shared, .track("Page Viewed", anonymousId: "first-\(r)", at: t0, messageId: "a-\(r)")],
                                           planner: IngestPlanner())
                async let second = b.ingest([echo, .track("Page Viewed", anonymousId: "second-\(r)", at: t0, messageId: "b-\(r)")],
                                            planner: IngestPlanner())
                let (r1, r2) = try await (first, second)
                #expect(r1.stored + r2.stored == 3, "round \(r)")
                #expect(r1.duplicates + r2.duplicates == 1, "round \(r)")
            }
            #expect(try await a.counts().events == rounds * 3)
            #expect(a.conflictsRetried + b.conflictsRetried > 0, "the race was never lost: the retry path did not run")
            try await a.close()
            try await b.close()
        }
    }

    /// Nodes starting together apply each migration exactly once.
    @Test func concurrentMigrationsApplyOnce() async throws {
        try await PostgresFixture.with { fixture in
            var nodes: [PostgresDatabase] = []
            for _ in 0..<4 { nodes.append(try await fixture.node(connections: 2)) }
            let applied = try await withThrowingTaskGroup(of: [String].self) { group in
                for node in nodes { group.addTask { try await node.migrate() } }
                var all: [[String]] = []
                for try await names in group { all.append(names) }
                return all
            }
            // One node applied each migration (in order), the others found them applied.
            let names = applied.flatMap { $0 }
            #expect(names.first == "0001_core" && names == names.sorted() && Set(names).count == names.count && names.count >= 3)
            #expect(try await nodes[0].migrate().isEmpty)
            #expect(try await nodes[3].counts() == StoreCounts(profiles: 0, events: 0, products: 0, merges: 0))
            for node in nodes { try await node.close() }
        }
    }

    /// What the server stores holds no personal value in clear: a dump of the database's data is searched.
    @Test func dumpHoldsNoPlaintextPersonalData() async throws {
        let pgDump = try #require(Self.findPgDump(), "pg_dump not found (Debian's postgresql-client)")
        try await PostgresFixture.with { fixture in
            let db = try await fixture.node()
            try await db.migrate()
            var m = Message.identify(userId: "u1", traits: ["email": "Plaintext.Person@example.org", "first_name": "Zebulon",
                                                            "phone": "+1-555-0100", "city": "Paris"], at: Date(), messageId: "1")
            m.context = ["ip": "203.0.113.77"]
            _ = try await db.ingest([m, .track("Signed Up", userId: "u1", properties: ["email": "plaintext.person@example.org"], at: Date(),
                                               messageId: "2")], planner: IngestPlanner())
            #expect(try await db.profile(ProfileReference("email:plaintext.person@example.org")!)?.personal.value["first_name"] == "Zebulon")
            try await db.close()

            let process = Process()
            process.executableURL = URL(fileURLWithPath: pgDump)
            process.arguments = ["--data-only", "--dbname", fixture.url]
            let pipe = Pipe()
            process.standardOutput = pipe
            process.standardError = FileHandle.nullDevice  // warns that profiles.merged_into is a self-reference
            try ProcessLaunch.run(process)
            let data = ProcessLaunch.readToEnd(pipe.fileHandleForReading)
            process.waitUntilExit()
            #expect(process.terminationStatus == 0)
            let text = String(decoding: data, as: UTF8.self).lowercased()
            #expect(text.contains("paris"), "the plain trait should be there: the dump is of the right database")
            for secret in ["plaintext.person@example.org", "zebulon", "555-0100", "203.0.113.77"] {
                #expect(!text.contains(secret), "found personal data in clear in the PostgreSQL database")
            }
        }
    }

    /// PostgreSQL refuses NUL in text: in properties and traits it is stored as U+FFFD instead of failing the
    /// batch; ids and names holding one are refused before they reach the database (`Message.fieldWithNUL`).
    @Test func nulCharactersDoNotFailABatch() async throws {
        try await PostgresFixture.with { fixture in
            let db = try await fixture.node()
            try await db.migrate()
            let r = try await db.ingest([
                .track("Odd Event", userId: "user", properties: ["note\u{0}": "a\u{0}b", "ok": "fine"], at: t0, messageId: "n1"),
            ], planner: IngestPlanner())
            #expect(r.stored == 1)
            let p = try #require(try await db.profile(.identity(Identity(.user, "user"))))
            let e = try #require(try await db.events(of: p.id, before: nil, limit: 1).first?.message)
            #expect(e.properties["note\u{FFFD}"] == "a\u{FFFD}b")
            #expect(e.properties["ok"] == "fine")
            await #expect(throws: StoreError.self) {
                _ = try await db.ingest([.track("Odd\u{0}Event", userId: "user", at: t0, messageId: "n2")], planner: IngestPlanner())
            }
            try await db.close()
        }
    }

    /// The database itself refuses to change, remove or truncate a consent ledger entry.
    @Test func theConsentLedgerIsAppendOnly() async throws {
        try await PostgresFixture.with { fixture in
            let db = try await fixture.node()
            try await db.migrate()
            try await db.appendConsent([ConsentEntry(profileID: ProfileID("p_1"), purpose: .analytics, status: .granted, at: Date(), source: .api)],
                                       at: Date())
            for statement in ["UPDATE consent_ledger SET status = 'denied'", "DELETE FROM consent_ledger", "TRUNCATE consent_ledger"] {
                await #expect(throws: (any Error).self, "\(statement)") {
                    try await db.client.withConnection { conn in _ = try await db.rows(PostgresQuery(unsafeSQL: statement), on: conn) }
                }
            }
            #expect(try await db.consentHistory(of: ProfileID("p_1")).map(\.status) == [.granted])
            try await db.close()
        }
    }

    /// Sessions start with JIT compilation off: it spent minutes on a segment of a thousand conditions.
    @Test func sessionsRunWithoutJIT() async throws {
        try await PostgresFixture.with { fixture in
            let db = try await fixture.node()
            try await db.migrate()
            let jit = try await db.client.withConnection { conn in
                try await db.rows(PostgresQuery(unsafeSQL: "SHOW jit"), on: conn).first?[0].decode(String.self)
            }
            #expect(jit == "off")
            try await db.close()
        }
    }

    /// Two nodes generating a key on first start agree on one.
    @Test func firstSettingWins() async throws {
        try await PostgresFixture.with { fixture in
            let a = try await fixture.node()
            let b = try await fixture.node()
            try await a.migrate()
            #expect(try await a.setting("write_key") == nil)
            async let fromA = a.insertSettingIfAbsent("write_key", value: "wk_a")
            async let fromB = b.insertSettingIfAbsent("write_key", value: "wk_b")
            let (va, vb) = try await (fromA, fromB)
            #expect(va == vb)
            #expect(["wk_a", "wk_b"].contains(va))
            #expect(try await b.setting("write_key") == va)
            try await a.close()
            try await b.close()
        }
    }

    @Test func openerRoutesPostgresURLs() async throws {
        try await PostgresFixture.with { fixture in
            let db = try await DatabaseOpener.openDatabase(url: fixture.url, cipher: fixture.cipher)
            #expect(db is PostgresDatabase)
            #expect(try await db.migrate().prefix(3) == ["0001_core", "0002_settings", "0003_segments"])
            try await db.close()
        }
    }

    @Test func unreachableServerFailsWithContext() async throws {
        let started = Date()
        let error = await #expect(throws: StoreError.self) {
            _ = try await PostgresDatabase(url: "postgres://tailor:secret@127.0.0.1:1/nowhere", cipher: FieldCipher(masterKey: FieldCipher.generateMasterKey()))
        }
        #expect(error?.description.contains("127.0.0.1:1/nowhere") == true)
        #expect(error?.description.contains("secret") == false)
        // The probe gives up after 15 s; this bound only tells an answer from a hang, even on a loaded machine
        // running the whole suite at once.
        #expect(Date().timeIntervalSince(started) < 180)
    }

    static func findPgDump() -> String? {
        var candidates = ["/usr/lib/postgresql/15/bin/pg_dump", "/usr/bin/pg_dump"]
        if let dirs = try? FileManager.default.contentsOfDirectory(atPath: "/usr/lib/postgresql") {
            candidates += dirs.sorted().reversed().map { "/usr/lib/postgresql/\($0)/bin/pg_dump" }
        }
        return candidates.first { FileManager.default.isExecutableFile(atPath: $0) }
    }
}
