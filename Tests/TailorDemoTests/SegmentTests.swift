import Foundation
import TailorCore
import TailorDemo
import Testing

/// Every seed segment of issue 4 has members in the demo shop, computed independently here by folding each
/// customer's events (ProfileState for the cart, plain window counts for the rest) at `now`.
@Suite struct SegmentTests {
    let facts = DemoFixture.facts

    @Test func everySeedSegmentHasMembers() {
        let sizes: [(String, Int)] = [
            ("Frequent Buyers", facts.filter(\.frequentBuyer).count),
            ("Engaged but Infrequent", facts.filter(\.engagedButInfrequent).count),
            ("Lapsed", facts.filter(\.lapsed).count),
            ("Recent Engaged Purchasers", facts.filter(\.recentEngagedPurchaser).count),
            ("Cart Abandoners over $50", facts.filter(\.cartAbandonerOver50).count),
            ("Repeat Buyers", facts.filter(\.repeatBuyer).count),
            ("New York", facts.filter(\.newYork).count),
        ]
        for (name, size) in sizes {
            #expect(size >= 3, "\(name) has \(size) members")
            #expect(size < facts.count * 3 / 4, "\(name) has \(size) members")
        }
    }

    @Test func frequentBuyersAreASmallShareAndRepeatBuyersContainThem() {
        let frequent = facts.filter(\.frequentBuyer)
        let repeats = facts.filter(\.repeatBuyer)
        #expect(frequent.allSatisfy { $0.repeatBuyer })
        #expect(repeats.count >= frequent.count)
        #expect(Double(frequent.count) / Double(facts.count) < 0.03)
    }

    @Test func someCartsAreOpenRightNow() {
        let now = DemoFixture.now
        let open = facts.filter { f in
            guard let changed = f.state.cartUpdatedAt, !f.state.cart.isEmpty else { return false }
            return f.state.lastOrderAt.map { $0 < changed } ?? true
        }
        // Carts changed in the last three days, some in the last hour (not abandoned yet), some over $50 and older.
        #expect(open.contains { $0.state.cartUpdatedAt! > now.addingTimeInterval(-3 * 86_400) })
        #expect(open.contains { $0.state.cartUpdatedAt! > now.addingTimeInterval(-3_600) })
        #expect(
            open.contains {
                $0.state.cartValue > 50 && $0.state.cartUpdatedAt! < now.addingTimeInterval(-3_600)
                    && $0.state.cartUpdatedAt! > now.addingTimeInterval(-3 * 86_400)
            }
        )
    }

    @Test func newYorkIsSizeable() {
        let share = Double(facts.filter(\.newYork).count) / Double(facts.count)
        #expect(share > 0.08)
    }
}
