/// The sample-ratio mismatch check: a χ² goodness-of-fit test of the observed assignment counts against the
/// split the experiment was designed for.
///
/// With N = Σ Oᵢ and design weights wᵢ, Eᵢ = N wᵢ / Σ w, χ² = Σ (Oᵢ − Eᵢ)² / Eᵢ on k − 1 degrees of freedom.
/// A small p-value (experimentation platforms commonly use 0.001, since the check runs on every experiment)
/// means the assignment or the logging is broken, and the experiment's other results should not be trusted.
public struct SampleRatioMismatch: Sendable, Hashable {
    /// The χ² statistic.
    public let chiSquare: Double
    /// k − 1.
    public let degreesOfFreedom: Int
    /// P(χ²_{k−1} > chiSquare).
    public let pValue: Double
    /// The expected counts N wᵢ / Σ w.
    public let expected: [Double]

    /// Runs the check.
    /// - Parameters:
    ///   - observed: The units assigned to each arm; at least 2 arms, no negative count, a positive total.
    ///   - weights: The designed split, one positive weight per arm, in any scale (`[1, 1]`, `[50, 50]` and
    ///     `[0.5, 0.5]` are the same); `nil` for an equal split.
    /// - Throws: `StatsError`: `.invalidArgument` for a negative count or a weight that is not positive and finite,
    ///   `.insufficientData` for fewer than 2 arms, a zero total or weights of another length.
    public init(observed: [Int], weights: [Double]? = nil) throws(StatsError) {
        guard observed.count >= 2 else { throw StatsError(.insufficientData, "a ratio check needs at least 2 arms, got \(observed.count)") }
        if let i = observed.firstIndex(where: { $0 < 0 }) { throw StatsError(.invalidArgument, "observed[\(i)] is negative") }
        let weights = weights ?? [Double](repeating: 1, count: observed.count)
        guard weights.count == observed.count else {
            throw StatsError(.insufficientData, "\(weights.count) weights for \(observed.count) arms")
        }
        if let i = weights.firstIndex(where: { !($0 > 0 && $0.isFinite) }) {
            throw StatsError(.invalidArgument, "weights[\(i)] must be positive and finite")
        }
        let total = Double(observed.reduce(0, +))
        guard total > 0 else { throw StatsError(.insufficientData, "no units were observed") }
        let weightTotal = weights.reduce(0, +)
        expected = weights.map { total * $0 / weightTotal }
        var statistic = 0.0
        for (o, e) in zip(observed, expected) { statistic += (Double(o) - e) * (Double(o) - e) / e }
        chiSquare = statistic
        degreesOfFreedom = observed.count - 1
        pValue = ChiSquared(checked: Double(degreesOfFreedom)).survival(statistic)
    }
}
