import Foundation

/// The two-proportion z-test with the pooled standard error, and Newcombe's interval for the difference.
///
/// Under H₀: π_a = π_b the pooled rate p̄ = (s_a + s_b)/(n_a + n_b) estimates the common rate, and
///
///   z = (p̂_b − p̂_a) / √(p̄(1 − p̄)(1/n_a + 1/n_b)),   p = 2(1 − Φ(|z|)).
///
/// z² is exactly Pearson's χ² of the 2 × 2 table without continuity correction. The interval is not the Wald
/// interval that would match this z: it is Newcombe's hybrid score interval (`BinomialCount.newcombeInterval`),
/// which keeps its coverage for small counts and extreme rates.
public struct TwoProportionZTest: Sendable, Hashable {
    /// The rate of arm a (control).
    public let rateA: Double
    /// The rate of arm b (treatment).
    public let rateB: Double
    /// rateB − rateA.
    public let difference: Double
    /// The pooled rate under H₀.
    public let pooledRate: Double
    /// √(p̄(1 − p̄)(1/n_a + 1/n_b)); 0 when every trial succeeded or every one failed.
    public let standardError: Double
    /// The z statistic; 0 when the standard error is 0 (both arms all-success or all-failure: the rates are
    /// equal and the data carry no evidence against H₀).
    public let z: Double
    /// The two-sided p-value, 2(1 − Φ(|z|)).
    public let pValue: Double
    /// Newcombe's hybrid score interval for rateB − rateA.
    public let interval: ConfidenceInterval
    /// 1 − α, the level of `interval`.
    public let confidenceLevel: Double

    /// Runs the test.
    /// - Parameters:
    ///   - a: The control arm's successes and trials.
    ///   - b: The treatment arm's successes and trials.
    ///   - alpha: The significance level of the interval, in (0, 1).
    /// - Throws: `StatsError` (`.invalidArgument`) when α is outside (0, 1).
    public init(a: BinomialCount, b: BinomialCount, alpha: Double = 0.05) throws(StatsError) {
        try StatsError.check(alpha: alpha)
        let na = Double(a.trials)
        let nb = Double(b.trials)
        rateA = a.rate
        rateB = b.rate
        difference = rateB - rateA
        pooledRate = Double(a.successes + b.successes) / (na + nb)
        standardError = (pooledRate * (1 - pooledRate) * (1 / na + 1 / nb)).squareRoot()
        z = standardError > 0 ? difference / standardError : 0
        pValue = min(1, 2 * StandardNormal.survival(abs(z)))
        interval = BinomialCount.newcombeInterval(a: a, b: b, z: StandardNormal.quantileUnchecked(1 - alpha / 2))
        confidenceLevel = 1 - alpha
    }
}
