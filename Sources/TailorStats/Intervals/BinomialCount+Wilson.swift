import Foundation

extension BinomialCount {
    /// The Wilson score interval for the success rate, at confidence level 1 − α.
    ///
    /// The interval is every rate π whose score test |p̂ − π| / √(π(1 − π)/n) ≤ z does not reject, with
    /// z = Φ⁻¹(1 − α/2); solving the quadratic gives
    ///
    ///   (p̂ + z²/2n ± z √(p̂(1 − p̂)/n + z²/4n²)) / (1 + z²/n).
    ///
    /// Unlike the Wald interval p̂ ± z √(p̂(1 − p̂)/n) it never leaves [0, 1], is not empty at 0/n or n/n, and its
    /// coverage stays close to nominal for small n and rates near 0 or 1 (Wilson 1927; Newcombe 1998, "Two-sided
    /// confidence intervals for the single proportion", method 3).
    /// - Parameter alpha: The significance level, in (0, 1); 0.05 gives a 95 % interval.
    /// - Returns: The interval, within [0, 1]; exactly 0 below for 0/n and exactly 1 above for n/n.
    /// - Throws: `StatsError` (`.invalidArgument`) when α is outside (0, 1).
    public func wilsonInterval(alpha: Double = 0.05) throws(StatsError) -> ConfidenceInterval {
        try StatsError.check(alpha: alpha)
        return wilsonInterval(z: StandardNormal.quantileUnchecked(1 - alpha / 2))
    }

    /// The Wilson interval for a given critical value z.
    func wilsonInterval(z: Double) -> ConfidenceInterval {
        let n = Double(trials)
        let s = Double(successes)
        let z2 = z * z
        let centre = (s + z2 / 2) / (n + z2)
        let half = z * (s * (n - s) / n + z2 / 4).squareRoot() / (n + z2)
        // At 0/n and n/n the bounds are 0 and 1 exactly; rounding would otherwise leave ±1e-17.
        let lower = successes == 0 ? 0 : max(0, centre - half)
        let upper = successes == trials ? 1 : min(1, centre + half)
        return ConfidenceInterval(lower: lower, upper: upper)
    }
}
