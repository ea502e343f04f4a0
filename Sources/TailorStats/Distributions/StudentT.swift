import Foundation

/// Student's t distribution with ν > 0 degrees of freedom (any real ν; ν = +∞ is the standard normal).
///
/// For t ≤ 0, P(T ≤ t) = ½ I_x(ν/2, ½) with x = ν/(ν + t²), and the central mass P(0 < T ≤ |t|) is
/// ½ I_y(½, ν/2) with y = t²/(ν + t²) = 1 − x, both from the incomplete beta function with x and y formed
/// separately, so tails and the neighbourhood of 0 keep their relative accuracy.
public struct StudentT: Sendable, Hashable {
    /// ν, the degrees of freedom.
    public let degreesOfFreedom: Double

    /// Creates the distribution.
    /// - Parameter degreesOfFreedom: ν > 0, real; `.infinity` gives the standard normal.
    /// - Throws: `StatsError` (`.invalidArgument`) when ν ≤ 0 or NaN.
    public init(degreesOfFreedom: Double) throws(StatsError) {
        try StatsError.check(degreesOfFreedom: degreesOfFreedom)
        self.degreesOfFreedom = degreesOfFreedom
    }

    /// Beyond this ν the t and normal CDFs agree to the last bit for every t whose probability is a normal
    /// Double (their relative difference is about t⁴/4ν), and the normal is cheaper.
    static let normalLimit = 1e30

    /// For callers whose degrees of freedom are valid by construction (a table's shape, Welch's formula).
    init(checked degreesOfFreedom: Double) {
        assert(degreesOfFreedom > 0)
        self.degreesOfFreedom = degreesOfFreedom
    }

    /// The cumulative distribution function P(T ≤ t).
    /// - Parameter t: Any real number.
    /// - Returns: The probability, in [0, 1]; NaN for NaN.
    public func cdf(_ t: Double) -> Double {
        guard !t.isNaN else { return .nan }
        if degreesOfFreedom >= Self.normalLimit { return StandardNormal.cdf(t) }
        if t == 0 { return 0.5 }
        let split = split(abs(t))
        if t < 0 { return 0.5 * split.lower }
        return 0.5 + 0.5 * split.upper
    }

    /// The survival function P(T > t), computed directly for large t.
    /// - Parameter t: Any real number.
    /// - Returns: The probability, in [0, 1]; NaN for NaN.
    public func survival(_ t: Double) -> Double { cdf(-t) }

    /// For s ≥ 0: lower = P(|T| > s) = I_x(ν/2, ½), upper = P(|T| ≤ s) = I_y(½, ν/2), and the log of
    /// xᵃ yᵇ / B(a, b), the factor whose double is −d(lower)/d ln s.
    func split(_ s: Double) -> TailSplit {
        let nu = degreesOfFreedom
        if s > 1e100 {
            // x = ν/(ν + s²) would underflow (it is below 1e-170 here); ln x = ln ν − 2 ln s to the last bit.
            return Special.logIncompleteBetaNearZero(0.5 * nu, 0.5, logX: log(nu) - 2 * log(s))
        }
        let square = s * s
        return Special.incompleteBeta(0.5 * nu, 0.5, x: nu / (nu + square), y: square / (nu + square))
    }
}
