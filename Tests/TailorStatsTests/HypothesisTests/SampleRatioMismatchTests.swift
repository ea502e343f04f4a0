import Testing

@testable import TailorStats

@Suite("Sample-ratio mismatch")
struct SampleRatioMismatchTests {
    @Test func equalSplit() throws {
        // 50,123 against 49,877: χ² = 2 · 123² / 50,000 = 0.60516, one degree of freedom.
        let check = try SampleRatioMismatch(observed: [50123, 49877])
        #expect(isClose(check.chiSquare, 0.60516, 1e-14))
        #expect(check.degreesOfFreedom == 1)
        #expect(isClose(check.pValue, 2 * StandardNormal.cdf(-0.60516.squareRoot()), 1e-14))
        #expect(check.expected == [50000, 50000])
    }

    @Test func weightedSplitAndScaleFreeWeights() throws {
        let a = try SampleRatioMismatch(observed: [900, 2100], weights: [0.3, 0.7])
        let b = try SampleRatioMismatch(observed: [900, 2100], weights: [30, 70])
        #expect(a.chiSquare < 1e-20 && isClose(a.pValue, 1, 1e-15))
        #expect(isClose(a.chiSquare, b.chiSquare, 1e-15) || a.chiSquare < 1e-20)
        // A broken 50/50 split is flagged.
        let broken = try SampleRatioMismatch(observed: [10_000, 10_500])
        #expect(broken.pValue < 0.001)
    }

    @Test func refusesBadInput() {
        #expect(throws: StatsError.self) { try SampleRatioMismatch(observed: [5]) }
        #expect(throws: StatsError.self) { try SampleRatioMismatch(observed: [0, 0]) }
        #expect(throws: StatsError.self) { try SampleRatioMismatch(observed: [5, -1]) }
        #expect(throws: StatsError.self) { try SampleRatioMismatch(observed: [5, 5], weights: [1]) }
        #expect(throws: StatsError.self) { try SampleRatioMismatch(observed: [5, 5], weights: [1, 0]) }
        #expect(throws: StatsError.self) { try SampleRatioMismatch(observed: [5, 5], weights: [1, .infinity]) }
    }
}
