import Foundation
import TailorCore
import TailorDemo
import Testing

@Suite struct CatalogTests {
    let products = DemoFixture.shop.products

    @Test func aFewHundredProductsInTenCategories() {
        #expect((200...500).contains(products.count))
        #expect(Set(products.map(\.id)).count == products.count)
        #expect(Set(products.map(\.name)).count == products.count)
        let categories = Set(products.compactMap(\.category))
        #expect(categories == Set(DemoShop.categories))
        #expect(categories.count == 10)
        for category in categories {
            #expect(products.filter { $0.category == category }.count >= 15)
        }
        for p in products {
            #expect(p.id.hasPrefix("prod_"))
            #expect(p.url?.hasPrefix("https://shop.example.com/") == true)
            #expect(p.attributes["brand"]?.stringValue != nil)
        }
    }

    @Test func pricesAreLogNormalAndPlausiblePerCategory() throws {
        func median(_ category: String) -> Double {
            let prices = products.filter { $0.category == category }.compactMap(\.price).sorted()
            return prices[prices.count / 2]
        }
        #expect(median("electronics") > median("apparel"))
        #expect(median("apparel") > median("books"))
        #expect(median("books") > median("grocery"))
        let prices = products.compactMap(\.price)
        #expect(prices.count == products.count)
        #expect(prices.allSatisfy { $0 >= 1 && $0 < 5_000 })
        // Right-skewed, as log-normal prices are: the mean is above the median, and logs are spread.
        let sorted = prices.sorted()
        let mean = prices.reduce(0, +) / Double(prices.count)
        #expect(mean > sorted[sorted.count / 2])
        #expect(sorted.last! / sorted.first! > 20)
    }

    @Test func aFewProductsAreOutOfStock() {
        let out = products.filter { !$0.inStock }.count
        #expect(out >= 1)
        #expect(out < products.count / 10)
    }
}
