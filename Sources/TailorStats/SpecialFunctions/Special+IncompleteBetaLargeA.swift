import Foundation

extension Special {
    /// λₙ = B₂ₙ / (2n (2n)!), the coefficients of ln(sinh(s/2) / (s/2)) = Σₙ≥₁ λₙ s²ⁿ (B₂ₙ the Bernoulli numbers,
    /// from the Taylor series of ln(sinh z / z)). They fall by about 1/(2π)² per term.
    static let logSinhcCoefficients: [Double] = [
        0.041666666666666664, -0.00034722222222222224, 5.5114638447971785e-06, -1.033399470899471e-07,
        2.08767569878681e-09, -4.403491782239578e-11, 9.55895466477477e-13, -2.1185501852016142e-14,
        4.770034475709914e-16, -1.087434349279031e-17, 2.5040921947091955e-19, -5.814360285755218e-21,
        1.3595027075497952e-22, -3.1976847953705525e-24, 7.559841507792277e-26, -1.7952470840225633e-27,
    ]

    /// ln Iₓ(a, b) for large a, b ≤ 1 and x near 1 (σ = −ln x < 1), as a sum of incomplete gamma functions.
    ///
    /// With t = e^(−s), Iₓ(a, b) = ∫_σ^∞ e^(−as) (1 − e^(−s))^(b−1) ds / B(a, b). Writing
    /// 1 − e^(−s) = s e^(−s/2) · sinh(s/2)/(s/2) and T = a + (b − 1)/2 gives
    /// ∫_σ^∞ e^(−Ts) s^(b−1) g(s) ds with g(s) = (sinh(s/2)/(s/2))^(b−1) = Σₖ cₖ s²ᵏ, and integrating term by term
    ///
    ///   Iₓ(a, b) = R · Σₖ cₖ (b)₂ₖ Q(b + 2k, Tσ) / T²ᵏ,   R = Γ(a + b) / (Γ(a) Tᵇ),
    ///
    /// where (b)₂ₖ is the rising factorial and Q the regularized upper incomplete gamma function. The choice of
    /// T makes R = 1 + O(a⁻²); the terms fall like (σ/2π)²ᵏ (2k)! in the tail and like T⁻²ᵏ near the centre. This
    /// is the idea of DiDonato & Morris's BGRAT (ACM TOMS 18, 1992), derived and arranged here for b ≤ 1.
    static func logIncompleteBetaLargeA(_ a: Double, _ b: Double, x: Double, y: Double) -> Double {
        let sigma = x < 0.5 ? -log(x) : -log1p(-y)
        let t = a + 0.5 * (b - 1)
        let w = t * sigma
        // cₖ from g = exp((b − 1) Σ λₙ wⁿ) in w = s²: k cₖ = Σₙ n (b − 1) λₙ cₖ₋ₙ.
        let count = logSinhcCoefficients.count
        var c = [1.0]
        c.reserveCapacity(count + 1)
        for k in 1...count {
            var sum = 0.0
            for n in 1...k { sum += Double(n) * (b - 1) * logSinhcCoefficients[n - 1] * c[k - n] }
            c.append(sum / Double(k))
        }
        // Σ relative to its first term, so that deep tails (Q far below the smallest Double) stay finite.
        let logFirst = incompleteGamma(b, w).logUpper
        var total = 1.0
        var rising = 1.0
        var inverseSquare = 1.0
        for k in 1...count {
            let shape = b + 2 * Double(k)
            rising *= (shape - 2) * (shape - 1)
            inverseSquare /= t * t
            let term = c[k] * rising * inverseSquare * exp(incompleteGamma(shape, w).logUpper - logFirst)
            total += term
            if abs(term) <= 1e-17 * abs(total) { break }
        }
        let logR = (a - 0.5) * log1p(b / a) + b * log1p(0.5 * (b + 1) / t) - b + stirlingCorrection(a + b) - stirlingCorrection(a)
        return logR + logFirst + log(total)
    }
}
