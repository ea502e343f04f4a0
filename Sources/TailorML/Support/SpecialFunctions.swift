import Foundation

/// Special functions needed by the lifetime models.
enum SpecialFunctions {
    /// ln Γ(x) for x > 0.
    @inline(__always) static func logGamma(_ x: Double) -> Double { lgamma(x) }

    /// ln B(a, b) = ln Γ(a) + ln Γ(b) − ln Γ(a + b).
    @inline(__always) static func logBeta(_ a: Double, _ b: Double) -> Double {
        lgamma(a) + lgamma(b) - lgamma(a + b)
    }

    /// The Gauss hypergeometric function ₂F₁(a, b; c; z) for 0 ≤ z < 1, by its power series.
    ///
    /// The lifetime models only evaluate it at z = t / (α + T + t) ∈ [0, 1), where the series
    /// converges geometrically (ratio → z); terms are summed until they no longer change the sum.
    static func hypergeometric2F1(_ a: Double, _ b: Double, _ c: Double, _ z: Double) -> Double {
        precondition(z >= 0 && z < 1, "2F1 series needs 0 <= z < 1")
        var term = 1.0
        var sum = 1.0
        var n = 0.0
        while n < 1_000_000 {
            term *= (a + n) * (b + n) / ((c + n) * (n + 1)) * z
            sum += term
            n += 1
            if abs(term) <= 1e-15 * abs(sum) { break }
        }
        return sum
    }

    /// log(exp(x) + exp(y)) without overflow.
    @inline(__always) static func logAddExp(_ x: Double, _ y: Double) -> Double {
        let m = max(x, y)
        if m == -.infinity { return -.infinity }
        return m + log(exp(x - m) + exp(y - m))
    }
}
