public import Foundation
public import TailorCore

/// What the models read from the event log: who interacted with which product, how, and when; and each
/// customer's orders summarized for the lifetime models. Both backends implement it
/// (`SQLiteDatabase+Interactions.swift`, `PostgresDatabase+Interactions.swift`).
public protocol InteractionStore: Sendable {
    /// Interactions from the event log in arrival order (`seq`), one page of at most `limit` events at a time.
    ///
    /// `Order Completed` gives one interaction per `products[]` line (kind ``Interaction/Kind/purchase``),
    /// `Product Added` one cart add, `Product Viewed` one view. Product ids and quantities follow
    /// ``ProfileState``'s rules (`product_id`, else `productId`, else `sku`; quantity defaults to 1); events
    /// without a product id give nothing.
    /// - Parameters:
    ///   - cursor: the ``InteractionPage/next`` of the previous page; nil for the first.
    ///   - limit: events (not interactions) read per page.
    func interactions(after cursor: Int64?, limit: Int) async throws -> InteractionPage

    /// One profile's interactions, oldest first.
    func interactions(of profile: ProfileID) async throws -> [Interaction]

    /// Event names and times in arrival order, a page at a time, for scores that count events by type.
    /// - Parameters:
    ///   - names: the event names to read, as stored (a track's event name, a page's name).
    func eventTimes(named names: Set<String>, after cursor: Int64?, limit: Int) async throws -> EventTimePage

    /// When each of some profiles opened email, people only: `Email Opened` events not flagged
    /// `machine_open` (privacy proxies and scanners), newest first, at most `limit` a profile. Send-time
    /// optimization reads them.
    func humanOpenTimes(of profiles: [ProfileID], limit: Int) async throws -> [ProfileID: [Date]]

    /// Human opens of all profiles by UTC hour of day (0–23): the fallback of send-time optimization.
    func humanOpensByHour() async throws -> [Int: Int]

    /// Per-profile order summaries of `Order Completed` events up to `until`, computed in SQL, for the
    /// profiles after `after` in id order (a page of at most `limit`). Orders are grouped by UTC day, as
    /// the lifetime models count repeat purchases on distinct days.
    func orderSummaries(until: Date, after: ProfileID?, limit: Int) async throws -> [OrderSummary]
}

/// One user–product interaction read from the event log.
public struct Interaction: Sendable, Hashable {
    /// How the profile showed interest.
    public enum Kind: String, Sendable, Hashable, CaseIterable {
        /// A line of an `Order Completed`.
        case purchase
        /// A `Product Added`.
        case cartAdd = "cart_add"
        /// A `Product Viewed`.
        case view
    }

    public var profileId: ProfileID
    public var productId: String
    public var kind: Kind
    public var quantity: Double
    public var timestamp: Date

    public init(profileId: ProfileID, productId: String, kind: Kind, quantity: Double, timestamp: Date) {
        self.profileId = profileId
        self.productId = productId
        self.kind = kind
        self.quantity = quantity
        self.timestamp = timestamp
    }

    /// The event names that carry interactions.
    public static let eventNames: [String] = [TailorEvent.orderCompleted, TailorEvent.productAdded, TailorEvent.productViewed]

    /// The interactions one stored event gives (an order gives one per product line).
    package static func from(profile: ProfileID, name: String, timestamp: Int64, properties: JSONObject) -> [Interaction] {
        let at = Date(millisecondsSince1970: timestamp)
        switch name {
        case TailorEvent.orderCompleted:
            guard case .array(let lines)? = properties["products"] else { return [] }
            return lines.compactMap { line in
                guard case .object(let o) = line, let id = ProfileState.productId(o) else { return nil }
                return Interaction(profileId: profile, productId: id, kind: .purchase, quantity: o["quantity"]?.doubleValue ?? 1, timestamp: at)
            }
        case TailorEvent.productAdded:
            guard let id = ProfileState.productId(properties) else { return [] }
            return [Interaction(profileId: profile, productId: id, kind: .cartAdd, quantity: properties["quantity"]?.doubleValue ?? 1, timestamp: at)]
        case TailorEvent.productViewed:
            guard let id = ProfileState.productId(properties) else { return [] }
            return [Interaction(profileId: profile, productId: id, kind: .view, quantity: 1, timestamp: at)]
        default:
            return []
        }
    }
}

/// A page of ``InteractionStore/interactions(after:limit:)``.
public struct InteractionPage: Sendable {
    public var interactions: [Interaction]
    /// The cursor of the next page; nil when this was the last.
    public var next: Int64?

    public init(interactions: [Interaction], next: Int64?) {
        self.interactions = interactions
        self.next = next
    }
}

/// One event's profile, name and time.
public struct EventTime: Sendable, Hashable {
    public var profileId: ProfileID
    public var name: String
    public var timestamp: Date

    public init(profileId: ProfileID, name: String, timestamp: Date) {
        self.profileId = profileId
        self.name = name
        self.timestamp = timestamp
    }
}

/// A page of ``InteractionStore/eventTimes(named:after:limit:)``.
public struct EventTimePage: Sendable {
    public var events: [EventTime]
    /// The cursor of the next page; nil when this was the last.
    public var next: Int64?

    public init(events: [EventTime], next: Int64?) {
        self.events = events
        self.next = next
    }
}

/// A profile's orders summarized by UTC day: the input of BG/NBD and Gamma-Gamma.
///
/// An order's value follows ``ProfileState``'s rule: `revenue`, else `total`, else Σ `products[].price ×
/// quantity` (numbers, or strings holding a decimal number).
public struct OrderSummary: Sendable, Hashable {
    public var profileId: ProfileID
    /// `Order Completed` events.
    public var orders: Int
    /// Distinct UTC days with an order.
    public var orderDays: Int
    /// The first and the last day with an order, in days since 1970-01-01 (UTC).
    public var firstDay: Int64
    public var lastDay: Int64
    /// Σ order values.
    public var totalValue: Double
    /// Σ order values on the days after the first (repeat purchases).
    public var repeatValue: Double

    public init(profileId: ProfileID, orders: Int, orderDays: Int, firstDay: Int64, lastDay: Int64, totalValue: Double, repeatValue: Double) {
        self.profileId = profileId
        self.orders = orders
        self.orderDays = orderDays
        self.firstDay = firstDay
        self.lastDay = lastDay
        self.totalValue = totalValue
        self.repeatValue = repeatValue
    }

    /// Milliseconds in a day: orders are grouped by `timestamp / dayMilliseconds`.
    public static let dayMilliseconds: Int64 = 86_400_000

    // MARK: - In the lifetime models' terms (days)

    /// Repeat purchases x: order days after the first.
    public var frequency: Double { Double(orderDays - 1) }
    /// tₓ: days from the first to the last order day (0 without repeat purchases).
    public var recency: Double { Double(lastDay - firstDay) }
    /// T: days from the start of the first order's day to `now` (fractional, so a first order today gives
    /// T > 0), at least `recency`.
    public func age(at now: Date) -> Double {
        max(Double(now.millisecondsSince1970) / Double(Self.dayMilliseconds) - Double(firstDay), recency)
    }
    /// The mean value of repeat order days (Gamma-Gamma's m̄); 0 without repeat purchases.
    public var monetary: Double { orderDays > 1 ? repeatValue / frequency : 0 }
}
