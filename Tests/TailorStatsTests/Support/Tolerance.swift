/// Relative difference of two values, for comparisons of computed probabilities and statistics.
///
/// Values that are both below the smallest normal Double count as equal: subnormals carry too few bits for a
/// relative comparison to mean anything.
func relativeError(_ actual: Double, _ expected: Double) -> Double {
    if actual == expected { return 0 }
    if abs(actual) < Double.leastNormalMagnitude, abs(expected) < Double.leastNormalMagnitude { return 0 }
    if actual.isNaN || expected.isNaN || actual.isInfinite || expected.isInfinite { return .infinity }
    return abs(actual - expected) / max(abs(actual), abs(expected))
}

/// Whether `actual` is within `tolerance` of `expected`, relatively.
func isClose(_ actual: Double, _ expected: Double, _ tolerance: Double = 1e-12) -> Bool {
    relativeError(actual, expected) <= tolerance
}
