import Foundation
import Testing

@testable import TailorStats

@Suite("mSPRT: formula, monotonicity, confidence sequence, batch API")
struct MixtureSPRTTests {
    @Test func likelihoodRatioMatchesTheFormula() throws {
        // Known V = 2, τ² = 0.5, θ₀ = 0: Λₙ = √(V/(V + nτ²)) · exp(n²τ² D̄² / (2V(V + nτ²))).
        var test = try MixtureSPRT(.init(metric: .mean(variance: .known(2)), mixing: .fixed(0.5), minimumPairs: 1))
        let a = [0.3, -1.2, 0.8, 0.1, 2.0]
        let b = [1.1, 0.4, 0.2, 1.7, 0.9]
        var smallest = 1.0
        for i in a.indices {
            try test.observe(a: a[i], b: b[i])
            let n = Double(i + 1)
            let d = zip(a[...i], b[...i]).map { $1 - $0 }.reduce(0, +) / n
            let v = 2.0
            let tau2 = 0.5
            let logLambda = 0.5 * log(v / (v + n * tau2)) + n * n * tau2 * d * d / (2 * v * (v + n * tau2))
            #expect(isClose(test.difference, d, 1e-14))
            #expect(isClose(test.logLikelihoodRatio, logLambda, 1e-13))
            smallest = min(smallest, exp(-logLambda))
            #expect(isClose(test.pValue, smallest, 1e-13))
            // The half-width: V(V + nτ²)/(n²τ²) · (ln((V + nτ²)/V) − 2 ln α).
            let w = (v * (v + n * tau2) / (n * n * tau2) * (log((v + n * tau2) / v) - 2 * log(0.05))).squareRoot()
            if i == 0 {
                #expect(isClose(test.interval!.lower, d - w, 1e-13) && isClose(test.interval!.upper, d + w, 1e-13))
            }
        }
    }

    @Test func tunedMixingIsOptimalForItsHorizon() {
        let r = MixtureSPRT.optimalRatio(alpha: 0.05)
        #expect(isClose(r, log1p(r) + 2 * log(20.0), 1e-15))
        #expect(abs(r - 8.2) < 0.05)
        // The half-width factor (1 + 1/r)(ln(1 + r) + 2 ln(1/α)) is smallest at that r.
        func factor(_ r: Double) -> Double { (1 + 1 / r) * (log1p(r) + 2 * log(20.0)) }
        #expect(factor(r) < factor(r * 0.9) && factor(r) < factor(r * 1.1))
    }

    @Test func pValueNeverRisesAndAgreesWithTheInterval() throws {
        var g = SplitMix64(seed: 21)
        for effect in [0.0, 0.15] {
            var test = try MixtureSPRT(.init(mixing: .tuned(pairs: 2000)))
            var previous = 1.0
            for _ in 0..<3000 {
                try test.observe(a: g.normal(), b: g.normal() + effect)
                #expect(test.pValue <= previous)
                previous = test.pValue
                // θ₀ = 0 is outside the confidence sequence exactly when p ≤ α.
                let excluded = !(test.interval?.contains(0) ?? false)
                #expect(excluded == test.isRejected)
            }
            if effect > 0 { #expect(test.isRejected) }
        }
    }

    @Test func waitsForTheMinimumPairs() throws {
        var test = try MixtureSPRT(.init(minimumPairs: 50))
        for i in 0..<49 {
            try test.observe(a: 0, b: Double(i % 7) + 10)  // a huge difference, but too early
            #expect(test.pValue == 1 && test.interval == .everything)
        }
        try test.observe(a: 0, b: 10)
        #expect(test.pValue < 1e-6)
    }

    @Test func proportionsWithoutVariationCarryNoEvidence() throws {
        var test = try MixtureSPRT(.init(metric: .proportion, minimumPairs: 1))
        for _ in 0..<200 { test.observe(a: false, b: false) }
        #expect(test.pValue == 1)
        #expect(throws: StatsError.self) { try test.observe(a: 0.5, b: 1) }
        #expect(test.pairs == 200)  // a refused pair changes nothing
    }

    @Test func batchMatchesStreaming() throws {
        var g = SplitMix64(seed: 5)
        let a = (0..<1500).map { _ in g.bernoulli(0.10) }
        let b = (0..<1500).map { _ in g.bernoulli(0.16) }
        let result = try MixtureSPRT.run(a: a, b: b, configuration: .init(metric: .proportion, mixing: .tuned(pairs: 1500)))
        #expect(result.pValues.count == 1500)
        var test = try MixtureSPRT(.init(metric: .proportion, mixing: .tuned(pairs: 1500)))
        for i in a.indices {
            test.observe(a: a[i], b: b[i])
            #expect(result.pValues[i] == test.pValue)
        }
        let first = result.pValues.firstIndex { $0 <= 0.05 }
        #expect(result.rejectAt == first)
        #expect(result.rejectAt != nil)
        #expect(result.interval == test.interval)
        // Encoded with the names the other tools use.
        let json = String(decoding: try JSONEncoder().encode(result), as: UTF8.self)
        #expect(json.contains("\"p_values\"") && json.contains("\"reject_at\""))
        let none = try MixtureSPRT.run(a: [1, 2, 3], b: [1, 2, 3])
        #expect(none.rejectAt == nil && none.pValues == [1, 1, 1])
        // Before the test starts the interval is the whole line, encoded with null bounds, and it round-trips.
        let encoded = try JSONEncoder().encode(none)
        #expect(String(decoding: encoded, as: UTF8.self).contains("\"lower\":null"))
        #expect(try JSONDecoder().decode(MixtureSPRT.Outcome.self, from: encoded) == none)
    }

    @Test func refusesBadInput() {
        #expect {
            try MixtureSPRT.run(a: [1, 2], b: [1])
        } throws: { error in
            (error as? StatsError)?.code == .insufficientData
        }
        #expect {
            try MixtureSPRT.run(a: [1, .nan], b: [1, 2])
        } throws: { error in
            (error as? StatsError)?.message.hasPrefix("pair 1:") == true
        }
        #expect(throws: StatsError.self) { try MixtureSPRT.run(a: [0, 2], b: [1, 1], configuration: .init(metric: .proportion)) }
        let bad: [MixtureSPRT.Configuration] = [
            .init(alpha: 0), .init(alpha: 1), .init(mixing: .fixed(0)), .init(mixing: .fixed(.infinity)),
            .init(mixing: .tuned(pairs: 0)), .init(minimumPairs: 0), .init(nullDifference: .nan),
            .init(metric: .mean(variance: .known(0))),
        ]
        for configuration in bad {
            #expect(throws: StatsError.self) { try MixtureSPRT(configuration) }
        }
    }
}
