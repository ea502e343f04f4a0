/// Weights per kind of interaction (purchase, cart add, view…), turning behavioural events into the
/// weights w of ``ImplicitALS`` (confidence c = 1 + α·w). Weights of the same user and item add up.
public struct InteractionWeights: Sendable, Hashable {
    /// Weight per event kind.
    public var weights: [String: Double]
    /// Weight of kinds not in `weights` (0 ignores them).
    public var defaultWeight: Double

    /// Creates weights per event kind.
    public init(_ weights: [String: Double], defaultWeight: Double = 0) {
        self.weights = weights
        self.defaultWeight = defaultWeight
    }

    /// A common starting point: a purchase counts 3, a cart add 2, a view 1.
    public static let standard = InteractionWeights(["purchase": 3, "cart_add": 2, "view": 1])

    /// The weight of one event kind.
    public func weight(of kind: String) -> Double { weights[kind] ?? defaultWeight }
}

extension InteractionSet {
    /// Builds a set from (user, item, kind) events weighted by `weights`; events of zero weight are
    /// dropped.
    public init(
        events: [(user: String, item: String, kind: String)],
        weights: InteractionWeights,
        users: IDIndex = IDIndex(),
        items: IDIndex = IDIndex()
    ) throws(MLError) {
        let triples = events.compactMap { e -> (user: String, item: String, weight: Double)? in
            let w = weights.weight(of: e.kind)
            return w > 0 ? (e.user, e.item, w) : nil
        }
        try self.init(triples: triples, users: users, items: items)
    }
}
