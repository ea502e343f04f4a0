import Foundation
import TailorCore
import TailorEngine
import TailorStore
import TailorTesting
import Testing

/// Segments on both backends: the SQL audience agrees with the in-process evaluator, membership follows
/// ingest and the clock.
@Suite("Segments in the store")
struct SegmentStoreTests {
    static let now = ISO8601.parse("2026-11-01T12:00:00Z")!
    let planner = IngestPlanner()

    @Test("random segments: SQL audiences equal the in-process evaluator's members", arguments: TestBackend.available)
    func differential(backend: TestBackend) async throws {
        try await TestDatabase.with(backend) { test in
            let db = test.database
            db.useSegmentClock(ManualClock(Self.now))
            var fuzz = SegmentFuzz(seed: backend == .sqlite ? 11 : 12, now: Self.now)
            var messages: [Message] = []
            for u in 0..<60 { messages += fuzz.history(user: "u\(u)") }
            for chunk in stride(from: 0, to: messages.count, by: 200).map({ Array(messages[$0..<min($0 + 200, messages.count)]) }) {
                _ = try await db.ingest(chunk, planner: planner)
            }
            var subjects: [SegmentSubject] = []
            var after: ProfileID?
            while true {
                let ids = try await db.profileIDs(after: after, limit: 500)
                guard let last = ids.last else { break }
                for id in ids { subjects.append(try #require(try await db.segmentSubject(id))) }
                after = last
            }
            #expect(subjects.count == 60)
            var nonTrivial = 0
            for i in 0..<400 {
                let c = fuzz.condition(depth: 2)
                let expected = subjects.filter { SegmentEvaluator().evaluate(c, $0, now: Self.now) }.map(\.profileId).sorted()
                let got = try await db.audience(c, limit: nil)
                #expect(got == expected, "case \(i) on \(backend): \(c.text)")
                if got != expected { break }
                if !expected.isEmpty && expected.count < subjects.count { nonTrivial += 1 }
                #expect(try await db.audienceCount(c) == expected.count)
            }
            // The generator must produce conditions that split the profiles, or the test proves little.
            #expect(nonTrivial > 160)
        }
    }

    @Test("Cart Abandoners: enter one hour after a $60 cart by the clock, leave at once on an order", arguments: TestBackend.available)
    func cartAbandonersFollowTheClock(backend: TestBackend) async throws {
        try await TestDatabase.with(backend) { test in
            let db = test.database
            let clock = ManualClock(Self.now)
            let service = SegmentService(stores: test.stores, clock: clock)
            let template = try #require(SegmentTemplates.named("cart-abandoners-over-50"))
            try await service.saveSegment(SegmentDefinition(id: template.id, name: template.name, condition: template.condition, createdAt: Self.now))
            _ = try await db.ingest([.track("Product Added", userId: "u1", properties: ["product_id": "p1", "price": 60], at: Self.now, messageId: "a1")],
                                    planner: planner)
            let id = try #require(try await db.profile(.identity(Identity(.user, "u1")))).id
            #expect(try await db.memberships(of: id).isEmpty)
            #expect(try await db.nextSegmentTimer() == Self.now.addingTimeInterval(3600))

            clock.advance(by: 3599.999)
            #expect(try await service.runSegmentTimers(limit: 100) == 0)
            #expect(try await db.memberships(of: id).isEmpty)
            clock.advance(by: 0.001)
            #expect(try await service.runSegmentTimers(limit: 100) == 1)
            #expect(try await db.memberships(of: id) == [template.id])
            #expect(try await db.nextSegmentTimer() == nil)

            clock.advance(by: 120)
            _ = try await db.ingest([.track("Order Completed", userId: "u1", properties: ["revenue": 60], at: clock.now(), messageId: "o1")],
                                    planner: planner)
            #expect(try await db.memberships(of: id).isEmpty)
            let history = try await db.membershipHistory(segment: template.id, profile: nil, limit: 10)
            #expect(history.map(\.entered) == [false, true])
            #expect(history.map(\.reason) == ["event o1", "time"])
            // The entries and exits are in the profile's event stream, in order.
            let events = try await db.events(of: id, before: nil, limit: 10).map(\.message)
            let bookkeeping = events.filter { $0.event == TailorEvent.segmentEntered || $0.event == TailorEvent.segmentExited }
            #expect(bookkeeping.map(\.event) == [TailorEvent.segmentExited, TailorEvent.segmentEntered])
            #expect(bookkeeping.first?.properties["segment_id"] == .string(template.id))
            // Bookkeeping is counted but changes nothing else, and a rebuild agrees.
            let before = try #require(try await db.aggregate(id))
            _ = try await db.rebuildProfiles(progress: nil)
            #expect(try await db.aggregate(id)?.state == before.state)
        }
    }

    @Test("saving a segment evaluates it for everyone; segments that depend on it follow; deletes are guarded", arguments: TestBackend.available)
    func definitions(backend: TestBackend) async throws {
        try await TestDatabase.with(backend) { test in
            let db = test.database
            let service = SegmentService(stores: test.stores, clock: ManualClock(Self.now))
            _ = try await db.ingest([
                .identify(userId: "ny", traits: ["city": "New York", "vip": true], at: Self.now - 100, messageId: "i1"),
                .identify(userId: "pa", traits: ["city": "Paris", "vip": true], at: Self.now - 100, messageId: "i2"),
            ], planner: planner)
            let ny = SegmentDefinition(id: "new-york", name: "New York", condition: try Condition(text: #"traits.city = "New York""#), createdAt: Self.now)
            #expect(try await service.saveSegment(ny) == SegmentRefresh(evaluated: 2, entered: 1, exited: 0))
            let vip = SegmentDefinition(id: "vip-ny", name: "VIP New York", condition: try Condition(text: #"in segment "new-york" and traits.vip = true"#),
                                        createdAt: Self.now)
            #expect(try await service.saveSegment(vip).entered == 1)
            await #expect(throws: SegmentDefinitionError.self) {
                try await service.saveSegment(SegmentDefinition(id: "new-york", name: "New York", condition: try Condition(text: #"in segment "vip-ny""#),
                                                                createdAt: Self.now))
            }
            await #expect(throws: SegmentDefinitionError.self) { try await service.deleteSegment("new-york") }
            // Redefining New York as Paris moves both segments' members.
            var paris = ny
            paris.condition = try Condition(text: #"traits.city = "Paris""#)
            #expect(try await service.saveSegment(paris) == SegmentRefresh(evaluated: 2, entered: 2, exited: 2))
            let pa = try #require(try await db.profile(.identity(Identity(.user, "pa")))).id
            #expect(try await db.memberships(of: pa) == ["new-york", "vip-ny"])
            // A trait change re-evaluates in real time.
            _ = try await db.ingest([.identify(userId: "pa", traits: ["vip": false], at: Self.now, messageId: "i3")], planner: planner)
            #expect(try await db.memberships(of: pa) == ["new-york"])
            #expect(try await service.deleteSegment("vip-ny"))
            #expect(try await db.segments().map(\.id) == ["new-york"])
        }
    }

    @Test("an open appended by the mail tracking moves a profile into an engagement segment at once", arguments: TestBackend.available)
    func appendedEventsKeepMembership(backend: TestBackend) async throws {
        try await TestDatabase.with(backend) { test in
            let db = test.database
            let service = SegmentService(stores: test.stores, clock: ManualClock(Self.now))
            _ = try await db.ingest([.identify(userId: "u1", traits: ["city": "Paris"], at: Self.now - 100, messageId: "i1")], planner: planner)
            let id = try #require(try await db.profile(.identity(Identity(.user, "u1")))).id
            try await service.saveSegment(SegmentDefinition(id: "readers", name: "Readers",
                                                            condition: try Condition(text: #"count("Email Opened" in last 7 days) >= 1"#), createdAt: Self.now))
            let mail = db
            _ = try await mail.appendEvents([(profile: id, message: .track("Email Opened", at: Self.now - 10, messageId: "open-1"))])
            #expect(try await db.memberships(of: id) == ["readers"])
            // Seven days later, by the timer it recorded, the profile leaves.
            #expect(try await db.nextSegmentTimer() == Self.now - 10 + 7 * 86_400)
        }
    }

    @Test("RFM scores are stored and usable in conditions", arguments: TestBackend.available)
    func rfm(backend: TestBackend) async throws {
        try await TestDatabase.with(backend) { test in
            let db = test.database
            let service = SegmentService(stores: test.stores, clock: ManualClock(Self.now))
            var messages: [Message] = []
            for u in 0..<10 {
                for o in 0...u { messages.append(.track("Order Completed", userId: "u\(u)", properties: ["revenue": .number(Double(10 * u))],
                                                        at: Self.now - Double(86_400 * (10 - u) + o), messageId: "o\(u)-\(o)")) }
            }
            _ = try await db.ingest(messages, planner: planner)
            let champions = SegmentDefinition(id: "champions", name: "Champions", condition: try Condition(text: #"rfm.group = "Champions""#), createdAt: Self.now)
            try await service.saveSegment(champions)
            #expect(try await db.memberCount(of: "champions") == 0)
            let summary = try await service.refreshRFM()
            #expect(summary.customers == 10)
            let best = try #require(try await db.profile(.identity(Identity(.user, "u9")))).id
            #expect(try await db.rfmScore(of: best) == RFMScore(recency: 5, frequency: 5, monetary: 5))
            #expect(try await db.memberships(of: best) == ["champions"])
            #expect(try await db.audienceCount(champions.condition) == summary.groups["Champions"])
            #expect(try await db.memberCount(of: "champions") == summary.groups["Champions"])
        }
    }
}
