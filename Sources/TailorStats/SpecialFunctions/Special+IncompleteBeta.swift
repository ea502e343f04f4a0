import Foundation

extension Special {
    /// The regularized incomplete beta function Iₓ(a, b) (lower) and 1 − Iₓ(a, b) = I_y(b, a) (upper), for
    /// a, b > 0, x ∈ [0, 1].
    ///
    /// `y` is 1 − x, passed separately: the Student t calls it with x = ν/(ν + t²) and y = t²/(ν + t²), and
    /// y computed as 1 − x would lose every digit for small t. Both parts share the factor xᵃ yᵇ / B(a, b)
    /// (`logSlope`); below x = (a + 1)/(a + b + 2) the lower part is the factor over a times the continued
    /// fraction 1/(1 + d₁/(1 + d₂/(1 + …))) (Abramowitz & Stegun 26.5.8), above it the upper part is the same
    /// with the roles of (a, x) and (b, y) swapped. The side computed directly is the small one.
    static func incompleteBeta(_ a: Double, _ b: Double, x: Double, y: Double) -> TailSplit {
        if x <= 0 { return TailSplit(logLower: -.infinity, logUpper: 0, logSlope: -.infinity) }
        if y <= 0 { return TailSplit(logLower: 0, logUpper: -.infinity, logSlope: -.infinity) }
        let logFactor = betaLogFactor(a, b, x: x, y: y)
        if x < (a + 1) / (a + b + 2) {
            return .fromLower(logDirect(a, b, x: x, y: y, logFactor: logFactor), logSlope: logFactor)
        }
        return .fromUpper(logDirect(b, a, x: y, y: x, logFactor: logFactor), logSlope: logFactor)
    }

    /// ln Iₓ(a, b) on the side where it is the part to compute directly.
    ///
    /// The continued fraction's first partial numerator is close to −1 when x is close to 1 and a is large,
    /// so 1 + d₁ cancels about log₁₀(a) digits (1e-5 relative at a = 5e11, the Student t with ν = 10¹²).
    /// There, for b ≤ 1, the expansion in incomplete gamma functions is used instead; it gets better as a grows.
    static func logDirect(_ a: Double, _ b: Double, x: Double, y: Double, logFactor: Double) -> Double {
        if a >= 50, b <= 1, x > 0.367_879_441_171_442_33 {  // x > 1/e: σ = −ln x < 1, where the expansion converges fast
            return logIncompleteBetaLargeA(a, b, x: x, y: y)
        }
        return logFactor - log(a) - log(betaContinuedFraction(a, b, x))
    }

    /// ln Iₓ(a, b) when x is so small that it underflows as a Double, given ln x (y = 1 − x is then 1).
    ///
    /// The continued fraction is 1 + O((a + b) x), so Iₓ(a, b) = xᵃ / (a B(a, b)) to the last bit whenever
    /// (a + b) x < 1e-17; the Student t uses it beyond |t| = 10¹⁰⁰, where its tails fall like |t|^−ν.
    static func logIncompleteBetaNearZero(_ a: Double, _ b: Double, logX: Double) -> TailSplit {
        let logFactor = a * logX - logBeta(a, b)
        return .fromLower(logFactor - log(a), logSlope: logFactor)
    }

    /// ln B(a, b) = ln Γ(a) + ln Γ(b) − ln Γ(a + b), for moderate a and b (large ones cancel; see `betaLogFactor`).
    static func logBeta(_ a: Double, _ b: Double) -> Double {
        logGamma(a) + logGamma(b) - logGamma(a + b)
    }

    /// ln(xᵃ yᵇ / B(a, b)) = ½ ln(ab / 2πc) − D(cx, a) − D(cy, b) + s(c) − s(a) − s(b), with c = a + b.
    ///
    /// This follows from Stirling's formula for the three gammas of B(a, b) with the exact corrections s:
    /// a ln(cx/a) + b ln(cy/b) = −D(cx, a) − D(cy, b) because cx + cy = a + b. Written as
    /// a ln x + b ln y − ln B(a, b) it cancels about log₁₀(a + b) digits away (ln Γ of a large ν/2 is huge).
    static func betaLogFactor(_ a: Double, _ b: Double, x: Double, y: Double) -> Double {
        let c = a + b
        return 0.5 * (log(a) + log(b) - log(c)) - logSqrtTwoPi
            - deviance(c * x, a) - deviance(c * y, b)
            + stirlingCorrection(c) - stirlingCorrection(a) - stirlingCorrection(b)
    }

    /// The denominator g of Iₓ(a, b) = xᵃ yᵇ / (a B(a, b) g): g = 1 + d₁/(1 + d₂/(1 + …)) with
    /// d₂ₘ₊₁ = −(a + m)(a + b + m) x / ((a + 2m)(a + 2m + 1)) and d₂ₘ = m (b − m) x / ((a + 2m − 1)(a + 2m)).
    static func betaContinuedFraction(_ a: Double, _ b: Double, _ x: Double) -> Double {
        continuedFraction(b0: 1, maxTerms: 2000 + Int(20 * max(a, b).squareRoot())) { i in
            let m = (i / 2).rounded(.down)
            if i.truncatingRemainder(dividingBy: 2) == 1 {
                return (-(a + m) * (a + b + m) * x / ((a + 2 * m) * (a + 2 * m + 1)), 1)
            }
            return (m * (b - m) * x / ((a + 2 * m - 1) * (a + 2 * m)), 1)
        }
    }
}
