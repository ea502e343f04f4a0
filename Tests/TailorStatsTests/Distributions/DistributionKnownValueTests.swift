import Foundation
import Testing

@testable import TailorStats

/// Reference values are from tables and closed forms; the long constants were computed with mpmath at
/// 30 significant digits.
@Suite("Distributions: known values and identities")
struct DistributionKnownValueTests {
    @Test func normalTableValues() throws {
        #expect(StandardNormal.cdf(0) == 0.5)
        #expect(isClose(StandardNormal.cdf(-1), 0.158_655_253_931_457_05, 1e-14))
        #expect(isClose(StandardNormal.cdf(-10), 7.619_853_024_160_526e-24, 1e-14))
        #expect(isClose(StandardNormal.cdf(-37.5), 4.605_353_009_581_955e-308, 1e-13))
        #expect(isClose(StandardNormal.cdf(1.959_963_984_540_054), 0.975, 1e-15))
        #expect(isClose(try StandardNormal.quantile(0.975), 1.959_963_984_540_054, 1e-14))
        #expect(isClose(try StandardNormal.quantile(0.995), 2.575_829_303_548_900_4, 1e-14))
        #expect(isClose(try StandardNormal.quantile(0.8), 0.841_621_233_572_914_3, 1e-14))
        #expect(isClose(StandardNormal.density(0), 0.398_942_280_401_432_7, 1e-15))
    }

    @Test func normalSymmetryAndRoundTrip() throws {
        for x in stride(from: -8.0, through: 8.0, by: 0.37) {
            #expect(isClose(StandardNormal.cdf(x) + StandardNormal.cdf(-x), 1, 1e-15))
            #expect(StandardNormal.survival(x) == StandardNormal.cdf(-x))
        }
        for p in [1e-300, 1e-100, 1e-20, 1e-8, 0.001, 0.1, 0.3, 0.4999, 0.5001, 0.7, 0.99] {
            let x = try StandardNormal.quantile(p)
            #expect(isClose(StandardNormal.cdf(x), p, 1e-12), "Φ(Φ⁻¹(\(p)))")  // p moves x² times as much as x
        }
        for p in [0.25, 0.375, 0.125, 0.0625] {  // 1 − p is exact for these, so the quantiles must mirror exactly
            #expect(try StandardNormal.quantile(1 - p) == -StandardNormal.quantile(p))
        }
        // Near the median the quantile keeps its relative accuracy: Φ⁻¹(½ + ε) ≈ ε √(2π).
        #expect(isClose(try StandardNormal.quantile(0.5 + 1e-12), (0.5 + 1e-12 - 0.5) * (2 * Double.pi).squareRoot(), 1e-9))
    }

    @Test func studentClosedForms() throws {
        // ν = 1 is the Cauchy distribution, ν = 2 has F(t) = ½ + t / (2√(2 + t²)).
        let cauchy = try StudentT(degreesOfFreedom: 1)
        let two = try StudentT(degreesOfFreedom: 2)
        for t in [-1e300, -1e120, -1e8, -300, -12.5, -3, -1, -0.2, -1e-9, 0, 1e-7, 0.7, 2, 40, 1e6] {
            // Written for t < 0 without the cancellation of ½ + (something close to −½).
            let cauchyCDF = t < 0 ? -atan(1 / t) / .pi : 0.5 + atan(t) / .pi
            #expect(isClose(cauchy.cdf(t), cauchyCDF, 1e-13), "Cauchy cdf(\(t))")
            if abs(t) < 1e150 {
                let root = (2 + t * t).squareRoot()
                let twoCDF = t < 0 ? 1 / (root * (root - t)) : 0.5 + t / (2 * root)
                #expect(isClose(two.cdf(t), twoCDF, 1e-13), "ν = 2 cdf(\(t))")
            }
        }
        #expect(try cauchy.quantile(0.5) == 0)
        for p in [1e-300, 1e-30, 1e-5, 0.02, 0.3, 0.6, 0.97, 1 - 1e-9] {
            // The Cauchy quantile is −cot(πp); from the smaller tail q (exact) it is ∓1/tan(πq).
            let q = min(p, 1 - p)
            let expected = q < 1e-100 ? 1 / (Double.pi * q) : 1 / tan(.pi * q)
            #expect(isClose(try cauchy.quantile(p), p < 0.5 ? -expected : expected, 1e-13), "Cauchy quantile(\(p))")
        }
    }

    @Test func studentTableValues() throws {
        #expect(isClose(try StudentT(degreesOfFreedom: 10).quantile(0.975), 2.228_138_851_986_274_7, 1e-14))
        #expect(isClose(try StudentT(degreesOfFreedom: 3).cdf(-40), 1.719_034_039_457_926_4e-5, 1e-13))
        // Real degrees of freedom: the quantile inverts the CDF.
        for nu in [0.3, 1.7, 8.25, 123.4] {
            let t = try StudentT(degreesOfFreedom: nu)
            for p in [1e-12, 0.01, 0.25, 0.5, 0.8] {
                #expect(isClose(t.cdf(try t.quantile(p)), p, 1e-12), "ν = \(nu), p = \(p)")
            }
        }
    }

    @Test func studentApproachesNormal() throws {
        // The t CDF falls towards Φ as ν grows (the difference is about φ(t)(t³ + t)/4ν).
        var previous = 1.0
        for nu in [1.0, 10, 100, 1e4, 1e6, 1e9] {
            let gap = abs(try StudentT(degreesOfFreedom: nu).cdf(-2) - StandardNormal.cdf(-2))
            #expect(gap < previous)
            #expect(gap < 0.2 / nu)
            previous = gap
        }
        let infinite = try StudentT(degreesOfFreedom: .infinity)
        #expect(infinite.cdf(-1.5) == StandardNormal.cdf(-1.5))
        #expect(try infinite.quantile(0.9) == StandardNormal.quantile(0.9))
        #expect(isClose(try StudentT(degreesOfFreedom: 1e12).cdf(-2.5), StandardNormal.cdf(-2.5), 1e-10))
    }

    @Test func studentSymmetry() throws {
        let t = try StudentT(degreesOfFreedom: 4.5)
        for x in [0.01, 0.5, 1.9, 7, 60] {
            #expect(isClose(t.cdf(x) + t.cdf(-x), 1, 1e-15))
            #expect(t.survival(x) == t.cdf(-x))
        }
    }

    @Test func chiSquaredClosedForms() throws {
        // k = 2: P(X ≤ x) = 1 − e^(−x/2); k = 1: P(X > x) = 2Φ(−√x).
        let two = try ChiSquared(degreesOfFreedom: 2)
        let one = try ChiSquared(degreesOfFreedom: 1)
        for x in [1e-12, 0.3, 2, 9, 50, 700, 1400] {
            #expect(isClose(two.survival(x), exp(-x / 2), 1e-13), "k = 2 survival(\(x))")
            #expect(isClose(two.cdf(x), -expm1(-x / 2), 1e-13), "k = 2 cdf(\(x))")
            #expect(isClose(one.survival(x), 2 * StandardNormal.cdf(-x.squareRoot()), 1e-12), "k = 1 survival(\(x))")
        }
        for p in [1e-200, 1e-6, 0.3, 0.95, 1 - 1e-12] {
            #expect(isClose(try two.quantile(p), -2 * log1p(-p), 1e-13), "k = 2 quantile(\(p))")
        }
        #expect(isClose(try one.quantile(0.95), 3.841_458_820_694_125_9, 1e-14))
        #expect(isClose(try ChiSquared(degreesOfFreedom: 10).quantile(0.95), 18.307_038_053_275_147, 1e-14))
        #expect(isClose(try ChiSquared(degreesOfFreedom: 1000).survival(1400), 7.032_145_641_828_589e-16, 1e-12))
    }

    @Test func edgesAndErrors() throws {
        #expect(try StandardNormal.quantile(0) == -.infinity)
        #expect(try StandardNormal.quantile(1) == .infinity)
        #expect(try StudentT(degreesOfFreedom: 3).quantile(0) == -.infinity)
        #expect(try ChiSquared(degreesOfFreedom: 3).quantile(0) == 0)
        #expect(try ChiSquared(degreesOfFreedom: 3).quantile(1) == .infinity)
        #expect(try ChiSquared(degreesOfFreedom: 3).cdf(-1) == 0)
        #expect(try ChiSquared(degreesOfFreedom: 3).survival(0) == 1)
        #expect(StandardNormal.cdf(.nan).isNaN)
        #expect(StandardNormal.cdf(-.infinity) == 0)
        #expect(StandardNormal.cdf(.infinity) == 1)
        #expect(try StudentT(degreesOfFreedom: 2).cdf(.infinity) == 1)
        for p in [-0.1, 1.5, Double.nan] {
            #expect(throws: StatsError.self) { try StandardNormal.quantile(p) }
            #expect(throws: StatsError.self) { try StudentT(degreesOfFreedom: 2).quantile(p) }
            #expect(throws: StatsError.self) { try ChiSquared(degreesOfFreedom: 2).quantile(p) }
        }
        for df in [0, -1, Double.nan] {
            #expect(throws: StatsError.self) { try StudentT(degreesOfFreedom: df) }
            #expect(throws: StatsError.self) { try ChiSquared(degreesOfFreedom: df) }
        }
        #expect(throws: StatsError.self) { try ChiSquared(degreesOfFreedom: .infinity) }
        do {
            _ = try StudentT(degreesOfFreedom: -2)
        } catch {
            #expect(error.code == .invalidArgument)
            #expect(error.description.contains("degrees of freedom"))
        }
    }
}
