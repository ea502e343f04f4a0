import Foundation
import TailorCore
import TailorDemo
import Testing

/// The shape of the shop: what docs/DEMO.md claims about its distributions.
@Suite struct DistributionTests {
    let facts = DemoFixture.facts

    @Test func aMinorityMakesMostOrders() {
        let orders = facts.map(\.ordersAllTime).sorted(by: >)
        let total = orders.reduce(0, +)
        let top20 = orders.prefix(facts.count / 5).reduce(0, +)
        #expect(Double(top20) / Double(total) > 0.6)
        // Most customers bought something, many only once or twice.
        let buyers = orders.filter { $0 > 0 }.count
        #expect(buyers > facts.count / 2)
        #expect(orders.filter { $0 > 0 && $0 <= 2 }.count > buyers / 3)
        // A heavy tail: someone ordered dozens of times.
        #expect(orders[0] >= 30)
    }

    @Test func messagesPerCustomerAreInTheTargetRange() {
        let mean = Double(facts.reduce(0) { $0 + $1.messages }) / Double(facts.count)
        #expect(mean > 40 && mean < 85)
    }

    @Test func lapsedCustomersAreAMinorityToAHalf() {
        let lapsed = Double(facts.filter(\.lapsed).count) / Double(facts.count)
        #expect(lapsed > 0.25 && lapsed < 0.7)
    }

    @Test func emailEngagementDiffersByCustomer() {
        let summary = DemoFixture.shop.summary()
        let sent = Double(summary.byEvent["Email Sent"] ?? 0)
        let opened = Double(summary.byEvent["Email Opened"] ?? 0)
        let clicked = Double(summary.byEvent["Email Clicked"] ?? 0)
        #expect(sent > Double(facts.count) * 5)
        #expect(opened / sent > 0.2 && opened / sent < 0.9)
        #expect(clicked / opened > 0.03 && clicked / opened < 0.3)
        #expect((summary.byEvent["Unsubscribed"] ?? 0) > 0)
        #expect((summary.byEvent["Email Bounced"] ?? 0) > 0)
        // Open propensity is personal: some customers open most of what they get, many almost nothing.
        var rates: [Double] = []
        for i in 0..<400 {
            let messages = DemoFixture.shop.messages(forCustomer: i)
            let s = messages.filter { $0.event == TailorEvent.emailSent }
            guard s.count >= 8 else { continue }
            let openedCampaigns = Set(messages.filter { $0.event == TailorEvent.emailOpened }.compactMap { $0.properties["campaign_id"] })
            rates.append(Double(openedCampaigns.count) / Double(s.count))
        }
        #expect(rates.filter { $0 > 0.6 }.count > rates.count / 20)
        #expect(rates.filter { $0 < 0.15 }.count > rates.count / 5)
    }

    @Test func everyKindOfEventOccurs() {
        let summary = DemoFixture.shop.summary()
        for name in [
            "identify", "Home", "Category", "Product", "Search", "Cart", "Checkout", "Product Viewed", "Products Searched",
            "Product Added", "Product Removed", "Checkout Started", "Order Completed", "Email Sent", "Email Opened",
            "Email Clicked",
        ] {
            #expect((summary.byEvent[name] ?? 0) > 0, "no \(name)")
        }
        #expect(summary.byType[.page] ?? 0 > summary.byType[.identify] ?? 0)
        // More checkouts than orders (some are abandoned), more adds than orders.
        #expect((summary.byEvent["Checkout Started"] ?? 0) > (summary.byEvent["Order Completed"] ?? 0))
        #expect((summary.byEvent["Product Added"] ?? 0) > (summary.byEvent["Order Completed"] ?? 0))
    }
}
