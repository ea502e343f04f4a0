import Foundation
import TailorCore

/// Turns a customer's ``RawHistory`` into Segment messages. Properties that do not change between
/// messages (a product's, a campaign's, a page's) are shared dictionaries from the catalog, so most
/// messages cost no allocation beyond their slot in the array.
struct MessageBuilder {
    let shop: DemoShop
    let customer: DemoCustomer
    let anonymousIds: [String]
    let contexts: [JSONObject]
    let taxRate: Double
    /// The customer's traits, built once (for the sign-up identify).
    let signUpTraits: JSONObject

    static let homePage: JSONObject = ["path": "/", "url": "https://shop.example.com/", "title": "Home"]
    static let cartPage: JSONObject = ["path": "/cart", "url": "https://shop.example.com/cart", "title": "Your cart"]
    static let checkoutPage: JSONObject = ["path": "/checkout", "url": "https://shop.example.com/checkout", "title": "Checkout"]
    static let userAgents: [String] = [
        "Mozilla/5.0 (Macintosh; Intel Mac OS X 14_5) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Safari/605.1.15",
        "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0.0.0 Safari/537.36",
        "Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Mobile/15E148 Safari/604.1",
        "Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0.0.0 Mobile Safari/537.36",
    ]

    init(shop: DemoShop, customer: DemoCustomer) {
        self.shop = shop
        self.customer = customer
        anonymousIds = (0..<2).map { DemoIdentifiers.anonymousId(seed: shop.seed, customer: customer.index, device: $0) }
        let locale = DemoGeography.countries.first { $0.code == customer.countryCode }?.locale ?? "en-US"
        // The first browser is a computer, the second a phone.
        let agents = SplitMix64.mix(shop.seed ^ UInt64(customer.index))
        contexts = (0..<2).map { device in
            [
                "locale": .string(locale), "timezone": .string(customer.timeZone),
                "userAgent": .string(Self.userAgents[device * 2 + Int((agents >> UInt64(device)) & 1)]),
            ]
        }
        taxRate = customer.countryCode == "US" ? 0.08 : customer.countryCode == "CA" ? 0.13 : 0
        signUpTraits = customer.traits
    }

    /// The messages in time order, or newest first when `reversed` (for a consumer that pops them off the end).
    mutating func messages(_ history: RawHistory, reversed: Bool = false) -> [Message] {
        var out: [Message] = []
        out.reserveCapacity(history.events.count)
        let catalog = shop.catalog
        let campaigns = shop.campaigns.list
        let count = history.events.count
        for k in 0..<count {
            let n = reversed ? count - 1 - k : k
            let e = history.events[n]
            let messageId = DemoIdentifiers.id(
                prefix: (UInt8(ascii: "d"), UInt8(ascii: "m")),
                key: shop.messageKey,
                customer: customer.index,
                counter: n
            )
            let timestamp = Date(millisecondsSince1970: e.time)
            let userId = e.identified ? customer.userId : nil
            let anonymousId = e.device >= 0 ? anonymousIds[Int(e.device)] : nil
            let context = e.device >= 0 ? contexts[Int(e.device)] : [:]
            let a = Int(e.a)
            var type = MessageType.track
            var traits: JSONObject = [:]
            let properties: JSONObject
            switch e.kind {
            case .identify:
                type = .identify
                traits = signUpTraits
                properties = [:]
            case .identifyLogin:
                type = .identify
                traits = ["email": .string(customer.email)]
                properties = [:]
            case .identifyUpdate:
                type = .identify
                traits = ["interests": .array(updatedInterests().map { .string($0) })]
                properties = [:]
            case .pageHome: properties = Self.homePage
            case .pageCategory: properties = catalog.categoryPage[a]
            case .pageProduct: properties = catalog.productPage[a]
            case .pageSearch: properties = shop.search.pageProperties[a]
            case .pageCart: properties = Self.cartPage
            case .pageCheckout: properties = Self.checkoutPage
            case .productViewed: properties = catalog.viewed[a]
            case .productsSearched: properties = shop.search.searchedProperties[a]
            case .productAdded: properties = catalog.added[a][Int(e.b) - 1]
            case .productRemoved: properties = catalog.removed[a]
            case .checkoutStarted: properties = order(history, a, completed: false)
            case .orderCompleted: properties = order(history, a, completed: true)
            case .emailSent, .emailOpened, .emailBounced, .unsubscribed: properties = campaigns[a].properties
            case .emailClicked: properties = campaigns[a].clickProperties
            }
            let isPage = e.kind.isPage
            if isPage { type = .page }
            out.append(
                Message(
                    type: type,
                    messageId: messageId,
                    userId: userId,
                    anonymousId: anonymousId,
                    event: type == .track ? e.kind.eventName : nil,
                    name: isPage ? e.kind.eventName : nil,
                    traits: traits,
                    properties: properties,
                    context: context,
                    timestamp: timestamp
                )
            )
        }
        return out
    }

    /// `Checkout Started` / `Order Completed` properties: the line items, and amounts in dollars computed
    /// in cents (`revenue` is exactly Σ price × quantity of the line items).
    func order(_ history: RawHistory, _ index: Int, completed: Bool) -> JSONObject {
        let record = history.orders[index]
        let catalog = shop.catalog
        var products: [JSONValue] = []
        products.reserveCapacity(Int(record.linesCount))
        for line in history.lines[Int(record.linesStart)..<Int(record.linesStart + record.linesCount)] {
            let p = Int(line.product)
            let q = Int(line.quantity)
            if q <= DemoCatalog.maxPrecomputedQuantity {
                products.append(catalog.lineItems[p][q - 1])
            } else {
                var o = catalog.removed[p]
                o["quantity"] = .number(Double(q))
                products.append(.object(o))
            }
        }
        let orderId = DemoIdentifiers.id(
            prefix: (UInt8(ascii: "o"), UInt8(ascii: "r")),
            key: shop.orderKey,
            customer: customer.index,
            counter: Int(record.number)
        )
        let revenue = Double(record.cents) / 100
        guard completed else {
            return ["order_id": .string(orderId), "value": .number(revenue), "currency": "USD", "products": .array(products)]
        }
        let shippingCents = record.cents >= 5000 ? 0 : 599
        let taxCents = Int((Double(record.cents) * taxRate).rounded())
        return [
            "order_id": .string(orderId), "revenue": .number(revenue), "shipping": .number(Double(shippingCents) / 100),
            "tax": .number(Double(taxCents) / 100), "total": .number(Double(record.cents + shippingCents + taxCents) / 100),
            "currency": "USD", "products": .array(products),
        ]
    }

    /// The interests after a preference-centre update: one more interest than at sign-up.
    func updatedInterests() -> [String] {
        let all = DemoPsychographics.interests.map(\.name)
        let start = Int(SplitMix64.mix(shop.seed &+ UInt64(customer.index)) % UInt64(all.count))
        for k in 0..<all.count where !customer.interests.contains(all[(start + k) % all.count]) {
            return customer.interests + [all[(start + k) % all.count]]
        }
        return customer.interests
    }
}
