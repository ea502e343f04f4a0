/// CUPED: variance reduction with a pre-experiment covariate (Deng, Xu, Kohavi and Walker, "Improving the
/// sensitivity of online controlled experiments by utilizing pre-experiment data", WSDM 2013).
///
/// For a metric Y and a covariate X measured before the experiment (so that the treatment cannot affect it),
///
///   θ = cov(Y, X) / var(X),   Y_cuped = Y − θ (X − mean X).
///
/// Y_cuped has the same expectation as Y in each arm (X's mean is the same in both by randomization, so the
/// treatment effect is unchanged) and variance var(Y)(1 − ρ²), ρ the correlation of X and Y: the same
/// experiment detects smaller effects, or the same effect with fewer units. θ is the least-squares slope of Y
/// on X; fit it on both arms pooled and apply the same θ and mean X to both, so that the adjustment does not
/// depend on the assignment.
public struct CUPED: Sendable, Hashable {
    /// θ = cov(Y, X) / var(X).
    public let theta: Double
    /// The mean of the covariate over the data θ was fitted on.
    public let covariateMean: Double
    /// The sample variance of Y (n − 1 denominator).
    public let metricVariance: Double
    /// The sample variance of the adjusted metric.
    public let adjustedVariance: Double
    /// The adjusted metric Y − θ(X − mean X), one value per unit, in the input's order.
    public let adjustedMetric: [Double]

    /// The fraction of the variance removed, 1 − var(Y_cuped)/var(Y) (= ρ², in [0, 1]); 0 when Y is constant.
    public var varianceReduction: Double { metricVariance > 0 ? max(0, 1 - adjustedVariance / metricVariance) : 0 }

    /// Fits θ and adjusts the metric.
    /// - Parameters:
    ///   - metric: Y, one value per unit.
    ///   - covariate: X, the same units' pre-experiment values, in the same order.
    /// - Throws: `StatsError`: `.insufficientData` for fewer than 2 units or lengths that differ,
    ///   `.invalidArgument` for a value that is not finite, `.degenerate` when the covariate is constant (θ is
    ///   then 0/0: such a covariate carries no information).
    public init(metric: [Double], covariate: [Double]) throws(StatsError) {
        guard metric.count == covariate.count else {
            throw StatsError(.insufficientData, "metric has \(metric.count) values, covariate \(covariate.count)")
        }
        guard metric.count >= 2 else { throw StatsError(.insufficientData, "CUPED needs at least 2 units, got \(metric.count)") }
        try StatsError.checkFinite(metric, name: "metric")
        try StatsError.checkFinite(covariate, name: "covariate")
        let n = Double(metric.count)
        let meanY = metric.reduce(0, +) / n
        let meanX = covariate.reduce(0, +) / n
        var sxx = 0.0
        var sxy = 0.0
        var syy = 0.0
        for (y, x) in zip(metric, covariate) {
            sxx += (x - meanX) * (x - meanX)
            sxy += (x - meanX) * (y - meanY)
            syy += (y - meanY) * (y - meanY)
        }
        guard sxx > 0 else { throw StatsError(.degenerate, "the covariate is constant; CUPED cannot use it") }
        let theta = sxy / sxx
        let adjusted = zip(metric, covariate).map { y, x in y - theta * (x - meanX) }
        let meanAdjusted = adjusted.reduce(0, +) / n
        var saa = 0.0
        for value in adjusted { saa += (value - meanAdjusted) * (value - meanAdjusted) }
        self.theta = theta
        self.covariateMean = meanX
        self.metricVariance = syy / (n - 1)
        self.adjustedVariance = saa / (n - 1)
        self.adjustedMetric = adjusted
    }

    /// Adjusts one more unit with the fitted θ and covariate mean (for example a unit of the other arm, or one
    /// that arrived after the fit).
    /// - Parameters:
    ///   - metric: The unit's Y.
    ///   - covariate: The unit's X.
    /// - Returns: Y − θ(X − mean X).
    public func adjust(metric: Double, covariate: Double) -> Double { metric - theta * (covariate - covariateMean) }
}
