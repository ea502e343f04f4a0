import Foundation
import TailorCore
import TailorDemo
import Testing

@Suite struct TimelineTests {
    let shop = DemoFixture.shop

    @Test func timestampsLieInTheWindowAndEachCustomerIsChronological() {
        let earliest = shop.now.addingTimeInterval(-18 * 30.5 * 86_400)
        #expect(shop.start >= earliest)
        var lastSeen = Date.distantPast
        for i in 0..<DemoFixture.customers {
            let messages = shop.messages(forCustomer: i)
            #expect(!messages.isEmpty)
            for (a, b) in zip(messages, messages.dropFirst()) where a.timestamp > b.timestamp {
                Issue.record("customer \(i): \(a.eventName) after \(b.eventName)")
            }
            for m in messages where m.timestamp > shop.now || m.timestamp < shop.start {
                Issue.record("customer \(i): \(m.eventName) at \(ISO8601.format(m.timestamp)) outside the window")
            }
            lastSeen = max(lastSeen, messages.last!.timestamp)
        }
        // The history runs up to `now`: something happened in the last day.
        #expect(lastSeen > shop.now.addingTimeInterval(-86_400))
    }

    @Test func timestampsAreWholeMilliseconds() {
        for m in shop.messages(forCustomer: 3) {
            #expect(Date(millisecondsSince1970: m.timestamp.millisecondsSince1970) == m.timestamp)
        }
    }

    @Test func anonymousBrowsingIsLinkedByTheSignUpIdentify() throws {
        var customersWithAnonymousHistory = 0
        var secondDevices = 0
        for i in 0..<DemoFixture.customers {
            let messages = shop.messages(forCustomer: i)
            let userId = shop.userId(ofCustomer: i)
            let signUp = try #require(messages.firstIndex { $0.type == .identify }, "customer \(i) never identifies")
            let identify = messages[signUp]
            #expect(identify.userId == userId)
            let anonymousId = try #require(identify.anonymousId)
            #expect(identify.traits["email"]?.stringValue == shop.customer(i).email)
            // Before the identify, nothing carries the user id, and everything carries the browser's anonymous id.
            for m in messages[..<signUp] {
                #expect(m.userId == nil)
                #expect(m.anonymousId == anonymousId)
            }
            if signUp > 0 { customersWithAnonymousHistory += 1 }
            // Every anonymous id the customer uses is linked to the user id by an identify.
            let linked = Set(messages.filter { $0.type == .identify }.compactMap(\.anonymousId))
            for m in messages where m.userId == nil {
                #expect(linked.contains(m.anonymousId ?? ""), "customer \(i): an anonymous id without identify")
            }
            if linked.count > 1 { secondDevices += 1 }
            // Every message is addressed to someone.
            #expect(messages.allSatisfy { $0.userId != nil || $0.anonymousId != nil })
            #expect(messages.allSatisfy { $0.userId == nil || $0.userId == userId })
        }
        #expect(customersWithAnonymousHistory > DemoFixture.customers / 2)
        #expect(secondDevices > DemoFixture.customers / 20)
    }

    @Test func messagesPassTheIngestDecoderUnchanged() throws {
        let decoder = MessageDecoder(generateMessageId: { "unused" })
        for i in [0, 1, 2, 50, 400] {
            for m in shop.messages(forCustomer: i) {
                let decoded = try decoder.decode(.object(m.json), type: nil, receivedAt: shop.now)
                var expected = m
                expected.receivedAt = shop.now
                #expect(decoded == expected)
                #expect(JSONWriter.bytes(.object(m.json)).count < decoder.limits.maxMessageBytes)
            }
        }
    }

    @Test func ordersFollowTheSeasons() {
        // Late November to mid-December is the busiest time of the year, January quieter; compare months
        // next to each other, as the shop also grows over the window.
        var orders: [String: Int] = [:]
        for i in 0..<DemoFixture.customers {
            for m in shop.messages(forCustomer: i) where m.event == TailorEvent.orderCompleted {
                orders[String(ISO8601.format(m.timestamp).prefix(7)), default: 0] += 1
            }
        }
        let october = Double(orders["2025-10"] ?? 0) / 31
        let december = Double(orders["2025-12"] ?? 0) / 31
        let january = Double(orders["2026-01"] ?? 0) / 31
        #expect(december > october * 1.25)
        #expect(january < december * 0.8)
    }
}

@Suite struct ShapeOfTheWindowTests {
    @Test func aShorterHistoryStaysInsideItsWindow() {
        let now = DemoFixture.now
        let shop = DemoShop(seed: 21, customers: 200, now: now, months: 3)
        #expect(abs(shop.start.timeIntervalSince(now) + 3 * 30.4 * 86_400) < 1)
        var count = 0
        for m in shop.messages() {
            count += 1
            #expect(m.timestamp >= shop.start && m.timestamp <= now)
        }
        #expect(count > 200 * 5)
    }

    @Test func anEmptyShopHasACatalogAndNoMessages() {
        let shop = DemoShop(seed: 1, customers: 0, now: DemoFixture.now)
        #expect(Array(shop.messages()).isEmpty)
        #expect(shop.products.count == 300)
        let summary = shop.summary()
        #expect(summary.messages == 0 && summary.customers == 0 && summary.orders == 0)
        #expect(summary.firstTimestamp == nil)
    }

    @Test func nowIsKeptToTheMillisecond() {
        let now = Date(timeIntervalSince1970: 1_790_000_000.123_456)
        let shop = DemoShop(seed: 1, customers: 30, now: now)
        #expect(shop.now.millisecondsSince1970 == 1_790_000_000_123)
        for m in shop.messages() { #expect(m.timestamp <= shop.now) }
    }
}

extension TimelineTests {
    /// Whether an `identify` counts as activity or not (ProfileState says not) must not change who is lapsed:
    /// every identify happens during a visit, next to page or track calls.
    @Test func everyIdentifyHappensDuringAVisit() {
        for i in 0..<300 {
            let messages = shop.messages(forCustomer: i)
            let visits = messages.filter { $0.type == .page }.map(\.timestamp)
            for m in messages where m.type == .identify {
                #expect(visits.contains { abs($0.timeIntervalSince(m.timestamp)) < 30 * 60 }, "customer \(i)")
            }
        }
    }
}
