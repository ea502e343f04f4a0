public import Foundation
public import TailorCore

/// A synthetic online shop: a catalog, customers and ~18 months of their behaviour as Segment messages,
/// all derived from a seed. The same seed, size and `now` always give the same shop, message for message.
///
/// Nothing is held in memory but the catalog: each customer's messages are generated when asked for,
/// independently of the others, so ``messages()`` streams and ``messages(forCustomer:)`` can be called
/// from several tasks at once to ingest in parallel. See docs/DEMO.md for what the shop contains.
///
/// ```swift
/// let shop = DemoShop(seed: 42, customers: 10_000, now: now)
/// for message in shop.messages() { try await ingest(message) }
/// ```
public struct DemoShop: Sendable {
    /// The seed everything is derived from.
    public let seed: UInt64
    /// How many customers the shop has; customers are numbered `0..<customerCount`.
    public let customerCount: Int
    /// The end of the generated history: every timestamp is at or before it.
    public let now: Date
    /// The start of the generated window (`now` minus `months` × 30.4 days).
    public let start: Date

    let nowMs: Int64
    let startMs: Int64
    let catalog: DemoCatalog
    let campaigns: DemoCampaigns
    let search: DemoSearch
    let messageKey: UInt64
    let orderKey: UInt64

    /// - Parameters:
    ///   - seed: the seed; the same seed gives the same shop.
    ///   - customers: how many customers (default 10,000; about 75 messages each on average).
    ///   - now: the end of the history (typically `TAILOR_NOW`); it is truncated to the millisecond.
    ///   - months: how far back the history goes (default 18).
    public init(seed: UInt64 = 42, customers: Int = 10_000, now: Date, months: Int = 18) {
        precondition(customers >= 0, "customers must not be negative")
        precondition(months >= 2, "the history must cover at least two months")
        self.seed = seed
        customerCount = customers
        nowMs = now.millisecondsSince1970
        self.now = Date(millisecondsSince1970: nowMs)
        startMs = nowMs - Int64((Double(months) * 30.4 * 86_400_000).rounded())
        start = Date(millisecondsSince1970: startMs)
        catalog = DemoCatalog(seed: seed)
        campaigns = DemoCampaigns(startMs: startMs, nowMs: nowMs)
        search = DemoSearch()
        messageKey = DemoIdentifiers.key(seed: seed, purpose: 0x4D53_4731)
        orderKey = DemoIdentifiers.key(seed: seed, purpose: 0x4F52_4452)
    }

    /// The catalog: 300 products in 10 categories, a few out of stock.
    public var products: [Product] { catalog.products }

    /// The product categories, in catalog order (`apparel`, `shoes`, … `grocery`).
    public static var categories: [String] { DemoCategory.all.map(\.name) }

    /// The user id of customer `index` (`cust_000123`), without generating anything else.
    public func userId(ofCustomer index: Int) -> String { Self.userId(index) }

    // MARK: - Messages

    /// Customer `index`'s messages, in time order: anonymous browsing, the sign-up `identify` that links it,
    /// visits, carts, orders and email engagement.
    public func messages(forCustomer index: Int) -> [Message] {
        messages(forCustomer: index, reversed: false)
    }

    /// The customers split into `parts` contiguous ranges of nearly equal size (for parallel ingest:
    /// one ``messages(customers:)`` per task). Empty ranges are left out.
    public func customerRanges(parts: Int) -> [Range<Int>] {
        precondition(parts > 0, "parts must be positive")
        return (0..<parts).map { (customerCount * $0 / parts)..<(customerCount * ($0 + 1) / parts) }.filter { !$0.isEmpty }
    }

    func messages(forCustomer index: Int, reversed: Bool) -> [Message] {
        precondition(index >= 0 && index < customerCount, "customer index out of range")
        let (customer, city, favorites) = makeCustomer(index)
        var history = simulate(index, city: city, favorites: favorites, optIn: customer.emailOptIn)
        history.events.sort { $0.time != $1.time ? $0.time < $1.time : $0.sequence < $1.sequence }
        var builder = MessageBuilder(shop: self, customer: customer)
        return builder.messages(history, reversed: reversed)
    }

    /// Every customer's messages, customer after customer (each customer's in time order), generated
    /// lazily one customer at a time.
    public func messages() -> DemoMessages {
        DemoMessages(shop: self, customers: 0..<customerCount)
    }

    /// The messages of a range of customers, lazily (for splitting the work between tasks).
    public func messages(customers: Range<Int>) -> DemoMessages {
        precondition(customers.lowerBound >= 0 && customers.upperBound <= customerCount, "customer range out of bounds")
        return DemoMessages(shop: self, customers: customers)
    }

    func simulate(_ index: Int, city: Int, favorites: [Int], optIn: Bool) -> RawHistory {
        var simulation = CustomerSimulation(shop: self, index: index, city: city, favorites: favorites, optIn: optIn)
        return simulation.run()
    }
}

/// The shop's messages as a lazy sequence, one customer's batch at a time.
public struct DemoMessages: Sequence, Sendable {
    let shop: DemoShop
    /// The customers whose messages the sequence yields.
    public let customers: Range<Int>

    public func makeIterator() -> Iterator {
        Iterator(shop: shop, customer: customers.lowerBound, end: customers.upperBound)
    }

    public struct Iterator: IteratorProtocol {
        let shop: DemoShop
        var customer: Int
        let end: Int
        /// The current customer's messages, last first: `popLast()` moves a message out without copying it.
        var pending: [Message] = []

        public mutating func next() -> Message? {
            while pending.isEmpty {
                guard customer < end else { return nil }
                pending = shop.messages(forCustomer: customer, reversed: true)
                customer += 1
            }
            return pending.popLast()
        }
    }
}
