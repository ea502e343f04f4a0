/// Successes out of trials: the conversions of one arm of an experiment.
public struct BinomialCount: Sendable, Hashable, Codable {
    /// The number of successes, 0 … trials.
    public let successes: Int
    /// The number of trials, at least 1.
    public let trials: Int

    /// Creates a count.
    /// - Parameters:
    ///   - successes: Between 0 and `trials`.
    ///   - trials: At least 1.
    /// - Throws: `StatsError` (`.invalidArgument`) when trials < 1 or successes is outside 0 … trials.
    public init(successes: Int, trials: Int) throws(StatsError) {
        guard trials >= 1 else { throw StatsError(.invalidArgument, "trials must be at least 1, got \(trials)") }
        guard successes >= 0, successes <= trials else {
            throw StatsError(.invalidArgument, "successes must be between 0 and trials (\(trials)), got \(successes)")
        }
        self.successes = successes
        self.trials = trials
    }

    /// successes / trials.
    public var rate: Double { Double(successes) / Double(trials) }
}
