/// The count, mean and unbiased variance of a sample: all that Welch's test needs of each group.
public struct SampleSummary: Sendable, Hashable, Codable {
    /// The number of observations.
    public let count: Int
    /// The arithmetic mean.
    public let mean: Double
    /// The sample variance with n − 1 in the denominator (0 for a single observation).
    public let variance: Double

    /// Creates a summary from known figures (for example aggregated in SQL).
    /// - Parameters:
    ///   - count: At least 1.
    ///   - mean: Finite.
    ///   - variance: Finite and ≥ 0.
    /// - Throws: `StatsError` (`.invalidArgument`) for a count below 1 or a mean or variance out of domain.
    public init(count: Int, mean: Double, variance: Double) throws(StatsError) {
        guard count >= 1 else { throw StatsError(.invalidArgument, "count must be at least 1, got \(count)") }
        guard mean.isFinite else { throw StatsError(.invalidArgument, "mean must be finite") }
        guard variance.isFinite, variance >= 0 else { throw StatsError(.invalidArgument, "variance must be finite and >= 0") }
        self.count = count
        self.mean = mean
        self.variance = variance
    }

    /// Summarizes observations.
    ///
    /// Two passes (the mean, then the squared deviations from it) rather than a running sum of squares, which
    /// cancels catastrophically when the mean is large against the spread.
    /// - Parameter values: At least one finite value.
    /// - Throws: `StatsError` (`.insufficientData`) when empty, (`.invalidArgument`) when a value is not finite.
    public init(_ values: [Double]) throws(StatsError) {
        guard !values.isEmpty else { throw StatsError(.insufficientData, "a sample needs at least one value") }
        try StatsError.checkFinite(values, name: "values")
        let n = Double(values.count)
        let mean = values.reduce(0, +) / n
        var squares = 0.0
        for value in values { squares += (value - mean) * (value - mean) }
        self.count = values.count
        self.mean = mean
        self.variance = values.count > 1 ? squares / (n - 1) : 0
    }
}
