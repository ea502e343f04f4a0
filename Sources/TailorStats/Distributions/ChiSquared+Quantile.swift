import Foundation

extension ChiSquared {
    /// The quantile function: the x with P(X ≤ x) = p.
    ///
    /// Newton's method in ln x on ln P (ln Q above the median, so upper-tail quantiles are solved from the
    /// small probability itself), from the Wilson–Hilferty cube-root approximation, or from the lower-tail
    /// power law P ≈ (x/2)^(k/2) / Γ(k/2 + 1) when that approximation fails; a bracket keeps every step safe.
    /// - Parameter p: A probability in [0, 1].
    /// - Returns: The quantile; 0 for 0 and +∞ for 1.
    /// - Throws: `StatsError` (`.invalidArgument`) when p is outside [0, 1] or NaN.
    public func quantile(_ p: Double) throws(StatsError) -> Double {
        try StatsError.check(probability: p, name: "p")
        if p == 0 { return 0 }
        if p == 1 { return .infinity }
        let k = degreesOfFreedom
        let a = 0.5 * k
        let z = StandardNormal.quantileUnchecked(p)
        let cube = 1 - 2 / (9 * k) + z * (2 / (9 * k)).squareRoot()
        let start = cube > 0.1 ? log(k) + 3 * log(cube) : log(2) + (log(p) + Special.logGamma(a + 1)) / a
        let u: Double
        if p <= 0.5 {
            let logP = log(p)
            u = LogScaleRoot.solve(from: start) { u in
                let split = split(exp(u))
                return (split.logLower - logP, exp(split.logSlope - split.logLower))
            }
        } else {
            let logQ = log1p(-p)  // 1 − p is exact for p ≥ ½; log1p keeps it so
            u = LogScaleRoot.solve(from: start) { u in
                let split = split(exp(u))
                return (logQ - split.logUpper, exp(split.logSlope - split.logUpper))
            }
        }
        return u == -.infinity ? 0 : exp(u)
    }
}
