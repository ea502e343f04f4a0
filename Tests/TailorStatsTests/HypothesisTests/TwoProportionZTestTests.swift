import Testing

@testable import TailorStats

@Suite("Two-proportion z-test")
struct TwoProportionZTestTests {
    @Test func matchesTheFormulaAndPearsonsChiSquare() throws {
        let a = try BinomialCount(successes: 56, trials: 70)
        let b = try BinomialCount(successes: 48, trials: 80)
        let test = try TwoProportionZTest(a: a, b: b)
        #expect(test.rateA == 0.8 && test.rateB == 0.6)
        #expect(isClose(test.difference, -0.2, 1e-15))
        let pooled = 104.0 / 150
        let se = (pooled * (1 - pooled) * (1.0 / 70 + 1.0 / 80)).squareRoot()
        #expect(isClose(test.z, -0.2 / se, 1e-14))
        #expect(isClose(test.pValue, 2 * StandardNormal.cdf(-0.2 / se), 1e-14))
        // z² is Pearson's χ² of the same 2 × 2 table, and the p-values agree.
        let table = try ContingencyTableTest([[56, 14], [48, 32]])
        #expect(isClose(test.z * test.z, table.chiSquare, 1e-13))
        #expect(isClose(test.pValue, table.pValue, 1e-12))
        // The interval is Newcombe's (Table II example (a), sign reversed).
        #expect(abs(test.interval.lower + 0.3339) < 5e-5 && abs(test.interval.upper + 0.0524) < 5e-5)
        #expect(test.confidenceLevel == 0.95)
    }

    @Test func swappingArmsNegates() throws {
        let a = try BinomialCount(successes: 130, trials: 1000)
        let b = try BinomialCount(successes: 160, trials: 1000)
        let forward = try TwoProportionZTest(a: a, b: b)
        let backward = try TwoProportionZTest(a: b, b: a)
        #expect(forward.z == -backward.z)
        #expect(forward.pValue == backward.pValue)
        #expect(isClose(forward.interval.lower, -backward.interval.upper, 1e-15))
    }

    @Test func allOrNothingArms() throws {
        // 0/N against 0/N (and N/N against N/N): equal rates, no evidence, a proper interval around 0.
        for successes in [0, 10] {
            let test = try TwoProportionZTest(
                a: BinomialCount(successes: successes, trials: 10),
                b: BinomialCount(successes: successes * 2, trials: 20)
            )
            #expect(test.z == 0 && test.pValue == 1 && test.standardError == 0)
            #expect(test.interval.lower < 0 && test.interval.upper > 0)
        }
        // 0/N against N/N: the largest possible z for these sizes, interval short of ±1 only by Wilson's margin.
        let extreme = try TwoProportionZTest(a: BinomialCount(successes: 0, trials: 10), b: BinomialCount(successes: 10, trials: 10))
        #expect(isClose(extreme.z, 20.0.squareRoot(), 1e-15))
        #expect(extreme.interval.upper == 1)
        // Tiny arms.
        let tiny = try TwoProportionZTest(a: BinomialCount(successes: 0, trials: 1), b: BinomialCount(successes: 1, trials: 1))
        #expect(tiny.pValue > 0.05)
    }

    @Test func refusesBadLevels() throws {
        let a = try BinomialCount(successes: 1, trials: 2)
        #expect(throws: StatsError.self) { try TwoProportionZTest(a: a, b: a, alpha: 1) }
    }
}
