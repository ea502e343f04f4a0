import Foundation
import Testing

@testable import TailorStats

@Suite("Special functions")
struct SpecialFunctionTests {
    @Test func logGamma() {
        #expect(abs(Special.logGamma(1)) < 1e-15)
        #expect(abs(Special.logGamma(2)) < 1e-15)
        #expect(isClose(Special.logGamma(0.5), 0.572_364_942_924_700_087, 1e-15))
        #expect(isClose(Special.logGamma(10), log(362_880.0), 1e-15))
        #expect(isClose(Special.logGamma(100), 359.134_205_369_575_398_8, 1e-15))
        #expect(isClose(Special.logGamma(1e-5), 11.512_919_692_895_825_6, 1e-15))
        #expect(isClose(Special.logGamma(1e10), 220_258_509_288.810_581_47, 1e-15))
    }

    @Test func devianceHasNoCancellation() {
        // D(x, m) = x − m − m ln(x/m); near x = m it is (x − m)²/2m to first order.
        #expect(Special.deviance(5, 5) == 0)
        let m = 1e12
        #expect(isClose(Special.deviance(m + 1, m), 1 / (2 * m), 1e-9))
        #expect(isClose(Special.deviance(3, 1), 2 - log(3), 1e-15))
        #expect(Special.deviance(0, 2) == .infinity)
    }

    @Test func incompleteGammaClosedForms() {
        // a = 1: P = 1 − e^(−x).
        for x in [1e-10, 0.5, 1.9, 2.1, 30, 600] {
            let split = Special.incompleteGamma(1, x)
            #expect(isClose(split.lower, -expm1(-x), 1e-14))
            #expect(isClose(split.upper, exp(-x), 1e-13))
        }
    }

    @Test func incompleteBetaClosedFormsAndExpansion() {
        // b = 1: Iₓ(a, 1) = xᵃ, including the large-a expansion's region (a ≥ 50, x > 1/e).
        for (a, x) in [(2.0, 0.3), (60.0, 0.99), (1e6, 1 - 1e-6), (0.5, 0.9)] {
            let split = Special.incompleteBeta(a, 1, x: x, y: 1 - x)
            #expect(isClose(split.lower, pow(x, a), 1e-12), "a = \(a), x = \(x)")
        }
        // The expansion and the continued fraction agree where both are accurate.
        for (a, x) in [(60.0, 0.9), (80.0, 0.95)] {
            let expansion = Special.logIncompleteBetaLargeA(a, 0.5, x: x, y: 1 - x)
            let factor = Special.betaLogFactor(a, 0.5, x: x, y: 1 - x)
            let fraction = factor - log(a) - log(Special.betaContinuedFraction(a, 0.5, x))
            #expect(isClose(expansion, fraction, 1e-13), "a = \(a), x = \(x)")
        }
    }
}
