import Foundation

extension StudentT {
    /// The quantile function: the t with P(T ≤ t) = p.
    ///
    /// Solved by Newton's method in ln |t| on the logarithm of the tail probability (on the central mass near
    /// the median), from the normal quantile; the equation is nearly linear in those coordinates (the tail
    /// falls like |t|^−ν), and a bracket keeps every step safe, so any real ν > 0 works.
    /// - Parameter p: A probability in [0, 1].
    /// - Returns: The quantile; −∞ for 0 and +∞ for 1 (and ±∞ when it exceeds the largest Double, as it can
    ///   for very small ν and extreme p).
    /// - Throws: `StatsError` (`.invalidArgument`) when p is outside [0, 1] or NaN.
    public func quantile(_ p: Double) throws(StatsError) -> Double {
        try StatsError.check(probability: p, name: "p")
        return quantileUnchecked(p)
    }

    /// The quantile for a p already known to be in [0, 1].
    func quantileUnchecked(_ p: Double) -> Double {
        if degreesOfFreedom >= Self.normalLimit { return StandardNormal.quantileUnchecked(p) }
        if p == 0.5 { return 0 }
        if p > 0.5 { return distanceBelowMedian(1 - p) }  // 1 − p is exact for p ≥ ½
        return -distanceBelowMedian(p)
    }

    /// The s ≥ 0 with P(T ≤ −s) = p, for 0 ≤ p < ½.
    private func distanceBelowMedian(_ p: Double) -> Double {
        if p == 0 { return .infinity }
        let start = log(max(-StandardNormal.quantileUnchecked(p), 1e-300))
        let u: Double
        if p < 0.25 {
            // f(u) = ln 2p − ln I_x(ν/2, ½); d I_x / d ln s = −2 xᵃ yᵇ / B(a, b).
            let logTwoP = log(2 * p)
            u = LogScaleRoot.solve(from: start) { u in
                let split = split(exp(u))
                return (logTwoP - split.logLower, 2 * exp(split.logSlope - split.logLower))
            }
        } else {
            // ½ − p is exact here; f(u) = ln I_y(½, ν/2) − ln(1 − 2p).
            let logMass = log(2 * (0.5 - p))
            u = LogScaleRoot.solve(from: start) { u in
                let split = split(exp(u))
                return (split.logUpper - logMass, 2 * exp(split.logSlope - split.logUpper))
            }
        }
        return exp(u)
    }
}
