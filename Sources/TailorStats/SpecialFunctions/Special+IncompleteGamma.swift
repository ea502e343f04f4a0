import Foundation

extension Special {
    /// The regularized incomplete gamma functions P(a, x) = γ(a, x)/Γ(a) (lower) and Q(a, x) = 1 − P (upper),
    /// for a > 0 and x ≥ 0.
    ///
    /// Both share the factor xᵃ e⁻ˣ / Γ(a) (`logSlope`, which is also dP/d ln x). Below x = a + 1, P is the
    /// factor times the power series Σ xⁿ / ((a + 1)…(a + n)) / a, whose terms are all positive; above it, Q is
    /// the factor over Legendre's continued fraction, evaluated by Lentz's method. On each side the part
    /// computed directly is the smaller one (or not much larger than ½), so tails keep full relative accuracy.
    static func incompleteGamma(_ a: Double, _ x: Double) -> TailSplit {
        if x <= 0 { return TailSplit(logLower: -.infinity, logUpper: 0, logSlope: -.infinity) }
        if x == .infinity { return TailSplit(logLower: 0, logUpper: -.infinity, logSlope: -.infinity) }
        let logFactor = gammaLogFactor(a, x)
        if x < a + 1 {
            return .fromLower(logFactor - log(a) + log(gammaSeries(a, x)), logSlope: logFactor)
        }
        return .fromUpper(logFactor - log(gammaContinuedFraction(a, x)), logSlope: logFactor)
    }

    /// ln(xᵃ e⁻ˣ / Γ(a)) = ½ ln(a / 2π) − D(x, a) − s(a).
    ///
    /// Written as a ln x − x − ln Γ(a) it would lose about log₁₀(a) digits for large a (three huge terms
    /// cancelling); through the deviance D and Stirling's correction s no large terms meet.
    static func gammaLogFactor(_ a: Double, _ x: Double) -> Double {
        0.5 * log(a) - logSqrtTwoPi - deviance(x, a) - stirlingCorrection(a)
    }

    /// Σₙ≥₀ xⁿ / ((a + 1)(a + 2)…(a + n)), for x < a + 1. Terms fall once n > x − a, at worst after about
    /// √a · 9 terms for x near a (the terms then decay like exp(−n²/2a)).
    static func gammaSeries(_ a: Double, _ x: Double) -> Double {
        var term = 1.0
        var sum = 1.0
        var n = 1.0
        let limit = 1000 + 20 * a.squareRoot()
        while n < limit {
            term *= x / (a + n)
            sum += term
            if term <= 1e-17 * sum { break }
            n += 1
        }
        return sum
    }

    /// The denominator g of Q(a, x) = xᵃ e⁻ˣ / Γ(a) / g, Legendre's continued fraction in its even form
    /// g = x + 1 − a − 1(1 − a)/(x + 3 − a − 2(2 − a)/(x + 5 − a − …)), for x ≥ a + 1.
    static func gammaContinuedFraction(_ a: Double, _ x: Double) -> Double {
        continuedFraction(b0: x + 1 - a, maxTerms: 1000 + Int(20 * a.squareRoot())) { i in
            (-i * (i - a), x + 2 * i + 1 - a)
        }
    }
}
