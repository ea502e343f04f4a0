extension MixtureSPRT {
    /// The course of a test over a whole stream.
    public struct Outcome: Sendable, Hashable, Codable {
        /// The always-valid p-value after each pair (`p_values` when encoded); never rising.
        public let pValues: [Double]
        /// The 0-based index of the first pair after which the p-value was ≤ α, or nil (`reject_at`).
        public let rejectAt: Int?
        /// The confidence sequence after the last pair (see `MixtureSPRT.interval`).
        public let interval: ConfidenceInterval?

        enum CodingKeys: String, CodingKey {
            case pValues = "p_values"
            case rejectAt = "reject_at"
            case interval
        }
    }

    /// Runs the test over two streams in arrival order, pairing aᵢ with bᵢ.
    /// - Parameters:
    ///   - a: The control observations.
    ///   - b: The treatment observations, as many as `a`.
    ///   - configuration: The settings.
    /// - Returns: The p-value after each pair and the first rejection.
    /// - Throws: `StatsError`: `.insufficientData` when the lengths differ, `.invalidArgument` for invalid settings
    ///   or an observation that is not finite (or not 0/1 for a proportion), naming its index.
    public static func run(a: [Double], b: [Double], configuration: Configuration = Configuration()) throws(StatsError) -> Outcome {
        guard a.count == b.count else { throw StatsError(.insufficientData, "a has \(a.count) observations, b \(b.count)") }
        var test = try MixtureSPRT(configuration)
        var pValues: [Double] = []
        pValues.reserveCapacity(a.count)
        for i in a.indices {
            do {
                try test.observe(a: a[i], b: b[i])
            } catch {
                throw StatsError(error.code, "pair \(i): \(error.message)")
            }
            pValues.append(test.pValue)
        }
        return Outcome(pValues: pValues, rejectAt: test.rejectedAt, interval: test.interval)
    }

    /// Runs the test over two streams of conversions in arrival order, pairing aᵢ with bᵢ.
    /// - Parameters:
    ///   - a: The control conversions.
    ///   - b: The treatment conversions, as many as `a`.
    ///   - configuration: The settings; a test of proportions by default.
    /// - Returns: The p-value after each pair and the first rejection.
    /// - Throws: `StatsError`: `.insufficientData` when the lengths differ, `.invalidArgument` for invalid settings.
    public static func run(a: [Bool], b: [Bool], configuration: Configuration = Configuration(metric: .proportion)) throws(StatsError) -> Outcome {
        try run(a: a.map { $0 ? 1 : 0 }, b: b.map { $0 ? 1 : 0 }, configuration: configuration)
    }
}
