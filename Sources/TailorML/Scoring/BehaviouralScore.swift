import Foundation

/// A behavioural (engagement) score: each event earns the points of its type, and points decay
/// exponentially with age, halving every `halfLife`:
///
///     score(now) = Σ points(type_e) · 2^(−(now − time_e) / halfLife)
///
/// Events in the future of `now` count at full value (no growth). Because decay is exponential the
/// score can be kept incrementally: `score(t₂) = score(t₁) · 2^(−(t₂ − t₁)/halfLife) + new points`,
/// which is what ``DecayedScore`` does, so a profile never needs its whole history re-read.
public struct BehaviouralScoring: Sendable, Hashable {
    /// Points per event type (for example "Order Completed": 10, "Product Viewed": 1). Unknown types
    /// earn ``defaultPoints``.
    public var points: [String: Double]
    /// Points of event types not in `points`.
    public var defaultPoints: Double
    /// Time for points to lose half their value, in the unit of the event times (seconds, days…).
    public var halfLife: Double

    /// Creates a scoring rule.
    /// - Precondition: `halfLife > 0`.
    public init(points: [String: Double], defaultPoints: Double = 0, halfLife: Double) {
        precondition(halfLife > 0, "half-life must be positive")
        self.points = points
        self.defaultPoints = defaultPoints
        self.halfLife = halfLife
    }

    /// Points of one event type.
    public func points(for type: String) -> Double { points[type] ?? defaultPoints }

    /// The decay factor after `elapsed` time: 2^(−elapsed / halfLife), 1 for elapsed ≤ 0.
    public func decay(over elapsed: Double) -> Double { elapsed <= 0 ? 1 : exp2(-elapsed / halfLife) }

    /// The score at `now` of a whole history of (type, time) events.
    public func score(_ events: [(type: String, time: Double)], at now: Double) -> Double {
        events.reduce(0) { $0 + points(for: $1.type) * decay(over: now - $1.time) }
    }
}

/// A score kept incrementally: its value as of a time, decayed forward on each update.
public struct DecayedScore: Sendable, Hashable, Codable {
    /// The score at `asOf`.
    public private(set) var value: Double
    /// The time the value refers to.
    public private(set) var asOf: Double

    /// A score of `value` at `asOf` (0 for a new profile).
    public init(value: Double = 0, asOf: Double = 0) {
        self.value = value
        self.asOf = asOf
    }

    /// Adds one event. Events older than `asOf` are decayed to `asOf` and added (order of arrival
    /// does not change the result).
    public mutating func record(type: String, at time: Double, rule: BehaviouralScoring) {
        let p = rule.points(for: type)
        if time >= asOf {
            value = value * rule.decay(over: time - asOf) + p
            asOf = time
        } else {
            value += p * rule.decay(over: asOf - time)
        }
    }

    /// The value at a later time `now` (or `value` if `now` is not later).
    public func value(at now: Double, rule: BehaviouralScoring) -> Double { value * rule.decay(over: now - asOf) }
}
