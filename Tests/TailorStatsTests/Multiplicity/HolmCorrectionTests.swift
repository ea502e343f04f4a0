import Testing

@testable import TailorStats

@Suite("Holm correction")
struct HolmCorrectionTests {
    @Test func stepDownExample() throws {
        // Sorted: 0.005·4 = 0.02, 0.01·3 = 0.03, 0.03·2 = 0.06, then 0.04·1 = 0.04 is lifted to 0.06.
        let adjusted = try HolmCorrection.adjustedPValues([0.01, 0.04, 0.03, 0.005])
        let expected = [0.03, 0.06, 0.06, 0.02]
        for (a, e) in zip(adjusted, expected) { #expect(isClose(a, e, 1e-15)) }
    }

    @Test func cappedMonotoneAndNeverBelowRaw() throws {
        var g = SplitMix64(seed: 11)
        let raw = (0..<40).map { _ in g.unit() * g.unit() }
        let adjusted = try HolmCorrection.adjustedPValues(raw)
        for i in raw.indices {
            #expect(adjusted[i] >= raw[i] && adjusted[i] <= 1)
            for j in raw.indices where raw[i] <= raw[j] { #expect(adjusted[i] <= adjusted[j]) }
        }
        #expect(try HolmCorrection.adjustedPValues([0.5, 0.6]) == [1, 1])
        #expect(try HolmCorrection.adjustedPValues([0.02, 0.02]) == [0.04, 0.04])
        #expect(try HolmCorrection.adjustedPValues([0.3]) == [0.3])
        #expect(try HolmCorrection.adjustedPValues([]) == [])
    }

    @Test func refusesBadPValues() {
        #expect {
            try HolmCorrection.adjustedPValues([0.1, 1.2])
        } throws: { error in
            (error as? StatsError)?.message.contains("pValues[1]") == true
        }
        #expect(throws: StatsError.self) { try HolmCorrection.adjustedPValues([.nan]) }
    }
}
