/// An error from TailorStats: which input was refused and why.
///
/// Messages name the argument (and, for tables and lists, the row, column or index) and the rule it broke.
/// They quote parameters such as α or degrees of freedom, never the observations, which describe people.
public struct StatsError: Error, Sendable, Hashable, CustomStringConvertible {
    /// What kind of input was refused.
    public enum Code: String, Sendable, Hashable {
        /// A parameter is outside its domain: α not in (0, 1), degrees of freedom ≤ 0, a probability outside
        /// [0, 1], successes above trials, a value that is not finite.
        case invalidArgument
        /// A contingency table is ragged, smaller than 2 × 2, has a negative count or a row or column of zeros.
        case invalidTable
        /// Two inputs that must pair up do not (lengths differ), or there are too few observations.
        case insufficientData
        /// The data leave the statistic undefined: no variance in either group, a constant covariate.
        case degenerate
    }

    /// What kind of input was refused.
    public let code: Code
    /// Which argument, and the rule it broke.
    public let message: String

    /// Creates an error.
    /// - Parameters:
    ///   - code: The kind of input refused.
    ///   - message: Which argument, and the rule it broke.
    public init(_ code: Code, _ message: String) {
        self.code = code
        self.message = message
    }

    public var description: String { "TailorStats \(code.rawValue): \(message)" }
}

// MARK: - Checks shared by the public entry points

extension StatsError {
    /// Refuses a significance level outside (0, 1).
    static func check(alpha: Double) throws(StatsError) {
        guard alpha > 0, alpha < 1 else { throw StatsError(.invalidArgument, "alpha must be in (0, 1), got \(alpha)") }
    }

    /// Refuses a probability outside [0, 1] (NaN included).
    static func check(probability p: Double, name: String) throws(StatsError) {
        guard p >= 0, p <= 1 else { throw StatsError(.invalidArgument, "\(name) must be in [0, 1], got \(p)") }
    }

    /// Refuses degrees of freedom that are not > 0 (NaN included). +∞ is allowed where the limit exists.
    static func check(degreesOfFreedom df: Double) throws(StatsError) {
        guard df > 0 else { throw StatsError(.invalidArgument, "degrees of freedom must be > 0, got \(df)") }
    }

    /// Refuses a list with a value that is not finite, naming its index.
    static func checkFinite(_ values: [Double], name: String) throws(StatsError) {
        if let index = values.firstIndex(where: { !$0.isFinite }) {
            throw StatsError(.invalidArgument, "\(name)[\(index)] is not a finite number")
        }
    }
}
