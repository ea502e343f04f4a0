import Foundation
import TailorCore
import TailorEngine
import TailorStore
import TailorTesting
import Testing

/// `computed.*` conditions on both backends: the SQL audience agrees with the evaluator, the membership step of
/// ingest sees the computed traits, and a recomputation moves the segments that read them.
@Suite("Segments on computed traits")
struct ComputedSegmentTests {
    static let now = ISO8601.parse("2026-11-01T12:00:00Z")!
    static let day = 86_400.0
    let planner = IngestPlanner()
    /// Orders and cart adds only, so that the scores are easy to compute by hand.
    static let scoring = EngagementSettings(points: [TailorEvent.orderCompleted: 10, TailorEvent.productAdded: 3], halfLifeDays: 30)

    func orders(_ user: String, _ count: Int, at time: Date, tag: String) -> [Message] {
        (0..<count).map {
            .track(TailorEvent.orderCompleted, userId: user, properties: ["revenue": 10], at: time - Double($0), messageId: "\(tag)-\(user)-\($0)")
        }
    }

    func id(_ db: any TailorDatabase, _ user: String) async throws -> ProfileID {
        try #require(try await db.profile(.identity(Identity(.user, user)))).id
    }

    /// Every live profile's subject, as explain reads it.
    func subjects(_ db: any TailorDatabase) async throws -> [SegmentSubject] {
        var out: [SegmentSubject] = []
        var after: ProfileID?
        while true {
            let ids = try await db.profileIDs(after: after, limit: 500)
            guard let last = ids.last else { return out }
            for id in ids { out.append(try #require(try await db.segmentSubject(id))) }
            after = last
        }
    }

    @Test("random conditions on computed traits: SQL audiences equal the evaluator's members", arguments: TestBackend.available)
    func differential(backend: TestBackend) async throws {
        try await TestDatabase.with(backend) { test in
            let db = test.database
            db.useSegmentClock(ManualClock(Self.now))
            var fuzz = SegmentFuzz(seed: backend == .sqlite ? 21 : 22, now: Self.now)
            var messages: [Message] = []
            for u in 0..<50 { messages += fuzz.history(user: "u\(u)") }
            _ = try await db.ingest(messages, planner: planner)
            var traits: [ComputedTrait] = []
            for id in try await db.profileIDs(after: nil, limit: 500) { traits += fuzz.computedTraits(of: id) }
            try await test.stores.computedTraits.writeComputedTraits(traits, at: Self.now)
            let subjects = try await subjects(db)
            #expect(subjects.count == 50)
            #expect(subjects.contains { !$0.computed.isEmpty })
            var nonTrivial = 0
            for i in 0..<300 {
                let c = fuzz.condition(depth: 2, computed: true)
                let expected = subjects.filter { SegmentEvaluator().evaluate(c, $0, now: Self.now) }.map(\.profileId).sorted()
                let got = try await db.audience(c, limit: nil)
                #expect(got == expected, "case \(i) on \(backend): \(c.text)")
                if got != expected { break }
                #expect(try await db.audienceCount(c) == expected.count)
                var readsComputed = false
                c.forEachAtom { if case .field(.computed, _) = $0 { readsComputed = true } }
                if readsComputed, !expected.isEmpty, expected.count < subjects.count { nonTrivial += 1 }
            }
            // The conditions on computed traits must split the profiles, or the test proves little.
            #expect(nonTrivial > 60)
        }
    }

    @Test("computed.engagement_score >= 60: the hand-computed members, then joins and leaves on each recomputation",
          arguments: TestBackend.available)
    func recomputation(backend: TestBackend) async throws {
        try await TestDatabase.with(backend) { test in
            let db = test.database
            let clock = ManualClock(Self.now)
            let segments = SegmentService(stores: test.stores, clock: clock)
            let models = ComputedTraitService(interactions: test.stores.interactions, computedTraits: test.stores.computedTraits, segments: segments)
            let t0 = Self.now
            // Scores at t0, by hand (10 an order, 3 a cart add, halved every 30 days):
            // a 7 × 10 = 70; b 5 × 10 + 4 × 10 / 2 = 70; c 5 × 10 + 10 / 2 = 55; d 3 × 3 = 9; e none.
            var messages = orders("a", 7, at: t0, tag: "o") + orders("b", 5, at: t0, tag: "o") + orders("b", 4, at: t0 - 30 * Self.day, tag: "old")
                + orders("c", 5, at: t0, tag: "o") + orders("c", 1, at: t0 - 30 * Self.day, tag: "old")
            messages += (0..<3).map {
                .track(TailorEvent.productAdded, userId: "d", properties: ["product_id": "p1"], at: t0 - Double($0), messageId: "add-d-\($0)")
            }
            messages.append(.identify(userId: "e", traits: ["plan": "pro"], at: t0 - 100, messageId: "i-e"))
            _ = try await db.ingest(messages, planner: planner)
            var ids: [String: ProfileID] = [:]
            for u in ["a", "b", "c", "d", "e"] { ids[u] = try await id(db, u) }

            let condition = try Condition(text: "computed.engagement_score >= 60")
            let engaged = SegmentDefinition(id: "engaged", name: "Engaged", condition: condition, createdAt: t0)
            // Before any computation nobody has a score.
            #expect(try await segments.saveSegment(engaged) == SegmentRefresh(evaluated: 5, entered: 0, exited: 0))

            func check(_ members: Set<String>, _ note: String) async throws {
                let expected = Set(members.map { ids[$0]! })
                #expect(Set(try await db.audience(condition, limit: nil)) == expected, "\(note): SQL")
                #expect(try await db.audienceCount(condition) == members.count, "\(note): count")
                #expect(Set(try await segments.storedMembers("engaged")) == expected, "\(note): stored")
                let evaluated = try await subjects(db).filter { SegmentEvaluator().evaluate(condition, $0, now: clock.now()) }.map(\.profileId)
                #expect(Set(evaluated) == expected, "\(note): evaluator")
            }

            let first = try await models.computeEngagement(settings: Self.scoring, now: t0)
            #expect(first.profiles == 4)
            #expect(first.refresh == SegmentRefresh(evaluated: 5, entered: 2, exited: 0))
            let traits = try await test.stores.computedTraits.computedTraits(of: ids["c"]!)
            let score = try #require(traits.first { $0.name == "engagement_score" }?.number)
            #expect(abs(score - 55) < 1e-3)  // the orders are seconds apart, so a trace of decay
            try await check(["a", "b"], "first computation")
            let history = try await db.membershipHistory(segment: "engaged", profile: ids["a"]!, limit: 10)
            #expect(history.map(\.reason) == ["computed"] && history.map(\.entered) == [true])
            let stream = try await db.events(of: ids["a"]!, before: nil, limit: 20).map(\.message)
            #expect(stream.contains { $0.event == TailorEvent.segmentEntered && $0.properties["segment_id"] == .string("engaged") })

            // An order does not change a score until it is recomputed; then c (55 + 10) joins.
            _ = try await db.ingest(orders("c", 1, at: t0, tag: "new"), planner: planner)
            #expect(try await db.memberships(of: ids["c"]!).isEmpty)
            #expect(try await models.computeEngagement(settings: Self.scoring, now: t0).refresh.entered == 1)
            try await check(["a", "b", "c"], "after c's order")

            // Thirty days on, a orders again (70 / 2 + 70 = 105); b (35) and c (32.5) leave.
            clock.advance(by: 30 * Self.day)
            let t1 = clock.now()
            _ = try await db.ingest(orders("a", 7, at: t1, tag: "late"), planner: planner)
            let later = try await models.computeEngagement(settings: Self.scoring, now: t1)
            #expect(later.refresh == SegmentRefresh(evaluated: 5, entered: 0, exited: 2))
            try await check(["a"], "thirty days on")
            let left = try await db.membershipHistory(segment: "engaged", profile: ids["b"]!, limit: 10)
            #expect(left.map(\.entered) == [false, true] && left.map(\.reason) == ["computed", "computed"])
            let bStream = try await db.events(of: ids["b"]!, before: nil, limit: 30).map(\.message)
            #expect(bStream.contains { $0.event == TailorEvent.segmentExited && $0.properties["segment_id"] == .string("engaged") })

            // Clusters re-evaluate only the segments that read them.
            let other = try await models.computeClusters(settings: ClusterSettings(k: 2), now: t1)
            #expect(other.refresh == SegmentRefresh())
        }
    }

    @Test("the membership step of ingest reads computed traits, also from the SQLite cache", arguments: TestBackend.available)
    func ingestSeesComputedTraits(backend: TestBackend) async throws {
        try await TestDatabase.with(backend) { test in
            let db = test.database
            let clock = ManualClock(Self.now)
            let segments = SegmentService(stores: test.stores, clock: clock)
            let t0 = Self.now
            _ = try await db.ingest(orders("a", 7, at: t0, tag: "o") + orders("c", 5, at: t0, tag: "o"), planner: planner)
            let a = try await id(db, "a")
            let c = try await id(db, "c")
            let text = #"computed.engagement_score >= 60 and count("Email Opened" in last 7 days) >= 1"#
            try await segments.saveSegment(SegmentDefinition(id: "engaged-readers", name: "Engaged readers", condition: try Condition(text: text),
                                                             createdAt: t0))
            let models = ComputedTraitService(interactions: test.stores.interactions, computedTraits: test.stores.computedTraits, segments: segments)
            // a 70, c 50: nobody has opened an email yet.
            #expect(try await models.computeEngagement(settings: Self.scoring, now: t0).refresh.entered == 0)

            // The opens arrive by ingest (a minute ago by the clock): the step must see a's score to let a in, and c's to keep c out.
            _ = try await db.ingest([.track(TailorEvent.emailOpened, userId: "a", at: t0 - 60, messageId: "open-a"),
                                     .track(TailorEvent.emailOpened, userId: "c", at: t0 - 60, messageId: "open-c")], planner: planner)
            #expect(try await db.memberships(of: a) == ["engaged-readers"])
            #expect(try await db.memberships(of: c).isEmpty)
            let history = try await db.membershipHistory(segment: "engaged-readers", profile: a, limit: 10)
            #expect(history.map(\.reason) == ["event open-a"])
            // A second batch for the same profiles (on SQLite, from the membership facts it kept) keeps them so.
            _ = try await db.ingest([.track(TailorEvent.emailOpened, userId: "a", at: t0 - 50, messageId: "open-a2"),
                                     .track(TailorEvent.emailOpened, userId: "c", at: t0 - 50, messageId: "open-c2")], planner: planner)
            #expect(try await db.memberships(of: a) == ["engaged-readers"])
            #expect(try await db.memberships(of: c).isEmpty)

            // c orders twice more (70): the recomputation lets c in, and the next batch still sees the new score.
            _ = try await db.ingest(orders("c", 2, at: t0 - 40, tag: "more"), planner: planner)
            #expect(try await models.computeEngagement(settings: Self.scoring, now: t0).refresh.entered == 1)
            #expect(try await db.memberships(of: c) == ["engaged-readers"])
            _ = try await db.ingest([.track(TailorEvent.emailOpened, userId: "c", at: t0 - 30, messageId: "open-c3")], planner: planner)
            #expect(try await db.memberships(of: c) == ["engaged-readers"])
            let expected = try await db.audience(try Condition(text: text), limit: nil)
            #expect(Set(expected) == [a, c])
        }
    }
}
