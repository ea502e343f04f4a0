import Testing

@testable import TailorStats

@Suite("CUPED")
struct CUPEDTests {
    @Test func exactLinearRelationRemovesAllVariance() throws {
        let cuped = try CUPED(metric: [3, 5, 7, 9], covariate: [1, 2, 3, 4])
        #expect(isClose(cuped.theta, 2, 1e-15))
        #expect(cuped.covariateMean == 2.5)
        #expect(cuped.adjustedMetric.allSatisfy { isClose($0, 6, 1e-15) })
        #expect(isClose(cuped.varianceReduction, 1, 1e-15))
        #expect(isClose(cuped.adjust(metric: 11, covariate: 5), 6, 1e-15))
    }

    @Test func reductionIsTheSquaredCorrelation() throws {
        var g = SplitMix64(seed: 3)
        let x = (0..<5000).map { _ in g.normal() }
        let y = x.map { 2 + 0.6 * $0 + 0.8 * g.normal() }  // ρ = 0.6
        let cuped = try CUPED(metric: y, covariate: x)
        #expect(abs(cuped.theta - 0.6) < 0.03)
        #expect(abs(cuped.varianceReduction - 0.36) < 0.03)
        // The adjustment keeps the mean: Σ θ(X − mean X) = 0.
        let meanY = y.reduce(0, +) / 5000
        let meanAdjusted = cuped.adjustedMetric.reduce(0, +) / 5000
        #expect(isClose(meanY, meanAdjusted, 1e-12))
    }

    @Test func unrelatedCovariateRemovesNothing() throws {
        let cuped = try CUPED(metric: [1, 2, 1, 2], covariate: [1, 1, 2, 2])
        #expect(cuped.theta == 0)
        #expect(cuped.varianceReduction == 0)
    }

    @Test func refusesBadInput() {
        #expect {
            try CUPED(metric: [1, 2, 3], covariate: [4, 4, 4])
        } throws: { error in
            (error as? StatsError)?.code == .degenerate
        }
        #expect(throws: StatsError.self) { try CUPED(metric: [1, 2], covariate: [1]) }
        #expect(throws: StatsError.self) { try CUPED(metric: [1], covariate: [1]) }
        #expect(throws: StatsError.self) { try CUPED(metric: [1, .infinity], covariate: [1, 2]) }
    }
}
