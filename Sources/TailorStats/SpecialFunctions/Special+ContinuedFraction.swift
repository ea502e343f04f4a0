import Foundation

extension Special {
    /// Evaluates b₀ + a₁/(b₁ + a₂/(b₂ + …)) by the modified Lentz method (Thompson & Barnett 1986).
    ///
    /// Lentz's method multiplies ratios of successive convergents, so it needs no rescaling and stops as soon as
    /// a step changes the value by less than a rounding error; zeros in a denominator are nudged to a tiny
    /// number, which is the method's standard guard.
    /// - Parameters:
    ///   - b0: The leading term.
    ///   - maxTerms: A bound on the work; every caller converges long before it.
    ///   - term: The i-th partial numerator and denominator (aᵢ, bᵢ), for i ≥ 1.
    static func continuedFraction(b0: Double, maxTerms: Int, term: (Double) -> (a: Double, b: Double)) -> Double {
        let tiny = 1e-300
        var f = b0 == 0 ? tiny : b0
        var c = f
        var d = 0.0
        var i = 1.0
        while i <= Double(maxTerms) {
            let (a, b) = term(i)
            d = b + a * d
            if d == 0 { d = tiny }
            c = b + a / c
            if c == 0 { c = tiny }
            d = 1 / d
            let delta = c * d
            f *= delta
            if abs(delta - 1) <= Double.ulpOfOne { break }
            i += 1
        }
        return f
    }
}
