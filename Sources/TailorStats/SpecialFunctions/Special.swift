import Foundation

/// The special functions behind the distributions: log-gamma, the regularized incomplete gamma and beta
/// functions, and the pieces that keep them accurate in the tails.
///
/// Everything is written so that probabilities keep their *relative* accuracy far into the tails: the
/// exponentials are assembled from terms that do not cancel (see `deviance` and `stirlingCorrection`), and
/// the tail that is small is always the one computed directly, never as 1 − (something close to 1).
enum Special {
    /// ln √(2π).
    static let logSqrtTwoPi = 0.918_938_533_204_672_741_78
    /// 1 / √(2π).
    static let inverseSqrtTwoPi = 0.398_942_280_401_432_677_94

    /// The error of Stirling's formula: s(z) = ln Γ(z) − [(z − ½) ln z − z + ½ ln 2π], for z > 0.
    ///
    /// For z ≥ 10 the asymptotic series Σ B₂ₖ / (2k(2k − 1) z²ᵏ⁻¹) with seven terms is used; the first term left
    /// out is below 3e-17 in absolute value, beneath the rounding of everything s is added to. Below 10 the
    /// recurrence s(z) = s(z + 1) + (z + ½) ln(1 + 1/z) − 1 climbs there; each step is small and adds only
    /// rounding of its own size.
    static func stirlingCorrection(_ z: Double) -> Double {
        var z = z
        var shift = 0.0
        while z < 10 {
            shift += (z + 0.5) * log1p(1 / z) - 1
            z += 1
        }
        let r = 1 / z
        let r2 = r * r
        // 1/12, 1/360, 1/1260, 1/1680, 1/1188, 691/360360, 1/156: B₂ₖ / (2k(2k − 1)) for k = 1…7, signs alternating.
        let series = r * (1.0 / 12 - r2 * (1.0 / 360 - r2 * (1.0 / 1260 - r2 * (1.0 / 1680 - r2 * (1.0 / 1188 - r2 * (691.0 / 360_360 - r2 / 156))))))
        return shift + series
    }

    /// ln Γ(z) for z > 0, from Stirling's formula and its correction.
    ///
    /// Absolute accuracy is a few ulps of max(1, |ln Γ(z)|), which is what the callers need: they exponentiate.
    static func logGamma(_ z: Double) -> Double {
        (z - 0.5) * log(z) - z + logSqrtTwoPi + stirlingCorrection(z)
    }

    /// D(x, m) = x − m − m ln(x / m) ≥ 0, for x ≥ 0 and m > 0: the part of ln(xᵐ e⁻ˣ) that is not a plain
    /// function of m (ln(xᵐ e⁻ˣ) = m ln m − m − D(x, m)).
    ///
    /// Written directly it cancels catastrophically when x ≈ m (a large m makes x − m and m ln(x/m) both big
    /// and nearly equal), which is exactly where the incomplete gamma and beta functions spend their mass. Near
    /// x = m it is summed instead from the series in v = (x − m)/(x + m):
    /// D = (x − m) v − 2m Σⱼ≥₁ v²ʲ⁺¹/(2j + 1), whose terms shrink by v² ≤ 0.01 and never cancel.
    static func deviance(_ x: Double, _ m: Double) -> Double {
        let d = x - m
        if abs(d) < 0.1 * (x + m) {
            let v = d / (x + m)
            let v2 = v * v
            var power = v
            var sum = 0.0
            var j = 1.0
            while j < 100 {
                power *= v2
                let term = power / (2 * j + 1)
                sum += term
                if abs(term) <= 1e-17 * abs(sum) { break }
                j += 1
            }
            return d * v - 2 * m * sum
        }
        let ratio = x / m
        // x/m can overflow or underflow for extreme pairs; the difference of logs cannot.
        let logRatio = ratio.isNormal && ratio.isFinite ? log(ratio) : log(x) - log(m)
        return d - m * logRatio
    }

    /// ln(1 − eˣ) for x ≤ 0, accurate on both sides of x = −ln 2: expm1 where eˣ is close to 1, log1p where it
    /// is small (Mächler 2012, "Accurately computing log(1 − exp(−|a|))").
    static func log1mexp(_ x: Double) -> Double {
        if x > -0.693_147_180_559_945_3 { return log(-expm1(x)) }
        return log1p(-exp(x))
    }
}
