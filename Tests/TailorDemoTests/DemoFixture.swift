import Foundation
import TailorCore
import TailorDemo

/// A shop generated once for the whole test target, with each customer's history folded into the
/// window counts the seed segments use (issue 4's semantics: a window "in the last N days" is (now − N days, now]).
struct CustomerFacts: Sendable {
    var index: Int
    var messages: Int
    var state: ProfileState
    var ordersAllTime: Int
    var ordersIn30Days: Int
    var opensIn7Days: Int
    var opensIn30Days: Int
    var clicksIn30Days: Int
    var lastActivity: Date?
    var city: String?
}

enum DemoFixture {
    static let now = ISO8601.parse("2026-11-01T12:00:00Z")!
    static let seed: UInt64 = 7
    static let customers = 1_500
    static let shop = DemoShop(seed: seed, customers: customers, now: now)
    static let facts: [CustomerFacts] = (0..<customers).map { facts(of: $0, in: shop) }

    static func facts(of index: Int, in shop: DemoShop) -> CustomerFacts {
        let messages = shop.messages(forCustomer: index)
        let now = shop.now
        let day = 86_400.0
        var facts = CustomerFacts(
            index: index,
            messages: messages.count,
            state: ProfileState.rebuild(from: messages),
            ordersAllTime: 0,
            ordersIn30Days: 0,
            opensIn7Days: 0,
            opensIn30Days: 0,
            clicksIn30Days: 0,
            lastActivity: nil,
            city: nil
        )
        func within(_ m: Message, days: Double) -> Bool {
            m.timestamp > now.addingTimeInterval(-days * day) && m.timestamp <= now
        }
        for m in messages {
            if m.type == .identify, let city = m.traits["city"]?.stringValue { facts.city = city }
            switch (m.type, m.event) {
            case (.track, TailorEvent.orderCompleted?):
                facts.ordersAllTime += 1
                if within(m, days: 30) { facts.ordersIn30Days += 1 }
            case (.track, TailorEvent.emailOpened?):
                if within(m, days: 7) { facts.opensIn7Days += 1 }
                if within(m, days: 30) { facts.opensIn30Days += 1 }
            case (.track, TailorEvent.emailClicked?):
                if within(m, days: 30) { facts.clicksIn30Days += 1 }
            default: break
            }
            let activity = m.type == .page || m.type == .screen || (m.type == .track && !TailorEvent.notActivity.contains(m.event ?? ""))
            if activity { facts.lastActivity = max(facts.lastActivity ?? m.timestamp, m.timestamp) }
        }
        return facts
    }
}

// MARK: - The seed segments (issue 4), computed from the folded facts

extension CustomerFacts {
    var frequentBuyer: Bool { ordersIn30Days > 5 }
    var repeatBuyer: Bool { ordersIn30Days > 3 }
    var engagedButInfrequent: Bool { opensIn7Days > 3 && ordersIn30Days < 2 }
    var lapsed: Bool { lastActivity.map { $0 <= DemoFixture.now.addingTimeInterval(-60 * 86_400) } ?? false }
    var recentEngagedPurchaser: Bool { ordersIn30Days >= 1 && opensIn30Days + clicksIn30Days >= 3 }
    var cartAbandonerOver50: Bool {
        guard state.cartValue > 50, let changed = state.cartUpdatedAt else { return false }
        let noOrderSince = state.lastOrderAt.map { $0 < changed } ?? true
        return noOrderSince && changed <= DemoFixture.now.addingTimeInterval(-3600)
    }
    var newYork: Bool { city == "New York" }
}
