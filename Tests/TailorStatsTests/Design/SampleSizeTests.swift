import Foundation
import Testing

@testable import TailorStats

@Suite("Sample size for two proportions")
struct SampleSizeTests {
    @Test func cohensH() throws {
        #expect(isClose(try SampleSize.cohensH(treatment: 0.6, baseline: 0.5), 2 * asin(0.6.squareRoot()) - .pi / 2, 1e-14))
        #expect(isClose(try SampleSize.cohensH(treatment: 1, baseline: 0), .pi, 1e-15))
        #expect(throws: StatsError.self) { try SampleSize.cohensH(treatment: 1.1, baseline: 0.5) }
    }

    @Test func knownSizes() throws {
        // h = 2 asin √0.6 − 2 asin √0.5 = 0.201358; 2 ((1.959964 + 0.841621)/h)² = 387.17 → 388 (statsmodels 387.17).
        #expect(try SampleSize.perGroup(baseline: 0.5, minimumDetectableEffect: 0.1) == 388)
        // 10 % → 11 %: h = 0.0326294; 14744.10 → 14745 (statsmodels 14744.10).
        #expect(try SampleSize.perGroup(baseline: 0.1, minimumDetectableEffect: 0.01) == 14745)
        // Cohen's table for h = 0.2, α = 0.05 two-sided, power 0.8 lists n = 392 per group: 392.44 → 393.
        let z = try StandardNormal.quantile(0.975) + StandardNormal.quantile(0.8)
        #expect(Int((2 * (z / 0.2) * (z / 0.2)).rounded(.up)) == 393)
    }

    @Test func monotoneInItsArguments() throws {
        let base = try SampleSize.perGroup(baseline: 0.05, minimumDetectableEffect: 0.01)
        #expect(try SampleSize.perGroup(baseline: 0.05, minimumDetectableEffect: 0.02) < base)
        #expect(try SampleSize.perGroup(baseline: 0.05, minimumDetectableEffect: 0.01, power: 0.9) > base)
        #expect(try SampleSize.perGroup(baseline: 0.05, minimumDetectableEffect: 0.01, alpha: 0.01) > base)
        // A drop is allowed; the arcsine scale makes it a little easier to detect below 50 %.
        #expect(try SampleSize.perGroup(baseline: 0.05, minimumDetectableEffect: -0.01) < base)
    }

    @Test func refusesBadInput() {
        #expect(throws: StatsError.self) { try SampleSize.perGroup(baseline: 0, minimumDetectableEffect: 0.1) }
        #expect(throws: StatsError.self) { try SampleSize.perGroup(baseline: 0.5, minimumDetectableEffect: 0) }
        #expect(throws: StatsError.self) { try SampleSize.perGroup(baseline: 0.95, minimumDetectableEffect: 0.1) }
        #expect(throws: StatsError.self) { try SampleSize.perGroup(baseline: 0.5, minimumDetectableEffect: 0.1, power: 1) }
        #expect(throws: StatsError.self) { try SampleSize.perGroup(baseline: 0.5, minimumDetectableEffect: 0.1, alpha: 1.2) }
    }
}
