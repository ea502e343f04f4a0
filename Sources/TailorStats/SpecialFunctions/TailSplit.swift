import Foundation

/// A probability split into its lower and upper parts, as logarithms, with the log of the density factor
/// that the quantile solvers use as a slope.
///
/// Whichever part is small is computed directly and keeps full relative accuracy; the other is
/// `log1p(-exp(small))`, which loses nothing because it is close to 0 in log space.
struct TailSplit {
    /// ln of the lower part (the CDF of the underlying variable).
    var logLower: Double
    /// ln of the upper part (the survival function).
    var logUpper: Double
    /// ln of the derivative of the lower part with respect to the log of the argument (see the producer).
    var logSlope: Double

    var lower: Double { exp(logLower) }
    var upper: Double { exp(logUpper) }

    /// A split whose lower part was computed directly.
    static func fromLower(_ logLower: Double, logSlope: Double) -> TailSplit {
        TailSplit(logLower: logLower, logUpper: Special.log1mexp(logLower), logSlope: logSlope)
    }

    /// A split whose upper part was computed directly.
    static func fromUpper(_ logUpper: Double, logSlope: Double) -> TailSplit {
        TailSplit(logLower: Special.log1mexp(logUpper), logUpper: logUpper, logSlope: logSlope)
    }
}
