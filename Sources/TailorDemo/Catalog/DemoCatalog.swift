import Foundation
import TailorCore

/// The demo shop's products, with the popularity tables customers choose from and the event properties
/// precomputed per product (shared, copy-on-write, by every message about the product).
struct DemoCatalog: Sendable {
    var products: [Product]
    var priceCents: [Int]
    var inStock: [Bool]
    /// Product indices per category, and how popular each is (Zipf-like: a few best sellers, a long tail).
    var byCategory: [[Int]]
    var popularity: [WeightedTable]
    /// Each product's brand, as an index into its category's brands, and its price band within its category
    /// (0 cheapest third, 1 middle, 2 dearest): what customers' tastes are made of.
    var brand: [Int]
    var priceBand: [Int]

    // Event properties, by product.
    var viewed: [JSONObject]
    var removed: [JSONObject]
    /// `Product Added` and order line items for quantities 1...4.
    var added: [[JSONObject]]
    var lineItems: [[JSONValue]]
    var productPage: [JSONObject]
    // By category.
    var categoryPage: [JSONObject]
    /// The most of one product a customer adds at once, by category.
    var maxQuantity: [Int]

    static let maxPrecomputedQuantity = 4

    init(seed: UInt64) {
        var rng = DemoRandom(seed: seed, stream: 0xCA7A_1065)
        var products: [Product] = []
        var priceCents: [Int] = []
        var inStock: [Bool] = []
        var byCategory: [[Int]] = []
        var popularity: [WeightedTable] = []
        var brands: [Int] = []
        var bands: [Int] = []
        var names = Set<String>()
        for category in DemoCategory.all {
            var members: [Int] = []
            var attempts = 0
            while members.count < category.size && attempts < category.size * 50 {
                attempts += 1
                let brand = rng.pick(category.brands)
                let name =
                    category.name == "books"
                    ? "\(rng.pick(category.adjectives)) \(rng.pick(category.nouns))"
                    : "\(brand) \(rng.pick(category.adjectives)) \(rng.pick(category.nouns))"
                guard names.insert(name).inserted else { continue }
                let index = products.count
                let id = "prod_" + Self.zeroPadded(index + 1, width: 5)
                // Log-normal prices, ending in .99 (or .00 above $200), at least $1.99.
                let dollars = max(2, rng.logNormal(median: category.medianPrice, sigma: category.priceSigma).rounded())
                let cents = dollars >= 200 ? Int(dollars) * 100 : Int(dollars) * 100 - 1
                let stocked = !rng.chance(0.04)
                let slug = Self.slug(name)
                let rating = (rng.uniform(3.4, 4.95) * 10).rounded() / 10
                products.append(
                    Product(
                        id: id,
                        name: name,
                        category: category.name,
                        price: Double(cents) / 100,
                        inStock: stocked,
                        url: "https://shop.example.com/products/\(slug)",
                        imageUrl: "https://cdn.example.com/images/\(id).jpg",
                        attributes: [
                            "brand": .string(brand),
                            "rating": .number(rating),
                            "review_count": .number(Double(Int(rng.logNormal(median: 40, sigma: 1.2)))),
                        ]
                    )
                )
                priceCents.append(cents)
                inStock.append(stocked)
                brands.append(category.brands.firstIndex(of: brand) ?? 0)
                members.append(index)
            }
            bands += [Int](repeating: 0, count: members.count)
            let byPrice = members.sorted { priceCents[$0] < priceCents[$1] || (priceCents[$0] == priceCents[$1] && $0 < $1) }
            for (rank, index) in byPrice.enumerated() { bands[index] = rank * 3 / max(1, byPrice.count) }
            byCategory.append(members)
            popularity.append(WeightedTable(members.indices.map { 1 / pow(Double($0) + 1.5, 0.9) }))
        }
        self.products = products
        self.priceCents = priceCents
        self.inStock = inStock
        self.byCategory = byCategory
        self.popularity = popularity
        self.brand = brands
        self.priceBand = bands

        viewed = []
        removed = []
        added = []
        lineItems = []
        productPage = []
        for (i, p) in products.enumerated() {
            let base: JSONObject = [
                "product_id": .string(p.id), "name": .string(p.name), "category": .string(p.category ?? ""),
                "price": .number(Double(priceCents[i]) / 100), "brand": p.attributes["brand"] ?? .null,
            ]
            var withURL = base
            withURL["url"] = .string(p.url ?? "")
            viewed.append(withURL)
            removed.append(base)
            var quantities: [JSONObject] = []
            var items: [JSONValue] = []
            for q in 1...Self.maxPrecomputedQuantity {
                var o = base
                o["quantity"] = .number(Double(q))
                quantities.append(o)
                items.append(.object(o))
            }
            added.append(quantities)
            lineItems.append(items)
            let path = "/products/" + Self.slug(p.name)
            productPage.append(["path": .string(path), "url": .string("https://shop.example.com" + path), "title": .string(p.name)])
        }
        maxQuantity = DemoCategory.all.map(\.maxQuantity)
        categoryPage = DemoCategory.all.map { c in
            let path = "/c/" + c.name
            return [
                "path": .string(path), "url": .string("https://shop.example.com" + path), "title": .string(c.title),
                "category": .string(c.name),
            ]
        }
    }

    /// A product of the category, by popularity.
    @inline(__always)
    func product(in category: Int, _ rng: inout DemoRandom) -> Int {
        byCategory[category][popularity[category].sample(&rng)]
    }

    static func slug(_ name: String) -> String {
        var out = ""
        var dash = false
        for ch in name.lowercased().unicodeScalars {
            if ("a"..."z").contains(ch) || ("0"..."9").contains(ch) {
                out.unicodeScalars.append(ch)
                dash = false
            } else if !dash && !out.isEmpty {
                out += "-"
                dash = true
            }
        }
        return dash ? String(out.dropLast()) : out
    }

    static func zeroPadded(_ value: Int, width: Int) -> String {
        let s = String(value)
        return s.count >= width ? s : String(repeating: "0", count: width - s.count) + s
    }
}
