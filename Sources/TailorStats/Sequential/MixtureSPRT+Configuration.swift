import Foundation

extension MixtureSPRT {
    /// What is compared, and how the variance of one pair's difference is known.
    public enum Metric: Sendable, Hashable {
        /// The difference of two means (revenue, time, counts). The normal approximation holds for any metric
        /// with a finite variance once a few dozen pairs are in.
        case mean(variance: PairVariance = .estimated)
        /// The difference of two conversion rates; observations are 0 or 1, and the variance of a pair is the
        /// Bernoulli estimate V = p̂_a(1 − p̂_a) + p̂_b(1 − p̂_b) from the rates so far.
        case proportion
    }

    /// The variance V of one pair's difference b − a, that is σ_a² + σ_b².
    public enum PairVariance: Sendable, Hashable {
        /// V known in advance (for example from the metric's history), in squared units of the metric. Then
        /// the guarantee P(ever p ≤ α | H₀) ≤ α is exact for normal data.
        case known(Double)
        /// V = s_a² + s_b², the unbiased sample variances of the pairs so far. The guarantee then holds
        /// asymptotically; `minimumPairs` keeps the first, noisy estimates out of the test.
        case estimated
    }

    /// The variance τ² of the normal mixing distribution N(θ₀, τ²) over the difference.
    ///
    /// The mSPRT is valid for every τ²; τ² only decides *when* the test is most sensitive. With r = nτ²/V, the
    /// half-width of the confidence sequence after n pairs is √(V/n · (1 + r)/r · (ln(1 + r) + 2 ln(1/α))). For a
    /// fixed n this is smallest when r solves r = ln(1 + r) + 2 ln(1/α) (r ≈ 8.2 at α = 0.05): a small τ² favours
    /// long experiments and small effects, a large τ² short experiments and large effects.
    public enum MixingVariance: Sendable, Hashable {
        /// τ² given directly, in squared units of the difference: for example the mean squared effect of past
        /// experiments on the same metric, so that the test is most sensitive to effects of the usual size.
        case fixed(Double)
        /// τ² = r·V / n*, with r solving r = ln(1 + r) + 2 ln(1/α): the choice that makes the confidence sequence
        /// narrowest after n* pairs, the planned length of the experiment. It is scale-free (τ is a fraction of
        /// the pair's standard deviation), so it suits any metric; with an estimated V it follows the estimate.
        case tuned(pairs: Int)
    }

    /// The settings of a test.
    public struct Configuration: Sendable, Hashable {
        /// What is compared; the difference of means with an estimated variance by default.
        public var metric: Metric
        /// The level: the test rejects when the always-valid p-value reaches α, and the interval is a 1 − α
        /// confidence sequence. 0.05 by default.
        public var alpha: Double
        /// The mixing variance; by default tuned to 10,000 pairs, a typical length for a web experiment (a
        /// shorter plan detects large effects sooner; validity does not depend on it).
        public var mixing: MixingVariance
        /// The pairs to collect before the test starts (p stays 1, the interval the whole line). 30 by default:
        /// with an estimated variance the statistic is a t, not a normal, and the tails of a t with few degrees of
        /// freedom are too heavy for a boundary derived for the normal. With a known variance 1 is exact.
        public var minimumPairs: Int
        /// θ₀, the difference under the null hypothesis; 0 by default.
        public var nullDifference: Double

        /// Creates settings.
        /// - Parameters:
        ///   - metric: What is compared.
        ///   - alpha: The level, in (0, 1).
        ///   - mixing: The mixing variance τ².
        ///   - minimumPairs: Pairs before the test starts, at least 1.
        ///   - nullDifference: θ₀.
        public init(
            metric: Metric = .mean(),
            alpha: Double = 0.05,
            mixing: MixingVariance = .tuned(pairs: 10_000),
            minimumPairs: Int = 30,
            nullDifference: Double = 0
        ) {
            self.metric = metric
            self.alpha = alpha
            self.mixing = mixing
            self.minimumPairs = minimumPairs
            self.nullDifference = nullDifference
        }

        /// Refuses settings out of their domains.
        func validate() throws(StatsError) {
            try StatsError.check(alpha: alpha)
            if case .mean(.known(let v)) = metric, !(v > 0 && v.isFinite) {
                throw StatsError(.invalidArgument, "a known pair variance must be positive and finite, got \(v)")
            }
            switch mixing {
            case .fixed(let tau2) where !(tau2 > 0 && tau2.isFinite):
                throw StatsError(.invalidArgument, "the mixing variance must be positive and finite, got \(tau2)")
            case .tuned(let pairs) where pairs < 1:
                throw StatsError(.invalidArgument, "the mixing variance must be tuned to at least 1 pair, got \(pairs)")
            default: break
            }
            guard minimumPairs >= 1 else { throw StatsError(.invalidArgument, "minimumPairs must be at least 1, got \(minimumPairs)") }
            guard nullDifference.isFinite else { throw StatsError(.invalidArgument, "nullDifference must be finite") }
        }
    }

    /// r solving r = ln(1 + r) + 2 ln(1/α), by fixed-point iteration (the map's slope 1/(1 + r) is below 1/7 at
    /// the root for every α < 0.5, so thirty steps are far more than enough).
    static func optimalRatio(alpha: Double) -> Double {
        let l = -2 * log(alpha)
        var r = l
        for _ in 0..<60 { r = l + log1p(r) }
        return r
    }
}
