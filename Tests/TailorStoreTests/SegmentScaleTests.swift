import Foundation
import TailorCore
import TailorEngine
import TailorStore
import TailorTesting
import Testing

/// Segment definitions that read many event names: they must neither stop ingest nor fail to save, and they
/// must still decide right.
@Suite("Segments that read many event names")
struct SegmentScaleTests {
    static let now = ISO8601.parse("2026-11-01T12:00:00Z")!
    static let day: TimeInterval = 86_400
    let planner = IngestPlanner()

    /// `count("e0" in last 1 days) >= 1 or count("e1" in last 2 days) >= 1 or …`: one atom per name, each with
    /// a window of its own.
    static func windowedAtoms(_ range: Range<Int>, prefix: String = "e") -> Condition {
        .any(range.map { i in
            .event(EventAggregate(.count, EventQuery(names: .named(["\(prefix)\(i)"]), window: .last(TimeSpan(i + 1, .days)))),
                   .greaterOrEqual(.number(1)))
        })
    }

    /// Ingests one event per user at the given age, and returns each user's memberships afterwards.
    func ingestAndRead(_ db: any TailorDatabase, _ events: [(user: String, name: String, age: TimeInterval)]) async throws -> [String: Set<String>] {
        let messages = events.enumerated().map { i, e in
            Message.track(e.name, userId: e.user, at: Self.now - e.age, messageId: "m\(i)-\(e.user)")
        }
        _ = try await db.ingest(messages, planner: planner)
        var out: [String: Set<String>] = [:]
        for e in events {
            let id = try #require(try await db.profile(.identity(Identity(.user, e.user)))).id
            out[e.user] = Set(try await db.memberships(of: id))
        }
        return out
    }

    // A query of a thousand subplans once took PostgreSQL's JIT minutes (PostgresStoreTests checks it is off);
    // the limits are for a loaded CI machine, where the whole suite runs at once.
    @Test("a thousand names, each with its own window, in one segment: saved, counted, and ingest goes on",
          .timeLimit(.minutes(5)), arguments: TestBackend.available)
    func thousandWindowedNames(backend: TestBackend) async throws {
        try await TestDatabase.with(backend) { test in
            let db = test.database
            let service = SegmentService(stores: test.stores, clock: ManualClock(Self.now))
            _ = try await db.ingest([.track("e500", userId: "before", at: Self.now - 100 * Self.day, messageId: "b1")], planner: planner)
            let refresh = try await service.saveSegment(SegmentDefinition(id: "wide", name: "Wide", condition: Self.windowedAtoms(0..<1000),
                                                                          createdAt: Self.now))
            #expect(refresh.evaluated == 1 && refresh.entered == 1)
            // e700 within its 701 days: in; e3 ten days ago, outside its 4 days: out; a name the segment does not read: out.
            let members = try await ingestAndRead(db, [("in", "e700", 700 * Self.day), ("late", "e3", 10 * Self.day), ("other", "zzz", 60)])
            #expect(members == ["in": ["wide"], "late": [], "other": []])
            #expect(try await db.audienceCount(Self.windowedAtoms(0..<1000)) == 2)
            #expect(try await db.audience(Self.windowedAtoms(0..<1000), limit: nil).count == 2)
        }
    }

    @Test("ten segments of a hundred windowed names: saved, and ingest decides each", arguments: TestBackend.available)
    func tenSegmentsOfAHundred(backend: TestBackend) async throws {
        try await TestDatabase.with(backend) { test in
            let db = test.database
            let service = SegmentService(stores: test.stores, clock: ManualClock(Self.now))
            for s in 0..<10 {
                try await service.saveSegment(SegmentDefinition(id: "s\(s)", name: "S\(s)", condition: Self.windowedAtoms(s * 100..<(s + 1) * 100),
                                                                createdAt: Self.now))
            }
            let members = try await ingestAndRead(db, [("a", "e150", 100 * Self.day), ("b", "e999", 2 * Self.day), ("c", "e42", 43 * Self.day)])
            #expect(members == ["a": ["s1"], "b": ["s9"], "c": []])
        }
    }

    @Test("one query over a thousand names with one window", arguments: TestBackend.available)
    func oneQueryOfAThousandNames(backend: TestBackend) async throws {
        try await TestDatabase.with(backend) { test in
            let db = test.database
            let service = SegmentService(stores: test.stores, clock: ManualClock(Self.now))
            let names = (0..<1000).map { "n\($0)" }
            let condition = Condition.event(EventAggregate(.count, EventQuery(names: .named(names), window: .last(TimeSpan(30, .days)))),
                                            .greaterOrEqual(.number(1)))
            try await service.saveSegment(SegmentDefinition(id: "names", name: "Names", condition: condition, createdAt: Self.now))
            let members = try await ingestAndRead(db, [("a", "n999", 29 * Self.day), ("b", "n1", 31 * Self.day)])
            #expect(members == ["a": ["names"], "b": []])
        }
    }

    @Test("a thousand values in one `in` list and a thousand `or`ed trait tests compile to SQL the database accepts",
          .timeLimit(.minutes(5)), arguments: TestBackend.available)
    func wideTraitConditions(backend: TestBackend) async throws {
        try await TestDatabase.with(backend) { test in
            let db = test.database
            db.useSegmentClock(ManualClock(Self.now))
            _ = try await db.ingest([.identify(userId: "c", traits: ["city": "city-777"], at: Self.now - 10, messageId: "i1")], planner: planner)
            let list = Condition.field(.trait(["city"]), .oneOf((0..<1000).map { .string("city-\($0)") }))
            let ors = Condition.any((0..<1000).map { .field(.trait(["city"]), .equals(.string("city-\($0)"))) })
            #expect(try await db.audienceCount(list) == 1)
            #expect(try await db.audienceCount(ors) == 1)
            #expect(try await db.audienceCount(.all([ors, .not(list)])) == 0)
        }
    }

    @Test("a chain of segments, each referring to the one before four times, costs what its length does",
          .timeLimit(.minutes(5)), arguments: TestBackend.available)
    func referenceChainsDoNotExplode(backend: TestBackend) async throws {
        try await TestDatabase.with(backend) { test in
            let db = test.database
            let service = SegmentService(stores: test.stores, clock: ManualClock(Self.now))
            _ = try await db.ingest((0..<30).map { i in
                .identify(userId: "u\(i)", traits: ["tier": i % 3 == 0 ? "gold" : "silver"], at: Self.now - 10, messageId: "i\(i)")
            }, planner: planner)
            try await service.saveSegment(SegmentDefinition(id: "fan-0", name: "Fan 0", condition: .field(.trait(["tier"]), .equals(.string("gold"))),
                                                            createdAt: Self.now))
            let started = ContinuousClock.now
            for k in 1...12 {
                let refs = Condition.any(Array(repeating: .segment("fan-\(k - 1)"), count: 4))
                let refresh = try await service.saveSegment(SegmentDefinition(id: "fan-\(k)", name: "Fan \(k)", condition: refs, createdAt: Self.now))
                #expect(refresh.entered == 10)
            }
            let top = Condition.all([.segment("fan-12"), .segment("fan-11"), .not(.segment("fan-0"))])
            #expect(try await db.audienceCount(.segment("fan-12")) == 10)
            #expect(try await db.audienceCount(top) == 0)
            #expect(try await db.audience(.any([.segment("fan-12"), .segment("fan-3")]), limit: nil).count == 10)
            // Explained once per segment: the tree has one branch per level, not 4¹².
            let id = try #require(try await db.profile(.identity(Identity(.user, "u0")))).id
            let subject = try #require(try await db.segmentSubject(id))
            let catalog = try SegmentCatalog(try await db.segments())
            let explanation = catalog.evaluator.explain(.segment("fan-12"), subject, now: Self.now)
            #expect(explanation.held)
            func nodes(_ e: Explanation) -> Int { 1 + e.children.map(nodes).reduce(0, +) }
            #expect(nodes(explanation) < 100)
            // Seconds (minutes at most on a loaded machine), where inlining took far longer and gigabytes.
            #expect(ContinuousClock.now - started < .seconds(150))
        }
    }
}
