import Foundation

/// Always-valid inference for the difference of two arms: the mixture sequential probability ratio test (mSPRT)
/// of Johari, Koomen, Pekelis and Walsh, "Always Valid Inference: Continuous Monitoring of A/B Tests",
/// Operations Research 70(3), 2022 (after Robbins 1970).
///
/// Observations arrive in pairs (a, b), one from each arm. With D̄ₙ the mean of b − a over n pairs, V the
/// variance of one pair's difference and a normal mixing distribution N(θ₀, τ²) over the true difference θ,
/// the mixture likelihood ratio of "θ ~ N(θ₀, τ²)" against "θ = θ₀" is
///
///   Λₙ = √(V / (V + nτ²)) · exp( n²τ² (D̄ₙ − θ₀)² / (2V(V + nτ²)) ).
///
/// Under H₀ it is a nonnegative martingale with mean 1, so by Ville's inequality P(Λₙ ≥ 1/α for some n) ≤ α.
/// Hence the always-valid p-value pₙ = min(pₙ₋₁, 1/Λₙ), p₀ = 1, never rises and may be watched after every pair:
/// stopping the first time pₙ ≤ α keeps the false-positive rate at α, however often one looks. Inverting the
/// test gives the confidence sequence {θ : Λₙ(θ) < 1/α}, the interval D̄ₙ ± wₙ with
///
///   wₙ² = V(V + nτ²)/(n²τ²) · (ln((V + nτ²)/V) − 2 ln α),
///
/// and the sequence reported is the running intersection of these intervals, so that θ₀ lies outside it
/// exactly when pₙ ≤ α. Proportions use the same statistic with the Bernoulli variance estimate in place of V (a
/// normal approximation, as in any large-sample comparison of two rates). τ² is set by `MixingVariance`.
///
/// A fixed-horizon test peeked at repeatedly does not have this property: ten looks at a z-test at 0.05 reject
/// a true null about 19 % of the time.
public struct MixtureSPRT: Sendable {
    /// The settings.
    public let configuration: Configuration
    /// The pairs observed so far.
    public private(set) var pairs = 0
    /// The always-valid p-value after the pairs so far: 1 before the test starts, never rising.
    public private(set) var pValue = 1.0
    /// The 1 − α confidence sequence for mean(b) − mean(a): the whole line before the test starts, then the
    /// running intersection of the intervals; `nil` if that intersection became empty (every difference
    /// rejected, which under the model happens with probability below α and signals data that contradict it).
    public private(set) var interval: ConfidenceInterval? = .everything
    /// The 0-based index of the pair after which pValue first reached α, if it has.
    public private(set) var rejectedAt: Int?
    /// ln Λₙ after the last pair (0 before the test starts).
    public private(set) var logLikelihoodRatio = 0.0

    private var meanA = 0.0
    private var meanB = 0.0
    private var squaresA = 0.0  // Σ (x − mean)², updated by Welford's method
    private var squaresB = 0.0
    private let ratio: Double  // r of `MixingVariance.tuned`, from α

    /// Starts a test.
    /// - Parameter configuration: The settings.
    /// - Throws: `StatsError` (`.invalidArgument`) for settings out of their domains.
    public init(_ configuration: Configuration = Configuration()) throws(StatsError) {
        try configuration.validate()
        self.configuration = configuration
        self.ratio = Self.optimalRatio(alpha: configuration.alpha)
    }

    /// The mean of b − a so far (0 before any pair).
    public var difference: Double { meanB - meanA }

    /// Whether the test has rejected H₀: θ = θ₀ (pValue ≤ α). Once true, it stays true.
    public var isRejected: Bool { pValue <= configuration.alpha }

    /// Adds one pair.
    /// - Parameters:
    ///   - a: The control observation.
    ///   - b: The treatment observation.
    /// - Throws: `StatsError` (`.invalidArgument`) for a value that is not finite, or not 0 or 1 under
    ///   `.proportion`. The test is unchanged by a refused pair.
    public mutating func observe(a: Double, b: Double) throws(StatsError) {
        guard a.isFinite, b.isFinite else { throw StatsError(.invalidArgument, "observations must be finite numbers") }
        if case .proportion = configuration.metric, !((a == 0 || a == 1) && (b == 0 || b == 1)) {
            throw StatsError(.invalidArgument, "observations of a proportion must be 0 or 1")
        }
        pairs += 1
        let n = Double(pairs)
        let deltaA = a - meanA
        meanA += deltaA / n
        squaresA += deltaA * (a - meanA)
        let deltaB = b - meanB
        meanB += deltaB / n
        squaresB += deltaB * (b - meanB)
        update()
    }

    /// Adds one pair of conversions (true = 1).
    /// - Parameters:
    ///   - a: Whether the control unit converted.
    ///   - b: Whether the treatment unit converted.
    public mutating func observe(a: Bool, b: Bool) {
        // 0 and 1 pass every check of `observe(a:b:)` whatever the metric.
        try? observe(a: a ? 1 : 0, b: b ? 1 : 0)
    }

    /// V, the variance of one pair's difference, as the configuration says to take it; nil while unknown.
    private var pairVariance: Double? {
        switch configuration.metric {
        case .mean(.known(let v)): return v
        case .mean(.estimated):
            guard pairs >= 2 else { return nil }
            return (squaresA + squaresB) / Double(pairs - 1)
        case .proportion:
            return meanA * (1 - meanA) + meanB * (1 - meanB)
        }
    }

    /// Recomputes Λ, the p-value and the interval after a pair.
    private mutating func update() {
        guard pairs >= configuration.minimumPairs, let v = pairVariance, v > 0 else { return }
        let n = Double(pairs)
        // r = nτ²/V; everything below depends on τ² and V only through it.
        let r: Double
        switch configuration.mixing {
        case .fixed(let tau2): r = n * tau2 / v
        case .tuned(let planned): r = n * ratio / Double(planned)
        }
        let shift = difference - configuration.nullDifference
        // ln Λ = −½ ln(1 + r) + (n (D̄ − θ₀)² / V) · r / (2(1 + r)), the formula above with τ² = rV/n.
        logLikelihoodRatio = -0.5 * log1p(r) + n * shift * shift / v * r / (2 * (1 + r))
        pValue = min(pValue, exp(-logLikelihoodRatio))
        if rejectedAt == nil, pValue <= configuration.alpha { rejectedAt = pairs - 1 }
        let halfWidth = (v / n * (1 + r) / r * (log1p(r) - 2 * log(configuration.alpha))).squareRoot()
        if let current = interval {
            let lower = max(current.lower, difference - halfWidth)
            let upper = min(current.upper, difference + halfWidth)
            interval = lower <= upper ? ConfidenceInterval(lower: lower, upper: upper) : nil
        }
    }
}
