public import Foundation

/// What a profile's cart is made of, kept so that a cart event arriving late folds in like one on time.
///
/// The cart is the only computed value that depends on the order of events: an add counts only if no
/// removal of that product and no order came after it. The ledger keeps, per product, the adds since the
/// product's *floor* (its newest removal, or the newest order, whichever is later), and the newest removal of
/// each product since the newest order. Any arrival order then gives the same ledger, and the cart is
/// derived from it: a line's quantity is the sum of its adds in event order, its price the newest add's, its
/// name the newest add's that has one.
///
/// A product added more than ``maxAddsPerProduct`` times since its floor has its oldest adds merged into one
/// entry spanning their keys; a removal landing inside such a span cannot be folded in and asks for a
/// rebuild from history (``fold(removal:)`` returns false), as does any cart event on a profile whose
/// ledger is unknown (stored before the ledger existed).
public struct CartLedger: Sendable, Hashable {
    /// One add, or several merged: `since`…`key` are the oldest and newest event keys it covers.
    public struct Add: Sendable, Hashable {
        public var since: EventKey
        public var key: EventKey
        public var quantity: Double
        public var price: Double
        public var name: String?

        public init(since: EventKey, key: EventKey, quantity: Double, price: Double, name: String?) {
            self.since = since
            self.key = key
            self.quantity = quantity
            self.price = price
            self.name = name
        }
    }

    public static let maxAddsPerProduct = 64

    /// Each product's adds since its floor, in event-key order.
    public var adds: [String: [Add]] = [:]
    /// The newest removal of each product, when newer than the newest order.
    public var removals: [String: EventKey] = [:]

    public init(adds: [String: [Add]] = [:], removals: [String: EventKey] = [:]) {
        self.adds = adds
        self.removals = removals
    }

    /// Folds in an add of `line` at `key`, given the newest order's key. False when it counts for nothing
    /// (a removal or an order came after it).
    mutating func fold(add line: CartLine, at key: EventKey, lastOrder: EventKey?) -> Bool {
        if let floor = floor(of: line.productId, lastOrder: lastOrder), key < floor { return false }
        var list = adds[line.productId] ?? []
        let entry = Add(since: key, key: key, quantity: line.quantity, price: line.price, name: line.name)
        let index = list.firstIndex { key < $0.since } ?? list.endIndex
        list.insert(entry, at: index)
        if list.count > Self.maxAddsPerProduct {
            let (a, b) = (list[0], list[1])
            list[0...1] = [Add(since: a.since, key: b.key, quantity: a.quantity + b.quantity, price: b.price, name: b.name ?? a.name)]
        }
        adds[line.productId] = list
        return true
    }

    /// Folds in a removal of `product` at `key`. Nil when it cannot be folded in (it falls inside merged adds:
    /// the caller rebuilds), else whether it changed anything.
    mutating func fold(removal product: String, at key: EventKey, lastOrder: EventKey?) -> Bool? {
        if let floor = floor(of: product, lastOrder: lastOrder), key < floor { return false }
        var list = adds[product] ?? []
        if list.contains(where: { $0.since < key && key < $0.key }) { return nil }
        list.removeAll { $0.key < key }
        adds[product] = list.isEmpty ? nil : list
        removals[product] = key
        return true
    }

    /// Folds in an order at `key` that is newer than every order before it: everything older goes.
    mutating func fold(orderAt key: EventKey) -> Bool {
        if adds.values.contains(where: { list in list.contains { $0.since < key && key < $0.key } }) { return false }
        for (product, list) in adds {
            let kept = list.filter { key < $0.key }
            adds[product] = kept.isEmpty ? nil : kept
        }
        removals = removals.filter { key < $0.value }
        return true
    }

    /// The key before which an add of `product` counts for nothing.
    func floor(of product: String, lastOrder: EventKey?) -> EventKey? {
        switch (removals[product], lastOrder) {
        case let (r?, o?): return max(r, o)
        case let (r?, nil): return r
        case let (nil, o): return o
        }
    }

    /// The cart line of `product`, from its adds (nil when it has none).
    func line(_ product: String) -> CartLine? {
        guard let list = adds[product], let newest = list.max(by: { $0.key < $1.key }) else { return nil }
        let quantity = list.reduce(0) { $0 + $1.quantity }
        let named = list.filter { $0.name != nil }.max { $0.key < $1.key }
        return CartLine(productId: product, quantity: quantity, price: newest.price, name: named?.name)
    }

    /// The whole cart.
    var cart: [String: CartLine] {
        var lines: [String: CartLine] = [:]
        for product in adds.keys { lines[product] = line(product) }
        return lines
    }
}

extension CartLedger {
    /// Folds in a cart event (``ProfileState/affectsCart(_:)``) at `key`, given the newest order's key before
    /// it, and moves `updated` (the newest add or removal's time) on. False when the caller must rebuild.
    mutating func fold(_ message: Message, at key: EventKey, lastOrder: EventKey?, updated: inout Date?) -> Bool {
        let t = message.timestamp
        switch message.event {
        case TailorEvent.orderCompleted?:
            if let lastOrder, key < lastOrder { return true }
            return fold(orderAt: key)
        case TailorEvent.productAdded?:
            guard let line = ProfileState.cartLine(message.properties) else { return true }
            _ = fold(add: line, at: key, lastOrder: lastOrder)
        case TailorEvent.productRemoved?:
            guard let product = ProfileState.productId(message.properties) else { return true }
            guard fold(removal: product, at: key, lastOrder: lastOrder) != nil else { return false }
        default:
            return true
        }
        updated = max(updated ?? t, t)
        return true
    }
}
