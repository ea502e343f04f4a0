/// Holm's step-down correction of p-values for multiple comparisons (Holm 1979, "A simple sequentially
/// rejective multiple test procedure", Scandinavian Journal of Statistics 6, 65–70).
///
/// With the m p-values sorted ascending, p₍₁₎ ≤ … ≤ p₍ₘ₎, the adjusted values are
///
///   p̃₍ᵢ₎ = max over j ≤ i of min(1, (m − j + 1) p₍ⱼ₎),
///
/// and rejecting every hypothesis with p̃ ≤ α controls the family-wise error rate at α under any dependence.
/// Holm is uniformly more powerful than Bonferroni (which multiplies every p by m) with the same guarantee,
/// which is why it is the default for an experiment that looks at several metrics or several arms.
public enum HolmCorrection {
    /// Adjusts p-values.
    /// - Parameter pValues: Raw p-values in [0, 1], in any order.
    /// - Returns: The adjusted p-values in the same order: each ≥ its raw value, at most 1, and monotone in the
    ///   raw values (a smaller raw p never gets a larger adjusted p). Ties share their adjusted value.
    /// - Throws: `StatsError` (`.invalidArgument`) naming the first p-value outside [0, 1] or NaN.
    public static func adjustedPValues(_ pValues: [Double]) throws(StatsError) -> [Double] {
        for (i, p) in pValues.enumerated() { try StatsError.check(probability: p, name: "pValues[\(i)]") }
        let m = pValues.count
        let order = pValues.indices.sorted { pValues[$0] < pValues[$1] }
        var adjusted = [Double](repeating: 0, count: m)
        var running = 0.0
        for (rank, index) in order.enumerated() {
            // The running maximum makes the adjusted values monotone in the sorted order.
            running = max(running, min(1, Double(m - rank) * pValues[index]))
            adjusted[index] = running
        }
        return adjusted
    }
}
