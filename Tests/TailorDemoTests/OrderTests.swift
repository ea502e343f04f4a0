import Foundation
import TailorCore
import TailorDemo
import Testing

@Suite struct OrderTests {
    let shop = DemoFixture.shop

    @Test func everyOrderHasAnIdAndLineItemsThatAddUpToItsRevenue() throws {
        let catalog = Dictionary(uniqueKeysWithValues: shop.products.map { ($0.id, $0) })
        var orderIds = Set<String>()
        var orders = 0
        for i in 0..<DemoFixture.customers {
            var checkouts: [String: JSONObject] = [:]
            for m in shop.messages(forCustomer: i) where m.type == .track {
                if m.event == "Checkout Started" {
                    checkouts[m.properties["order_id"]?.stringValue ?? ""] = m.properties
                }
                guard m.event == TailorEvent.orderCompleted else { continue }
                orders += 1
                #expect(m.userId == shop.userId(ofCustomer: i), "orders are placed by signed-up customers")
                let p = m.properties
                let orderId = try #require(p["order_id"]?.stringValue)
                #expect(orderIds.insert(orderId).inserted, "order ids are unique")
                let items = try #require(p["products"]?.arrayValue)
                #expect(!items.isEmpty)
                var cents = 0
                for item in items {
                    let o = try #require(item.objectValue)
                    let id = try #require(o["product_id"]?.stringValue)
                    let product = try #require(catalog[id])
                    let price = try #require(o["price"]?.doubleValue)
                    let quantity = try #require(o["quantity"]?.doubleValue)
                    #expect(price == product.price)
                    #expect(o["category"]?.stringValue == product.category)
                    #expect(quantity >= 1 && quantity == quantity.rounded())
                    cents += Int((price * 100).rounded()) * Int(quantity)
                }
                let revenue = try #require(p["revenue"]?.doubleValue)
                #expect(abs(revenue - Double(cents) / 100) < 0.005)
                #expect(abs(ProfileState.orderValue(p) - revenue) < 0.005)
                let shipping = try #require(p["shipping"]?.doubleValue)
                let tax = try #require(p["tax"]?.doubleValue)
                let total = try #require(p["total"]?.doubleValue)
                #expect(abs(total - (revenue + shipping + tax)) < 0.005)
                #expect(p["currency"]?.stringValue == "USD")
                // The checkout that led to it, with the same basket.
                let checkout = try #require(checkouts[orderId], "order without Checkout Started")
                #expect(checkout["products"] == p["products"])
                #expect(checkout["value"]?.doubleValue == revenue)
            }
        }
        #expect(orders > DemoFixture.customers)
    }

    @Test func anOrderBuysExactlyTheCartAndEmptiesIt() {
        // Folding each customer's events with ProfileState (Tailor's cart rules): right before an order the
        // cart holds what the order contains; right after, it is empty.
        var checked = 0
        for i in 0..<DemoFixture.customers {
            var state = ProfileState()
            for m in shop.messages(forCustomer: i) {
                if m.event == TailorEvent.orderCompleted {
                    let revenue = m.properties["revenue"]?.doubleValue ?? -1
                    #expect(abs(state.cartValue - revenue) < 0.005, "customer \(i)")
                    let ids = Set((m.properties["products"]?.arrayValue ?? []).compactMap { $0.objectValue?["product_id"]?.stringValue })
                    #expect(ids == Set(state.cart.keys))
                    checked += 1
                }
                let applied = state.apply(m)
                #expect(applied, "events arrive in order")
                if m.event == TailorEvent.orderCompleted { #expect(state.cart.isEmpty) }
            }
        }
        #expect(checked > 0)
    }

    @Test func cartsAreOnlyFilledWithProductsInStock() {
        let outOfStock = Set(shop.products.filter { !$0.inStock }.map(\.id))
        #expect(!outOfStock.isEmpty)
        var viewedOutOfStock = 0
        for m in shop.messages(customers: 0..<500) where m.type == .track {
            let id = m.properties["product_id"]?.stringValue ?? ""
            if m.event == TailorEvent.productAdded {
                #expect(!outOfStock.contains(id))
                #expect(m.properties["price"]?.doubleValue != nil)
                #expect((m.properties["quantity"]?.doubleValue ?? 0) >= 1)
            }
            if m.event == TailorEvent.productViewed && outOfStock.contains(id) { viewedOutOfStock += 1 }
        }
        #expect(viewedOutOfStock > 0, "out-of-stock products are still viewed")
    }
}
