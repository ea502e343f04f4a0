import Foundation
import TailorCore
import Testing

@Suite("Segment evaluation for one profile")
struct SegmentEvaluatorTests {
    static let now = ISO8601.parse("2026-11-01T12:00:00Z")!
    static let day = 86_400.0

    func subject(_ messages: [Message], traits: JSONObject = [:]) -> SegmentSubject {
        SegmentSubject(profileId: ProfileID("p_1"), createdAt: Self.now.addingTimeInterval(-400 * Self.day), traits: traits,
                       state: ProfileState.rebuild(from: messages), events: messages.map(SubjectEvent.init))
    }

    func orders(_ daysAgo: [Double]) -> [Message] {
        daysAgo.enumerated().map { i, d in .track("Order Completed", userId: "u", properties: ["revenue": 10], at: Self.now.addingTimeInterval(-d * Self.day), messageId: "o\(i)") }
    }

    func holds(_ text: String, _ s: SegmentSubject, at now: Date = now) throws -> Bool {
        SegmentEvaluator().evaluate(try Condition(text: text), s, now: now)
    }

    @Test("a window in the last N days is (now − N days, now]")
    func windowEdges() throws {
        let exactly30 = subject(orders([30]))
        #expect(try !holds(#"count("Order Completed" in last 30 days) >= 1"#, exactly30))
        let justInside = subject(orders([30 - 1 / 86_400_000]))
        #expect(try holds(#"count("Order Completed" in last 30 days) >= 1"#, justInside))
        let future = subject(orders([-1]))
        #expect(try !holds(#"count("Order Completed" in last 30 days) >= 1"#, future))
        #expect(try holds(#"count("Order Completed" in last 30 days) >= 1"#, future, at: Self.now.addingTimeInterval(Self.day)))
    }

    @Test("Frequent Buyers leaves exactly when its sixth recent order turns 30 days old")
    func nextChangeForWindows() throws {
        let s = subject(orders([1, 2, 3, 4, 5, 20]))
        let c = SegmentTemplates.named("frequent-buyers")!.condition
        let (held, next) = SegmentEvaluator().evaluateWithNextChange(c, s, now: Self.now)
        #expect(held)
        // The earliest boundary is the order 20 days ago leaving the window 10 days from now.
        #expect(next == Self.now.addingTimeInterval(10 * Self.day))
        #expect(SegmentEvaluator().evaluate(c, s, now: next!.addingTimeInterval(-0.001)))
        #expect(!SegmentEvaluator().evaluate(c, s, now: next!))
    }

    @Test("Cart Abandoners over $50: enters one hour after the last cart change, leaves on an order")
    func cartAbandoners() throws {
        let added = Self.now.addingTimeInterval(-600)
        var events: [Message] = [.track("Product Added", userId: "u", properties: ["product_id": "a", "price": 30, "quantity": 2], at: added, messageId: "a1")]
        let c = SegmentTemplates.named("cart-abandoners-over-50")!.condition
        let (held, next) = SegmentEvaluator().evaluateWithNextChange(c, subject(events), now: Self.now)
        #expect(!held)
        #expect(next == added.addingTimeInterval(3600))
        #expect(!SegmentEvaluator().evaluate(c, subject(events), now: added.addingTimeInterval(3599.999)))
        #expect(SegmentEvaluator().evaluate(c, subject(events), now: added.addingTimeInterval(3600)))
        events.append(.track("Order Completed", userId: "u", properties: ["revenue": 60], at: added.addingTimeInterval(4000), messageId: "o1"))
        #expect(!SegmentEvaluator().evaluate(c, subject(events), now: added.addingTimeInterval(4000)))
        // Below $50 never enters.
        let small: [Message] = [.track("Product Added", userId: "u", properties: ["product_id": "a", "price": 50], at: added, messageId: "a1")]
        #expect(!SegmentEvaluator().evaluate(c, subject(small), now: Self.now.addingTimeInterval(7200)))
    }

    @Test("Lapsed needs one activity, none in 60 days; Tailor's own events are not activity")
    func lapsed() throws {
        let c = SegmentTemplates.named("lapsed")!.condition
        let old: [Message] = [.track("Product Viewed", userId: "u", at: Self.now.addingTimeInterval(-61 * Self.day), messageId: "v")]
        #expect(SegmentEvaluator().evaluate(c, subject(old), now: Self.now))
        let sent = old + [.track("Email Sent", userId: "u", at: Self.now.addingTimeInterval(-Self.day), messageId: "s")]
        #expect(SegmentEvaluator().evaluate(c, subject(sent), now: Self.now))
        let page = old + [Message(type: .page, messageId: "p", userId: "u", name: "Home", timestamp: Self.now.addingTimeInterval(-Self.day))]
        #expect(!SegmentEvaluator().evaluate(c, subject(page), now: Self.now))
        let nothing: [Message] = [.track("Email Sent", userId: "u", at: Self.now.addingTimeInterval(-90 * Self.day), messageId: "s")]
        #expect(!SegmentEvaluator().evaluate(c, subject(nothing), now: Self.now))
        let (_, next) = SegmentEvaluator().evaluateWithNextChange(c, subject(page), now: Self.now)
        #expect(next == Self.now.addingTimeInterval(59 * Self.day))
    }

    @Test("string equality is exact; 'equals ignoring case' is not")
    func stringComparisons() throws {
        let s = subject([], traits: ["city": "new york", "tags": ["vip", "shoes"], "age": 31])
        #expect(try !holds(#"traits.city = "New York""#, s))
        #expect(try holds(#"traits.city equals ignoring case "New York""#, s))
        #expect(try holds(#"traits.tags contains "vip""#, s))
        #expect(try holds(#"traits.city contains "w y""#, s))
        #expect(try !holds(#"traits.age = "31""#, s))
        #expect(try holds(#"traits.age != "31""#, s))
        #expect(try !holds(#"traits.missing != "x""#, s))
        #expect(try holds(#"not traits.missing exists"#, s))
        #expect(try holds(#"traits.age between 31 and 40"#, s))
    }

    @Test("A not followed by B within T")
    func sequences() throws {
        let t = Self.now.addingTimeInterval(-3 * 3600)
        let c = try Condition(text: #""Product Added" not followed by "Order Completed" within 1 hour"#)
        let answered: [Message] = [.track("Product Added", userId: "u", at: t, messageId: "a"),
                                   .track("Order Completed", userId: "u", at: t.addingTimeInterval(1800), messageId: "o")]
        #expect(!SegmentEvaluator().evaluate(c, subject(answered), now: Self.now))
        let late: [Message] = [.track("Product Added", userId: "u", at: t, messageId: "a"),
                               .track("Order Completed", userId: "u", at: t.addingTimeInterval(7200), messageId: "o")]
        #expect(SegmentEvaluator().evaluate(c, subject(late), now: Self.now))
        let pending: [Message] = [.track("Product Added", userId: "u", at: Self.now.addingTimeInterval(-600), messageId: "a")]
        let (held, next) = SegmentEvaluator().evaluateWithNextChange(c, subject(pending), now: Self.now)
        #expect(!held && next == Self.now.addingTimeInterval(3000))
    }

    @Test("explain shows each condition, the profile's value and whether it held")
    func explain() throws {
        let s = subject(orders([1, 2]), traits: ["city": "Paris"])
        let c = try Condition(text: #"traits.city = "New York" or count("Order Completed" in last 30 days) > 1"#)
        let e = SegmentEvaluator().explain(c, s, now: Self.now)
        #expect(e.held)
        #expect(e.children.map(\.held) == [false, true])
        #expect(e.children.map(\.value) == [#""Paris""#, "2"])
        #expect(e.lines.first == "✓ any of")
    }

    @Test("RFM: rank quintiles, equal values score alike, groups from the grid")
    func rfm() {
        let customers = (0..<10).map { i in
            RFMScorer.Customer(profile: ProfileID("p\(i)"), lastOrderAt: Int64(i) * 1000, orders: i < 5 ? 1 : i, revenue: Double(i * 10))
        }
        let scores = RFMScorer.score(customers)
        #expect(scores[ProfileID("p0")] == RFMScore(recency: 1, frequency: 1, monetary: 1))
        #expect(scores[ProfileID("p9")] == RFMScore(recency: 5, frequency: 5, monetary: 5))
        #expect(scores[ProfileID("p4")]?.frequency == 1)  // five customers tie on one order
        #expect(scores[ProfileID("p5")]?.frequency == 3)
        #expect(RFMScore(recency: 5, frequency: 5, monetary: 4).group == .champions)
        #expect(RFMScore(recency: 1, frequency: 5, monetary: 5).group == .cantLoseThem)
        #expect(RFMScore(recency: 5, frequency: 1, monetary: 1).group == .newCustomers)
        #expect(RFMScore(recency: 1, frequency: 1, monetary: 2).group == .lost)
        #expect(Set((1...5).flatMap { r in (1...5).map { RFMGroup.of(recency: r, frequencyMonetary: $0) } }) == Set(RFMGroup.allCases))
    }
}
