import Foundation
import TailorCore
import Testing

@testable import TailorDemo

@Suite struct DeterminismTests {
    let now = DemoFixture.now

    @Test func sameSeedGivesIdenticalMessages() {
        let a = DemoShop(seed: 99, customers: 300, now: now)
        let b = DemoShop(seed: 99, customers: 300, now: now)
        #expect(a.products == b.products)
        for i in 0..<300 {
            let x = a.messages(forCustomer: i)
            let y = b.messages(forCustomer: i)
            #expect(x == y, "customer \(i)")
            #expect(a.customer(i) == b.customer(i))
        }
    }

    @Test func differentSeedGivesDifferentShop() {
        let a = DemoShop(seed: 1, customers: 50, now: now)
        let b = DemoShop(seed: 2, customers: 50, now: now)
        #expect(a.products != b.products)
        var sameCustomers = 0
        var sharedIds = 0
        for i in 0..<50 {
            let x = a.messages(forCustomer: i)
            let y = b.messages(forCustomer: i)
            if x == y { sameCustomers += 1 }
            sharedIds += Set(x.map(\.messageId)).intersection(y.map(\.messageId)).count
        }
        #expect(sameCustomers == 0)
        // Two demo shops loaded into one database must not deduplicate each other's messages.
        #expect(sharedIds == 0)
    }

    @Test func aCustomerDoesNotDependOnTheShopSize() {
        let small = DemoShop(seed: 5, customers: 20, now: now)
        let large = DemoShop(seed: 5, customers: 2_000, now: now)
        for i in [0, 7, 19] {
            #expect(small.messages(forCustomer: i) == large.messages(forCustomer: i))
        }
    }

    @Test func theSequenceIsTheCustomersBatchesInOrder() {
        let shop = DemoShop(seed: 11, customers: 40, now: now)
        let streamed = Array(shop.messages())
        let batched = (0..<40).flatMap { shop.messages(forCustomer: $0) }
        #expect(streamed == batched)
        #expect(Array(shop.messages(customers: 10..<20)) == (10..<20).flatMap { shop.messages(forCustomer: $0) })
    }

    @Test func messageIdsAreUniqueAcrossTheShop() {
        var ids = Set<String>()
        var count = 0
        for i in 0..<DemoFixture.customers {
            for m in DemoFixture.shop.messages(forCustomer: i) {
                ids.insert(m.messageId)
                count += 1
            }
        }
        #expect(ids.count == count)
    }

    @Test func summaryCountsWhatTheMessagesContain() {
        let shop = DemoShop(seed: 3, customers: 120, now: now)
        let summary = shop.summary()
        var byEvent: [String: Int] = [:]
        var byType: [MessageType: Int] = [:]
        var count = 0
        var orders = 0
        var revenue = 0.0
        var buyers = Set<String>()
        var first = Date.distantFuture
        var last = Date.distantPast
        for m in shop.messages() {
            count += 1
            byEvent[m.eventName, default: 0] += 1
            byType[m.type, default: 0] += 1
            first = min(first, m.timestamp)
            last = max(last, m.timestamp)
            if m.event == TailorEvent.orderCompleted {
                orders += 1
                revenue += m.properties["revenue"]?.doubleValue ?? 0
                buyers.insert(m.userId ?? "")
            }
        }
        #expect(summary.messages == count)
        #expect(summary.byEvent == byEvent)
        #expect(summary.byType == byType)
        #expect(summary.orders == orders)
        #expect(abs(summary.revenue - revenue) < 0.01)
        #expect(summary.buyers == buyers.count)
        #expect(summary.customers == 120)
        #expect(summary.products == shop.products.count)
        #expect(summary.firstTimestamp == first)
        #expect(summary.lastTimestamp == last)
    }
}

extension DeterminismTests {
    @Test func customerRangesCoverEveryCustomerOnce() {
        let shop = DemoShop(seed: 1, customers: 10, now: now)
        #expect(shop.customerRanges(parts: 3) == [0..<3, 3..<6, 6..<10])
        #expect(shop.customerRanges(parts: 1) == [0..<10])
        #expect(shop.customerRanges(parts: 25).flatMap { Array($0) } == Array(0..<10))
        #expect(DemoShop(seed: 1, customers: 0, now: now).customerRanges(parts: 4).isEmpty)
    }

    @Test func theSummaryPrintsSizesAndEvents() {
        let summary = DemoShop(seed: 3, customers: 20, now: now).summary()
        let text = summary.description
        #expect(text.hasPrefix("20 customers, 300 products, \(summary.messages) messages\n"))
        #expect(text.contains("\(summary.orders) orders from \(summary.buyers) buyers, revenue $"))
        #expect(text.contains("Order Completed"))
        #expect(DemoSummary.money(1234.5) == "1234.50")
        #expect(DemoSummary.money(0.07) == "0.07")
    }
}
