import Foundation
import Testing
import TailorCore
import TailorEngine
import GRDB
@testable import TailorSQLite
@testable import TailorStore
import TailorTesting

/// What the SQLite writer keeps between ingest transactions (the profile cache) and how its WAL is
/// checkpointed: the cache must never hide a write made by anything else, and checkpoints must keep the
/// WAL bounded without losing anything.
@Suite("SQLite writer")
struct SQLiteWriterTests {
    let t0 = Date(millisecondsSince1970: 1_700_000_000_000)
    let planner = IngestPlanner()

    /// Two SQLite stores on one file, as `tailor serve` and a `tailor import` would be.
    func withTwoConnections(_ body: (SQLiteDatabase, SQLiteDatabase) async throws -> Void) async throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("tailor-writer-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let path = dir.appendingPathComponent("shared.db").path
        let cipher = FieldCipher(masterKey: FieldCipher.generateMasterKey())
        let a = try SQLiteDatabase(path: path, cipher: cipher, durable: false)
        try await a.migrate()
        let b = try SQLiteDatabase(path: path, cipher: cipher, durable: false)
        do {
            try await body(a, b)
        } catch {
            try? await a.close()
            try? await b.close()
            throw error
        }
        try await a.close()
        try await b.close()
    }

    func track(_ name: String, _ user: String, _ seconds: Double, _ id: String) -> Message {
        .track(name, userId: user, properties: ["price": 10], at: t0 + seconds, messageId: id)
    }

    @Test func cacheSeesCommitsFromAnotherConnection() async throws {
        try await withTwoConnections { a, b in
            _ = try await a.ingest([track("Product Viewed", "u", 0, "m1")], planner: planner)
            _ = try await b.ingest([track("Product Viewed", "u", 10, "m2"), track("Email Opened", "u", 20, "m3")], planner: planner)
            _ = try await a.ingest([track("Product Viewed", "u", 30, "m4")], planner: planner)
            let view = try #require(try await a.profile(ProfileReference("user:u")!))
            #expect(view.state.eventCount == 4)
            #expect(view.state.emailOpens == 1)
            #expect(view.state.lastSeen == t0 + 30)
            #expect(view.eventCounts.values.reduce(0, +) == 4)
        }
    }

    @Test func cacheSeesOtherWritesOnTheSameConnection() async throws {
        try await TestDatabase.with(.sqlite) { test in
            let db = try #require(test.database as? SQLiteDatabase)
            _ = try await db.ingest([track("Product Viewed", "u", 0, "m1")], planner: planner)
            let id = try #require(try await db.profile(ProfileReference("user:u")!)).id
            // Mail's events go through appendEvents, on the same writer connection.
            _ = try await db.appendEvents([(id, .track("Email Opened", userId: nil, at: t0 + 5, messageId: "open-1"))])
            _ = try await db.ingest([track("Product Viewed", "u", 10, "m2")], planner: planner)
            let view = try #require(try await db.profile(.id(id)))
            #expect(view.state.eventCount == 3)
            #expect(view.state.emailOpens == 1)
            // And a rebuild from the events agrees with what ingest left.
            _ = try await db.rebuildProfiles(progress: nil)
            #expect(try await db.profile(.id(id))?.state == view.state)
        }
    }

    @Test func cacheDropsProfilesWhoseSegmentEventsChangedThem() async throws {
        try await TestDatabase.with(.sqlite) { test in
            let db = try #require(test.database as? SQLiteDatabase)
            let service = SegmentService(segments: db, lifecycle: db, clock: SystemClock())
            _ = try await service.saveSegment(SegmentDefinition(id: "pro", name: "Pro", condition: try Condition(text: #"traits.plan = "pro""#),
                                                                createdAt: t0))
            _ = try await db.ingest([.identify(userId: "u", traits: ["plan": "pro"], at: t0, messageId: "i1")], planner: planner)
            _ = try await db.ingest([track("Product Viewed", "u", 10, "m2")], planner: planner)
            let view = try #require(try await db.profile(ProfileReference("user:u")!))
            // identify, Segment Entered, the track.
            #expect(view.eventCounts["Segment Entered"] == 1)
            #expect(view.state.eventCount == 3)
        }
    }

    @Test func mergesRepointIdentitiesOutsideTheBatch() async throws {
        try await TestDatabase.with(.sqlite) { test in
            let db = test.database
            // P1: an anonymous visitor who gave an email; P2: a known user.
            _ = try await db.ingest([.track("Page Viewed", anonymousId: "a1", at: t0, messageId: "m1")], planner: planner)
            _ = try await db.ingest([.identify(anonymousId: "a1", traits: ["email": "p1@example.com"], at: t0 + 1, messageId: "m2")],
                                    planner: planner)
            _ = try await db.ingest([.identify(userId: "u1", anonymousId: "a9", traits: [:], at: t0 + 2, messageId: "m3")], planner: planner)
            // The user claims the email: P1 merges into P2, and with it a1, which this batch does not name.
            let merged = try await db.ingest([.identify(userId: "u1", traits: ["email": "p1@example.com"], at: t0 + 3, messageId: "m4")],
                                             planner: planner)
            #expect(merged.merges == 1)
            _ = try await db.ingest([.track("Page Viewed", anonymousId: "a1", at: t0 + 4, messageId: "m5")], planner: planner)
            let survivor = try #require(try await db.profile(ProfileReference("user:u1")!))
            #expect(try await db.profile(ProfileReference("anonymous:a1")!)?.id == survivor.id)
            #expect(survivor.state.eventCount == 5)
            #expect(try await db.events(of: survivor.id, before: nil, limit: 10).map(\.message.messageId).contains("m5"))
        }
    }

    @Test func checkpointsCopyTheWALAndRestartIt() async throws {
        try await TestDatabase.with(.sqlite) { test in
            let db = try #require(test.database as? SQLiteDatabase)
            // The writer checkpoints by itself only as a backstop.
            #expect(try await db.pool.write { try Int.fetchOne($0, sql: "PRAGMA wal_autocheckpoint") } == SQLiteCheckpointer.writerBackstopPages)
            // The database's own checkpointer is stopped (two checkpoints at once: one gets SQLITE_BUSY), and
            // replaced by one that never wakes by itself and restarts the WAL as soon as it holds a page.
            db.checkpointer.stop()
            let checkpointer = try SQLiteCheckpointer(path: try #require(test.sqlitePath), writer: db.pool,
                                                      interval: .seconds(3_600), restartPages: 1)
            defer { checkpointer.stop() }
            for batch in 0..<20 {
                let messages = (0..<50).map { i in track("Product Viewed", "u\(i)", Double(batch * 50 + i), "b\(batch)-\(i)") }
                _ = try await db.ingest(messages, planner: planner)
            }
            let grown = try #require(checkpointer.passOnce())
            #expect(grown.walFrameCount > 0)
            #expect(grown.checkpointedFrameCount == grown.walFrameCount)
            // The next transaction starts the WAL from its beginning again.
            _ = try await db.ingest([track("Product Viewed", "u0", 5_000, "after")], planner: planner)
            let after = try await db.pool.writeWithoutTransaction { try $0.checkpoint(.passive) }
            #expect(after.walFrameCount < grown.walFrameCount)
            #expect(try await db.counts().events == 20 * 50 + 1)
            #expect(try await db.profile(ProfileReference("user:u0")!)?.state.eventCount == 21)
        }
    }
}

/// When the checkpointer passes: once a second, and sooner when the WAL is about to reach the size at which
/// it is started over (so that the writer's backstop is never what bounds it).
@Suite("Checkpoint schedule")
struct CheckpointScheduleTests {
    let start = ContinuousClock.now

    @Test func passesEveryIntervalWhenTheWALGrowsSlowly() {
        var s = CheckpointSchedule(interval: .seconds(1), tick: .milliseconds(200), restartPages: 32_768, start: start)
        #expect(!s.isDue(at: start + .milliseconds(200)))
        #expect(!s.isDue(at: start + .milliseconds(999)))
        #expect(s.isDue(at: start + .seconds(1)))
        // 1,000 frames a second: far from the restart size, so the next pass is a second later again.
        s.passed(at: start + .seconds(1), walFrames: 1_000)
        #expect(s.framesPerSecond == 1_000)
        #expect(!s.isDue(at: start + .milliseconds(1_800)))
        #expect(s.isDue(at: start + .seconds(2)))
    }

    @Test func passesSoonerWhenTheWALWouldReachTheRestartSize() {
        var s = CheckpointSchedule(interval: .seconds(1), tick: .milliseconds(200), restartPages: 32_768, start: start)
        // 20,000 frames in the first second: at that rate 32,768 is reached 0.64 s after the pass.
        s.passed(at: start + .seconds(1), walFrames: 20_000)
        #expect(s.framesPerSecond == 20_000)
        #expect(!s.isDue(at: start + .milliseconds(1_400)))  // 20,000 + 20,000 x 0.6 = 32,000 by the next look
        #expect(s.isDue(at: start + .milliseconds(1_500)))  // 20,000 + 20,000 x 0.7 = 34,000
        // That pass ended with the writer's catch-up: the WAL starts over, and the rate is measured from zero.
        s.passed(at: start + .milliseconds(1_600), walFrames: 0)
        #expect(!s.isDue(at: start + .milliseconds(2_000)))
        s.passed(at: start + .milliseconds(2_600), walFrames: 15_000)
        #expect(s.framesPerSecond == 15_000)
        #expect(!s.isDue(at: start + .milliseconds(3_400)))  // 15,000 + 15,000 x 1.0 = 30,000
        #expect(s.isDue(at: start + .milliseconds(3_600)))
    }

    @Test func aFailedPassKeepsTheRate() {
        var s = CheckpointSchedule(interval: .seconds(1), tick: .milliseconds(200), restartPages: 32_768, start: start)
        s.passed(at: start + .seconds(1), walFrames: 30_000)
        s.passed(at: start + .milliseconds(1_200), walFrames: nil)
        #expect(s.framesPerSecond == 30_000)
        #expect(s.walFrames == 30_000)
        #expect(s.isDue(at: start + .milliseconds(1_200)))
    }
}

/// Batches prepared on the callers' tasks and combined for one group commit, on every backend.
@Suite("Prepared batches")
struct PreparedBatchTests {
    let t0 = Date(millisecondsSince1970: 1_700_000_000_000)

    @Test(arguments: TestBackend.available)
    func combinedBatchesStoreEachMessageOnceInOrder(backend: TestBackend) async throws {
        try await TestDatabase.with(backend) { test in
            let db = test.database
            let first = try db.prepareIngest([
                .identify(userId: "u", traits: ["email": "u@example.com", "plan": "pro"], at: t0, messageId: "a1"),
                .track("Product Viewed", userId: "u", at: t0 + 1, messageId: "a2"),
            ])
            // A retry of a2 in another request of the same group commit, and a new event.
            let second = try db.prepareIngest([
                .track("Product Viewed", userId: "u", at: t0 + 1, messageId: "a2"),
                .track("Order Completed", userId: "u", properties: ["revenue": 20], at: t0 + 2, messageId: "b1"),
            ])
            let combined = PreparedBatch.combining([first, second])
            #expect(combined.messages.map(\.messageId) == ["a1", "a2", "a2", "b1"])
            let result = try await db.ingest(combined, planner: IngestPlanner())
            #expect(result.stored == 3)
            #expect(result.duplicates == 1)
            let view = try #require(try await db.profile(ProfileReference("email:u@example.com")!))
            #expect(view.state.eventCount == 3)
            #expect(view.state.orderCount == 1)
            #expect(view.traits["plan"] == "pro")
            // Each caller's share of the group commit: a2 is stored, whichever request of the group carried it.
            #expect(result.share(of: second.messages) == IngestResult(stored: 2, duplicates: 0, createdProfiles: 1, merges: 0))
        }
    }
}

/// The segment events the ingest cache keeps per profile: the membership step appends each batch's events
/// to them instead of reading the profiles' histories back, and must decide exactly as if it had read them.
@Suite("SQLite writer: subject events")
struct SQLiteSubjectEventTests {
    static let now = ISO8601.parse("2026-11-01T12:00:00Z")!
    let planner = IngestPlanner()

    @Test("the rule appended and read events pass is the SQL filter's at every boundary, or within it past 16 windows")
    func swiftRuleEqualsSQLFilter() throws {
        let texts = [
            #"count("Order Completed") >= 1"#,
            #"count("Email Opened" in last 7 days) > 3"#,
            #"count("Email Opened", "Email Clicked" in last 30 days) >= 3"#,
            #"count(activity in last 14 days) = 0"#,
            #"count("Order Completed" since profile.cart_updated_at) = 0"#,
        ]
        let nowMs = Self.now.millisecondsSince1970
        let day: Int64 = 86_400_000
        let offsets: [Int64] = [-400 * day, -30 * day - 1, -30 * day, -30 * day + 1, -14 * day, -14 * day + 1, -7 * day - 1, -7 * day,
                                -7 * day + 1, -1, 0, 1, 3_600_000]
        let names = ["Order Completed", "Email Opened", "Email Clicked", "Product Viewed", "Segment Entered", "Home", ""]
        let types: [MessageType] = [.track, .page, .screen, .identify, .alias]
        // Each condition alone, then all of them: the needs of one catalog; then more windows than the filter
        // spells out one by one, where it selects a superset.
        var catalogs = texts.map { [$0] }
        catalogs.append(texts)
        catalogs.append(texts + (1...40).map { #"count("Email Opened", "n\#($0)" in last \#($0) days) >= 1"# })
        let queue = try DatabaseQueue()
        try queue.write { db in
            try db.execute(sql: "CREATE TABLE events (type TEXT NOT NULL, name TEXT NOT NULL, timestamp INTEGER NOT NULL)")
            for type in types {
                for name in names {
                    for offset in offsets {
                        try db.execute(sql: "INSERT INTO events VALUES (?, ?, ?)", arguments: [type.rawValue, name, nowMs + offset])
                    }
                }
            }
        }
        var selectedSomewhere = 0
        for list in catalogs {
            let catalog = try SegmentCatalog(try list.enumerated().map { i, text in
                SegmentDefinition(id: "s\(i)", name: "S\(i)", condition: try Condition(text: text), createdAt: Self.now)
            })
            let needs = catalog.eventNeeds
            var binds: [SQLBind] = []
            let filter = try #require(SegmentRecord.eventFilter(needs, now: Self.now) { binds.append($0); return "?" })
            let rows = try queue.read { db in
                try Row.fetchAll(db, sql: "SELECT type, name, timestamp, \(filter) FROM events", arguments: SQLiteDatabase.arguments(binds))
            }
            let windows = Set(needs.names.values.compactMap { $0 }).count
            var wider = 0
            for r in rows {
                let type = try #require(MessageType(rawValue: r[0]))
                let sql: Bool = r[3]
                let swift = SegmentRecord.eventMatches(needs, now: nowMs, type: type, name: r[1], timestamp: r[2])
                if windows <= SegmentRecord.maxFilterWindows {
                    #expect(swift == sql, "\(list) on \(type.rawValue) \(r[1] as String) at now\(r[2] as Int64 - nowMs) ms")
                } else {
                    #expect(!swift || sql, "\(type.rawValue) \(r[1] as String) at now\(r[2] as Int64 - nowMs) ms")
                    if sql && !swift { wider += 1 }
                }
                if sql { selectedSomewhere += 1 }
            }
            // Past 16 windows the filter is wider, and its binds do not grow with a window per name.
            if windows > SegmentRecord.maxFilterWindows {
                #expect(wider > 0)
                #expect(binds.count < needs.names.count + 4)
            }
        }
        #expect(selectedSomewhere > 100)
    }

    @Test("a profile with more selected events than the cache holds is read back each time, and decided right")
    func longHistoriesAreReadBack() async throws {
        try await TestDatabase.with(.sqlite) { test in
            let db = try #require(test.database as? SQLiteDatabase)
            let service = SegmentService(segments: db, lifecycle: db, clock: ManualClock(Self.now))
            _ = try await service.saveSegment(SegmentDefinition(id: "many", name: "Many",
                                                                condition: try Condition(text: #"count("Order Completed") >= 105"#), createdAt: Self.now))
            func orders(_ range: Range<Int>) -> [Message] {
                range.map { .track("Order Completed", userId: "whale", properties: ["revenue": 5], at: Self.now - 1000 + Double($0), messageId: "o\($0)") }
            }
            for start in stride(from: 0, to: 104, by: 26) { _ = try await db.ingest(orders(start..<start + 26), planner: planner) }
            let id = try #require(try await db.profile(ProfileReference("user:whale")!)).id
            #expect(try await db.memberships(of: id).isEmpty)
            // 104 events are more than a profile's held facts may have: the next batch reads them back.
            let served = db.ingestCache.factsServed
            _ = try await db.ingest(orders(104..<105), planner: planner)
            #expect(db.ingestCache.factsServed == served)
            #expect(try await db.memberships(of: id) == ["many"])
        }
    }

    @Test("memberships decided from kept events equal those decided from events read back, batch after batch")
    func keptEventsDecideAsReadBack() async throws {
        try await TestDatabase.with(.sqlite) { kept in
            try await TestDatabase.with(.sqlite) { read in
                let a = try #require(kept.database as? SQLiteDatabase)
                let b = try #require(read.database as? SQLiteDatabase)
                let clock = ManualClock(Self.now)
                let segmentsA = SegmentService(segments: a, lifecycle: a, clock: clock)
                let segmentsB = SegmentService(segments: b, lifecycle: b, clock: clock)
                var fuzz = SegmentFuzz(seed: 41, now: Self.now)
                var definitions = SegmentTemplates.all.map {
                    SegmentDefinition(id: $0.id, name: $0.name, condition: $0.condition, createdAt: Self.now)
                }
                for i in 0..<10 {
                    definitions.append(SegmentDefinition(id: "fuzz-\(i)", name: "Fuzz \(i)", condition: fuzz.condition(depth: 2), createdAt: Self.now))
                }
                // Entries are events too: a segment counting them makes the membership step's own writes matter.
                definitions.append(SegmentDefinition(id: "joiners", name: "Joiners",
                                                     condition: try Condition(text: #"count("Segment Entered" in last 30 days) >= 2"#),
                                                     createdAt: Self.now))
                for d in definitions {
                    _ = try await segmentsA.saveSegment(d)
                    _ = try await segmentsB.saveSegment(d)
                }
                let users = (0..<80).map { "u\($0)" }
                var messages = users.flatMap { fuzz.history(user: $0) }
                // Histories interleaved, each user's identify first, so that batches mix old and new profiles.
                var rng = Seeded(7)
                for i in stride(from: messages.count - 1, to: 0, by: -1) where messages[i].type != .identify {
                    let j = rng.int(i + 1)
                    if messages[j].type != .identify { messages.swapAt(i, j) }
                }
                var batches = 0
                for start in stride(from: 0, to: messages.count, by: 15) {
                    let batch = Array(messages[start..<min(start + 15, messages.count)])
                    // The clock moves on between batches; timers run on both.
                    clock.advance(by: Double(rng.int(4 * 3600)))
                    _ = try await segmentsA.runSegmentTimers(limit: 1000)
                    _ = try await segmentsB.runSegmentTimers(limit: 1000)
                    _ = try await a.ingest(batch, planner: planner)
                    b.ingestCache.invalidate()
                    _ = try await b.ingest(batch, planner: planner)
                    batches += 1
                }
                #expect(batches > 20)
                var members = 0
                for user in users {
                    let ref = try #require(ProfileReference("user:\(user)"))
                    let idA = try #require(try await a.profile(ref)).id
                    let idB = try #require(try await b.profile(ref)).id
                    let inA = try await a.memberships(of: idA)
                    #expect(inA == (try await b.memberships(of: idB)), "\(user)")
                    members += inA.count
                    let historyA = try await a.membershipHistory(segment: nil, profile: idA, limit: 10_000)
                    let historyB = try await b.membershipHistory(segment: nil, profile: idB, limit: 10_000)
                    #expect(historyA.map { [$0.segmentId, "\($0.entered)", "\($0.at)", $0.reason] }
                            == historyB.map { [$0.segmentId, "\($0.entered)", "\($0.at)", $0.reason] }, "\(user)")
                }
                #expect(members > 20)
                // The kept lists were used (and the other store's never were).
                #expect(a.ingestCache.factsServed > 100)
                #expect(b.ingestCache.factsServed == 0)
            }
        }
    }
}
