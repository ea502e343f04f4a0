/// An interaction with the time it happened, for time-based splits.
public struct TimedInteraction: Sendable, Hashable {
    /// User identifier.
    public var user: String
    /// Item identifier.
    public var item: String
    /// Interaction weight (for example 1 for a view, 3 for a purchase, or a count).
    public var weight: Double
    /// When it happened, in any monotone unit (seconds since an epoch).
    public var time: Double

    /// Creates an interaction.
    public init(user: String, item: String, weight: Double, time: Double) {
        self.user = user
        self.item = item
        self.weight = weight
        self.time = time
    }
}

/// Time-based train/test splits: the model learns from the past and is judged on the future, as
/// it will be used.
public enum TimeSplit {
    /// The time before which `1 − testFraction` of the interactions happened.
    public static func cutoff(_ interactions: [TimedInteraction], testFraction: Double) -> Double {
        let times = interactions.map(\.time).sorted()
        guard !times.isEmpty else { return 0 }
        let index = min(times.count - 1, max(0, Int((Double(times.count) * (1 - testFraction)).rounded(.down))))
        return times[index]
    }

    /// Splits at `cutoff`: interactions strictly before it train, the others test.
    /// - Parameter dropKnownPairs: remove from the test side the (user, item) pairs already seen in
    ///   training, since recommendations exclude training items and could never hit them.
    public static func split(
        _ interactions: [TimedInteraction],
        at cutoff: Double,
        dropKnownPairs: Bool = true
    )
        -> (train: [TimedInteraction], test: [TimedInteraction])
    {
        let train = interactions.filter { $0.time < cutoff }
        var test = interactions.filter { $0.time >= cutoff }
        if dropKnownPairs {
            struct Pair: Hashable { var user: String, item: String }
            let known = Set(train.map { Pair(user: $0.user, item: $0.item) })
            test.removeAll { known.contains(Pair(user: $0.user, item: $0.item)) }
        }
        return (train, test)
    }

    /// Splits so that about `testFraction` of the interactions (the latest) are held out.
    public static func split(
        _ interactions: [TimedInteraction],
        testFraction: Double,
        dropKnownPairs: Bool = true
    )
        -> (train: [TimedInteraction], test: [TimedInteraction])
    {
        split(interactions, at: cutoff(interactions, testFraction: testFraction), dropKnownPairs: dropKnownPairs)
    }
}

extension InteractionSet {
    /// Builds a set from timed interactions (times are dropped, weights summed per pair).
    public init(_ interactions: [TimedInteraction], users: IDIndex = IDIndex(), items: IDIndex = IDIndex()) throws(MLError) {
        try self.init(triples: interactions.map { ($0.user, $0.item, $0.weight) }, users: users, items: items)
    }
}
