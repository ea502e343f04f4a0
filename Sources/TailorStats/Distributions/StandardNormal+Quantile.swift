import Foundation

extension StandardNormal {
    /// The quantile function Φ⁻¹(p): the x with Φ(x) = p.
    ///
    /// A start from Abramowitz & Stegun 26.2.23 (error below 4.5e-4) is refined by Newton's method on the
    /// logarithm of the tail probability (or, near the median, of Φ(x) − ½, so that x near 0 keeps its
    /// relative accuracy), in the logarithm of |x|; it converges to the last bits in three or four steps.
    /// - Parameter p: A probability in [0, 1].
    /// - Returns: Φ⁻¹(p); −∞ for 0 and +∞ for 1.
    /// - Throws: `StatsError` (`.invalidArgument`) when p is outside [0, 1] or NaN.
    public static func quantile(_ p: Double) throws(StatsError) -> Double {
        try StatsError.check(probability: p, name: "p")
        return quantileUnchecked(p)
    }

    /// Φ⁻¹(p) for a p already known to be in [0, 1].
    static func quantileUnchecked(_ p: Double) -> Double {
        if p == 0.5 { return 0 }
        // 1 − p is exact for p ≥ ½ (Sterbenz), so reflecting loses nothing.
        if p > 0.5 { return distanceBelowMedian(1 - p) }
        return -distanceBelowMedian(p)
    }

    /// The s ≥ 0 with Φ(−s) = p, for 0 ≤ p < ½.
    private static func distanceBelowMedian(_ p: Double) -> Double {
        if p == 0 { return .infinity }
        let u: Double
        if p < 0.25 {
            let t = (-2 * log(p)).squareRoot()
            let start = t - (2.515_517 + t * (0.802_853 + t * 0.010_328)) / (1 + t * (1.432_788 + t * (0.189_269 + t * 0.001_308)))
            let logP = log(p)
            // f(u) = ln p − ln Φ(−eᵘ), increasing; f′ = s φ(s) / Φ(−s).
            u = LogScaleRoot.solve(from: log(max(start, 1e-3))) { u in
                let s = exp(u)
                let logTail = logLowerTail(s)
                return (logP - logTail, exp(log(s) + logDensity(s) - logTail))
            }
        } else {
            // ½ − p is exact here; solve ln(Φ(s) − ½) = ln(½ − p), f′ = s φ(s) / (Φ(s) − ½).
            let q = 0.5 - p
            let logQ = log(q)
            u = LogScaleRoot.solve(from: log(q * 2.506_628_274_631_000_5)) { u in
                let s = exp(u)
                let logMass = logCentralMass(s)
                return (logMass - logQ, exp(log(s) + logDensity(s) - logMass))
            }
        }
        return exp(u)
    }
}
