import Foundation

/// Sample sizes for comparing two conversion rates.
public enum SampleSize {
    /// Cohen's effect size h = 2 arcsin √p₁ − 2 arcsin √p₀ for two proportions.
    ///
    /// The arcsine square root stabilizes the binomial variance (the variance of 2 arcsin √p̂ is about 1/n
    /// whatever p), so a given h is equally hard to detect at any baseline.
    /// - Parameters:
    ///   - treatment: p₁ in [0, 1].
    ///   - baseline: p₀ in [0, 1].
    /// - Returns: h, in [−π, π].
    /// - Throws: `StatsError` (`.invalidArgument`) when a rate is outside [0, 1].
    public static func cohensH(treatment: Double, baseline: Double) throws(StatsError) -> Double {
        try StatsError.check(probability: treatment, name: "treatment")
        try StatsError.check(probability: baseline, name: "baseline")
        return 2 * asin(treatment.squareRoot()) - 2 * asin(baseline.squareRoot())
    }

    /// The number of units per group to detect a change from rate P to P + D with a two-sided test.
    ///
    /// With h = 2 arcsin √(P + D) − 2 arcsin √P (Cohen's h) and the normal approximation,
    ///
    ///   n = ⌈2 ((z_{1−α/2} + z_{power}) / h)²⌉   per group:
    ///
    /// each arm's 2 arcsin √p̂ has variance 1/n, so their difference has 2/n (Cohen's tables: h = 0.2 at
    /// α = 0.05 and power 0.8 needs 392 per group; statsmodels' `NormalIndPower` and R's `pwr.2p.test` agree).
    /// - Parameters:
    ///   - baseline: P, the control rate, in (0, 1).
    ///   - minimumDetectableEffect: D, the absolute change to detect (0.01 is one percentage point); P + D must
    ///     lie in [0, 1] and D must not be 0. Negative D (a drop) is allowed.
    ///   - alpha: The two-sided significance level, in (0, 1).
    ///   - power: The probability of detecting D when it is real, in (0, 1).
    /// - Returns: Units per group, rounded up.
    /// - Throws: `StatsError` (`.invalidArgument`) for any argument out of its domain, or power ≤ α/2.
    public static func perGroup(
        baseline: Double,
        minimumDetectableEffect: Double,
        alpha: Double = 0.05,
        power: Double = 0.8
    ) throws(StatsError) -> Int {
        guard baseline > 0, baseline < 1 else { throw StatsError(.invalidArgument, "baseline must be in (0, 1), got \(baseline)") }
        guard minimumDetectableEffect != 0, minimumDetectableEffect.isFinite else {
            throw StatsError(.invalidArgument, "minimumDetectableEffect must be a nonzero finite change")
        }
        let treatment = baseline + minimumDetectableEffect
        guard treatment >= 0, treatment <= 1 else {
            throw StatsError(.invalidArgument, "baseline + minimumDetectableEffect must be in [0, 1], got \(treatment)")
        }
        try StatsError.check(alpha: alpha)
        guard power > 0, power < 1 else { throw StatsError(.invalidArgument, "power must be in (0, 1), got \(power)") }
        let h = try cohensH(treatment: treatment, baseline: baseline)
        let zs = StandardNormal.quantileUnchecked(1 - alpha / 2) + StandardNormal.quantileUnchecked(power)
        guard zs > 0 else { throw StatsError(.invalidArgument, "power must exceed alpha / 2 for the formula to apply") }
        let n = 2 * (zs / h) * (zs / h)
        // A size that is an integer in exact arithmetic can come out a few ulps above it; do not round that up.
        return Int((n * (1 - 4 * Double.ulpOfOne)).rounded(.up))
    }
}
