public import Foundation

/// One product line in a profile's cart.
public struct CartLine: Sendable, Hashable, Codable {
    public var productId: String
    public var quantity: Double
    public var price: Double
    public var name: String?

    public init(productId: String, quantity: Double, price: Double, name: String? = nil) {
        self.productId = productId
        self.quantity = quantity
        self.price = price
        self.name = name
    }

    public var value: Double { price * quantity }
}

/// The state Tailor computes for a profile from its events, maintained on ingest and equal to a fold
/// of the events in ``EventKey`` order (``ProfileState/rebuild(from:)``).
///
/// Rules (docs/ARCHITECTURE.md, "Computed state"):
/// - seen times cover every message except `Segment Entered`/`Segment Exited` (Tailor's membership
///   bookkeeping, which only counts in `eventCount`); *activity* is any track, page or screen event except Tailor's own
///   bookkeeping (``TailorEvent/notActivity``).
/// - an order is an `Order Completed` event; its value is `revenue`, else `total`, else
///   Σ `products[].price × quantity`.
/// - the cart: `Product Added` adds `quantity` (default 1) at `price` under `product_id`;
///   `Product Removed` removes that product; `Order Completed` empties it. `cartUpdatedAt` is the time of
///   the last add or remove.
public struct ProfileState: Sendable, Hashable {
    public var eventCount = 0
    public var firstSeen: Date?
    public var lastSeen: Date?
    public var lastActivity: Date?
    public var orderCount = 0
    public var revenue = 0.0
    public var lastOrderAt: Date?
    public var lastOrderValue: Double?
    public var emailOpens = 0
    public var emailClicks = 0
    public var cart: [String: CartLine] = [:]
    public var cartUpdatedAt: Date?
    /// What the cart is made of, so that late cart events fold in without a replay; nil when unknown (a
    /// profile stored before it was kept), upon which the next cart event asks for a rebuild.
    public var cartLedger: CartLedger? = CartLedger()
    /// The order event that set `lastOrderAt`/`lastOrderValue`.
    public var lastOrderKey: EventKey?

    public init() {}

    public var averageOrderValue: Double? { orderCount > 0 ? revenue / Double(orderCount) : nil }
    public var cartValue: Double { cart.values.reduce(0) { $0 + $1.value } }

    /// Whether the event changes the cart (and so depends on the order of events).
    public static func affectsCart(_ message: Message) -> Bool {
        guard message.type == .track, let e = message.event else { return false }
        return e == TailorEvent.productAdded || e == TailorEvent.productRemoved || e == TailorEvent.orderCompleted
    }

    /// Applies one event, whatever its place in the order of events. Returns false, and changes nothing, in the
    /// rare cases where a cart event cannot be folded in (``CartLedger``): the caller then rebuilds from the
    /// history.
    @discardableResult
    public mutating func apply(_ message: Message) -> Bool {
        // Tailor's own membership bookkeeping is counted, but it is not the customer being seen.
        if message.type == .track, let e = message.event, e == TailorEvent.segmentEntered || e == TailorEvent.segmentExited {
            eventCount += 1
            return true
        }
        let key = EventKey(message)
        let t = message.timestamp
        if Self.affectsCart(message) {
            guard var ledger = cartLedger, ledger.fold(message, at: key, lastOrder: lastOrderKey, updated: &cartUpdatedAt) else { return false }
            cartLedger = ledger
            cart = ledger.cart
        }
        eventCount += 1
        firstSeen = min(firstSeen ?? t, t)
        lastSeen = max(lastSeen ?? t, t)
        switch message.type {
        case .track, .page, .screen:
            if message.type != .track || !TailorEvent.notActivity.contains(message.event ?? "") {
                lastActivity = max(lastActivity ?? t, t)
            }
        default: break
        }
        guard message.type == .track, let event = message.event else { return true }
        switch event {
        case TailorEvent.orderCompleted:
            let value = Self.orderValue(message.properties)
            orderCount += 1
            revenue += value
            if lastOrderKey.map({ key > $0 }) ?? true {
                lastOrderKey = key
                lastOrderAt = t
                lastOrderValue = value
            }
        case TailorEvent.emailOpened:
            emailOpens += 1
        case TailorEvent.emailClicked:
            emailClicks += 1
        default:
            break
        }
        return true
    }

    /// The state from a whole history, in event order.
    public static func rebuild(from messages: some Sequence<Message>) -> ProfileState {
        var state = ProfileState()
        for m in messages.sorted(by: { EventKey($0) < EventKey($1) }) { state.apply(m) }
        return state
    }

    // MARK: - Property rules

    public static func productId(_ p: JSONObject) -> String? {
        switch p["product_id"] ?? p["productId"] ?? p["sku"] {
        case .string(let s)?: return s.isEmpty ? nil : s
        case .number(let d)?: return d == d.rounded() && abs(d) < 1e15 ? String(Int64(d)) : String(d)
        default: return nil
        }
    }

    static func cartLine(_ p: JSONObject) -> CartLine? {
        guard let id = productId(p) else { return nil }
        let quantity = quantity(p["quantity"]) ?? 1
        let price = amount(p["price"]) ?? 0
        return CartLine(productId: id, quantity: quantity, price: price, name: p["name"]?.stringValue)
    }

    public static func orderValue(_ p: JSONObject) -> Double {
        if let r = amount(p["revenue"]) { return r }
        if let t = amount(p["total"]) { return t }
        guard case .array(let products)? = p["products"] else { return 0 }
        return products.reduce(0) { sum, item in
            guard case .object(let o) = item else { return sum }
            return sum + (amount(o["price"]) ?? 0) * (quantity(o["quantity"]) ?? 1)
        }
    }

    /// The largest money amount (`revenue`, `total`, `price`) and quantity Tailor counts. Larger values, and
    /// numbers that are not finite (`"nan"`, `"inf"` sent as strings), are taken as absent: the event is
    /// stored as sent, and every computed value stays finite (a cart of a million lines at the largest price
    /// and quantity is still far from overflowing).
    public static let maxAmount = 1e15
    public static let maxQuantity = 1e9

    /// A money amount: a finite number (or numeric string) within ±``maxAmount``.
    public static func amount(_ value: JSONValue?) -> Double? {
        guard let d = value?.doubleValue, d.isFinite, abs(d) <= maxAmount else { return nil }
        return d
    }

    /// A quantity: a finite number (or numeric string) within ±``maxQuantity``.
    public static func quantity(_ value: JSONValue?) -> Double? {
        guard let d = value?.doubleValue, d.isFinite, abs(d) <= maxQuantity else { return nil }
        return d
    }
}
