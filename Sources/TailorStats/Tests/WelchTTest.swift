import Foundation

/// Welch's t-test for the difference of two means, without assuming equal variances.
///
/// With sample means x̄, unbiased variances s² and sizes n:
///
///   d = x̄_b − x̄_a,   SE = √(s_a²/n_a + s_b²/n_b),   t = d / SE,
///   ν = (s_a²/n_a + s_b²/n_b)² / ((s_a²/n_a)²/(n_a − 1) + (s_b²/n_b)²/(n_b − 1))   (Welch–Satterthwaite),
///   p = 2 P(T_ν > |t|),   interval d ± t_{ν, 1−α/2} SE.
///
/// Welch rather than Student's pooled test because experiment arms rarely have equal variances (a treatment
/// that changes the mean usually changes the spread too), and when they do Welch loses almost nothing.
public struct WelchTTest: Sendable, Hashable {
    /// The mean of group a (control).
    public let meanA: Double
    /// The mean of group b (treatment).
    public let meanB: Double
    /// meanB − meanA.
    public let difference: Double
    /// √(s_a²/n_a + s_b²/n_b).
    public let standardError: Double
    /// difference / standardError.
    public let t: Double
    /// The Welch–Satterthwaite degrees of freedom (real, between min(n) − 1 and n_a + n_b − 2).
    public let degreesOfFreedom: Double
    /// The two-sided p-value.
    public let pValue: Double
    /// The 1 − α interval of meanB − meanA.
    public let interval: ConfidenceInterval
    /// 1 − α, the level of `interval`.
    public let confidenceLevel: Double

    /// Runs the test on raw observations.
    /// - Parameters:
    ///   - a: Group a's observations, at least 2, finite.
    ///   - b: Group b's observations, at least 2, finite.
    ///   - alpha: The significance level of the interval, in (0, 1).
    /// - Throws: `StatsError`: `.insufficientData` for a group of fewer than 2, `.invalidArgument` for a value
    ///   that is not finite or α outside (0, 1), `.degenerate` when both groups have zero variance.
    public init(a: [Double], b: [Double], alpha: Double = 0.05) throws(StatsError) {
        guard a.count >= 2 else { throw StatsError(.insufficientData, "group a needs at least 2 observations, got \(a.count)") }
        guard b.count >= 2 else { throw StatsError(.insufficientData, "group b needs at least 2 observations, got \(b.count)") }
        try StatsError.checkFinite(a, name: "a")
        try StatsError.checkFinite(b, name: "b")
        try self.init(a: SampleSummary(a), b: SampleSummary(b), alpha: alpha)
    }

    /// Runs the test on summaries.
    /// - Parameters:
    ///   - a: Group a's count (at least 2), mean and variance.
    ///   - b: Group b's count (at least 2), mean and variance.
    ///   - alpha: The significance level of the interval, in (0, 1).
    /// - Throws: `StatsError`: `.insufficientData` for a count below 2, `.invalidArgument` for α outside (0, 1),
    ///   `.degenerate` when both variances are 0 (t is then 0/0 or ±∞).
    public init(a: SampleSummary, b: SampleSummary, alpha: Double = 0.05) throws(StatsError) {
        try StatsError.check(alpha: alpha)
        guard a.count >= 2 else { throw StatsError(.insufficientData, "group a needs at least 2 observations, got \(a.count)") }
        guard b.count >= 2 else { throw StatsError(.insufficientData, "group b needs at least 2 observations, got \(b.count)") }
        let va = a.variance / Double(a.count)
        let vb = b.variance / Double(b.count)
        guard va + vb > 0 else { throw StatsError(.degenerate, "both groups have zero variance; t is undefined") }
        meanA = a.mean
        meanB = b.mean
        difference = b.mean - a.mean
        standardError = (va + vb).squareRoot()
        t = difference / standardError
        degreesOfFreedom = (va + vb) * (va + vb) / (va * va / Double(a.count - 1) + vb * vb / Double(b.count - 1))
        let distribution = StudentT(checked: degreesOfFreedom)
        pValue = min(1, 2 * distribution.survival(abs(t)))
        let critical = distribution.quantileUnchecked(1 - alpha / 2)
        interval = ConfidenceInterval(lower: difference - critical * standardError, upper: difference + critical * standardError)
        confidenceLevel = 1 - alpha
    }
}
