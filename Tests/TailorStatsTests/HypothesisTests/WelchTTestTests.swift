import Testing

@testable import TailorStats

@Suite("Welch's t-test")
struct WelchTTestTests {
    @Test func exactSmallExample() throws {
        // a: mean 3, variance 5/2; b: mean 17/2, variance 7/2. s²/n: 1/2 and 7/12, sum 13/12.
        // ν = (13/12)² / ((1/2)²/4 + (7/12)²/5) = 845/94.
        let test = try WelchTTest(a: [1, 2, 3, 4, 5], b: [6, 7, 8, 9, 10, 11])
        #expect(test.meanA == 3 && test.meanB == 8.5 && test.difference == 5.5)
        #expect(isClose(test.standardError, (13.0 / 12).squareRoot(), 1e-15))
        #expect(isClose(test.t, 5.5 / (13.0 / 12).squareRoot(), 1e-15))
        #expect(isClose(test.degreesOfFreedom, 845.0 / 94, 1e-15))
        // scipy.stats.ttest_ind(a, b, equal_var=False) gives p = 0.0005062450059388581 and the interval
        // (3.145047356035583, 7.854952643964417) for b − a.
        #expect(isClose(test.pValue, 0.000_506_245_005_938_858_1, 1e-12))
        #expect(isClose(test.interval.lower, 3.145_047_356_035_583, 1e-12))
        #expect(isClose(test.interval.upper, 7.854_952_643_964_417, 1e-12))
    }

    @Test func swappingGroupsNegates() throws {
        let a = [2.1, 3.5, 2.2, 4.8, 3.3, 2.9]
        let b = [4.1, 5.0, 3.9, 6.2]
        let forward = try WelchTTest(a: a, b: b)
        let backward = try WelchTTest(a: b, b: a)
        #expect(forward.t == -backward.t)
        #expect(forward.degreesOfFreedom == backward.degreesOfFreedom)
        #expect(forward.pValue == backward.pValue)
        #expect(isClose(forward.interval.lower, -backward.interval.upper, 1e-14))
    }

    @Test func largeSamplesApproachTheZTest() throws {
        let a = try SampleSummary(count: 1_000_000, mean: 10, variance: 4)
        let b = try SampleSummary(count: 1_000_000, mean: 10.01, variance: 4)
        let test = try WelchTTest(a: a, b: b)
        let z = 0.01 / (8.0 / 1_000_000).squareRoot()
        #expect(isClose(test.t, z, 1e-9))
        #expect(isClose(test.pValue, 2 * StandardNormal.cdf(-z), 1e-4))  // t's tail is heavier by about (z³ + z)/4ν relative
        #expect(isClose(test.degreesOfFreedom, 1_999_998, 1e-12))
    }

    @Test func oneConstantGroupIsFine() throws {
        let test = try WelchTTest(a: [5, 5, 5, 5], b: [1, 2, 3])
        #expect(test.degreesOfFreedom == 2)  // all of the variance is b's: ν = n_b − 1
        #expect(test.difference == -3)
    }

    @Test func refusesBadInput() {
        #expect(throws: StatsError.self) { try WelchTTest(a: [1], b: [1, 2]) }
        #expect(throws: StatsError.self) { try WelchTTest(a: [1, 2], b: []) }
        #expect(throws: StatsError.self) { try WelchTTest(a: [1, .nan], b: [1, 2]) }
        #expect(throws: StatsError.self) { try WelchTTest(a: [1, 2], b: [3, 4], alpha: 0) }
        #expect {
            try WelchTTest(a: [2, 2, 2], b: [3, 3])
        } throws: { error in
            (error as? StatsError)?.code == .degenerate
        }
        #expect(throws: StatsError.self) { try SampleSummary(count: 0, mean: 0, variance: 0) }
        #expect(throws: StatsError.self) { try SampleSummary(count: 3, mean: 0, variance: -1) }
    }
}
