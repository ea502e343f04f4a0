import Foundation

/// The χ² distribution with k > 0 degrees of freedom (any real k): P(X ≤ x) = P(k/2, x/2), the regularized
/// lower incomplete gamma function.
public struct ChiSquared: Sendable, Hashable {
    /// k, the degrees of freedom.
    public let degreesOfFreedom: Double

    /// Creates the distribution.
    /// - Parameter degreesOfFreedom: k > 0 and finite.
    /// - Throws: `StatsError` (`.invalidArgument`) when k ≤ 0, infinite or NaN.
    public init(degreesOfFreedom: Double) throws(StatsError) {
        try StatsError.check(degreesOfFreedom: degreesOfFreedom)
        guard degreesOfFreedom.isFinite else { throw StatsError(.invalidArgument, "degrees of freedom must be finite") }
        self.degreesOfFreedom = degreesOfFreedom
    }

    /// For callers whose degrees of freedom are valid by construction (a table's shape, Welch's formula).
    init(checked degreesOfFreedom: Double) {
        assert(degreesOfFreedom > 0)
        self.degreesOfFreedom = degreesOfFreedom
    }

    /// The cumulative distribution function P(X ≤ x).
    /// - Parameter x: Any real number (the probability is 0 for x ≤ 0).
    /// - Returns: The probability, in [0, 1]; NaN for NaN.
    public func cdf(_ x: Double) -> Double {
        guard !x.isNaN else { return .nan }
        return split(x).lower
    }

    /// The survival function P(X > x), computed directly so that it keeps its relative accuracy far into the
    /// upper tail (the p-value of a χ² test).
    /// - Parameter x: Any real number (the probability is 1 for x ≤ 0).
    /// - Returns: The probability, in [0, 1]; NaN for NaN.
    public func survival(_ x: Double) -> Double {
        guard !x.isNaN else { return .nan }
        return split(x).upper
    }

    /// The incomplete gamma split at a = k/2, x/2; its `logSlope` is d P / d ln x.
    func split(_ x: Double) -> TailSplit {
        Special.incompleteGamma(0.5 * degreesOfFreedom, max(0, 0.5 * x))
    }
}
