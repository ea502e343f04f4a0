import Foundation

extension BinomialCount {
    /// Newcombe's hybrid score interval for the difference of two rates, b − a, at confidence level 1 − α.
    ///
    /// Method 10 of Newcombe (1998, "Interval estimation for the difference between independent proportions:
    /// comparison of eleven methods", Statistics in Medicine 17, 873–890). With Wilson intervals [l_a, u_a] and
    /// [l_b, u_b] of each rate and d = p̂_b − p̂_a:
    ///
    ///   lower = d − √((p̂_b − l_b)² + (u_a − p̂_a)²),   upper = d + √((u_b − p̂_b)² + (p̂_a − l_a)²).
    ///
    /// Each arm contributes the distance from its estimate to its own Wilson bound on the relevant side, so the
    /// interval inherits Wilson's good behaviour: it stays inside [−1, 1], is not degenerate at 0/n or n/n, and
    /// keeps close to nominal coverage where the Wald interval d ± z √(Σ p̂(1 − p̂)/n) collapses or overshoots.
    /// - Parameters:
    ///   - a: The control arm.
    ///   - b: The treatment arm.
    ///   - alpha: The significance level, in (0, 1).
    /// - Returns: The interval for rate(b) − rate(a).
    /// - Throws: `StatsError` (`.invalidArgument`) when α is outside (0, 1).
    public static func newcombeInterval(a: BinomialCount, b: BinomialCount, alpha: Double = 0.05) throws(StatsError) -> ConfidenceInterval {
        try StatsError.check(alpha: alpha)
        return newcombeInterval(a: a, b: b, z: StandardNormal.quantileUnchecked(1 - alpha / 2))
    }

    /// The hybrid score interval for a given critical value z.
    static func newcombeInterval(a: BinomialCount, b: BinomialCount, z: Double) -> ConfidenceInterval {
        let pa = a.rate
        let pb = b.rate
        let wa = a.wilsonInterval(z: z)
        let wb = b.wilsonInterval(z: z)
        let d = pb - pa
        let below = ((pb - wb.lower) * (pb - wb.lower) + (wa.upper - pa) * (wa.upper - pa)).squareRoot()
        let above = ((wb.upper - pb) * (wb.upper - pb) + (pa - wa.lower) * (pa - wa.lower)).squareRoot()
        return ConfidenceInterval(lower: d - below, upper: d + above)
    }
}
