import Testing

@testable import TailorStats

/// The property that justifies the mSPRT: under the null, the chance that the always-valid p-value *ever*
/// reaches α is at most α, while a fixed-horizon test looked at repeatedly rejects far more often.
///
/// 300 seeded streams of 1,000 pairs each. With a true rate of α = 0.05 the count of streams that ever reject
/// has a standard deviation of about √(300 · 0.05 · 0.95) ≈ 3.8, so the bound checked is 0.05 + 2.5 · 0.0126.
@Suite("Always-valid property, by simulation")
struct AlwaysValidSimulationTests {
    static let streams = 300
    static let pairs = 1000
    static let bound = 0.05 + 2.5 * (0.05 * 0.95 / 300).squareRoot()

    /// The fraction of streams whose mSPRT ever rejects, and of streams whose fixed-horizon test rejects at any
    /// of ten looks (after every 100 pairs).
    static func rejectionRates(
        seed: UInt64,
        metric: MixtureSPRT.Metric,
        draw: (inout SplitMix64) -> (Double, Double)
    ) throws -> (alwaysValid: Double, peeked: Double) {
        var g = SplitMix64(seed: seed)
        var alwaysValid = 0
        var peeked = 0
        for _ in 0..<streams {
            var test = try MixtureSPRT(.init(metric: metric, mixing: .tuned(pairs: pairs)))
            var a: [Double] = []
            var b: [Double] = []
            var peekRejected = false
            for n in 1...pairs {
                let (x, y) = draw(&g)
                a.append(x)
                b.append(y)
                try test.observe(a: x, b: y)
                if n % 100 == 0, !peekRejected {
                    let p: Double
                    if case .proportion = metric {
                        p = try TwoProportionZTest(
                            a: BinomialCount(successes: Int(a.reduce(0, +)), trials: n),
                            b: BinomialCount(successes: Int(b.reduce(0, +)), trials: n)
                        ).pValue
                    } else {
                        p = try WelchTTest(a: a, b: b).pValue
                    }
                    peekRejected = p <= 0.05
                }
            }
            if test.rejectedAt != nil { alwaysValid += 1 }
            if peekRejected { peeked += 1 }
        }
        return (Double(alwaysValid) / Double(streams), Double(peeked) / Double(streams))
    }

    @Test func meansUnderTheNull() throws {
        let rates = try Self.rejectionRates(seed: 101, metric: .mean()) { g in (g.normal(), g.normal()) }
        print("A/A means: mSPRT ever rejects \(rates.alwaysValid), z-test peeked ten times \(rates.peeked)")
        #expect(rates.alwaysValid <= Self.bound)
        #expect(rates.peeked > 0.1)  // about 0.19 in theory for ten looks
        #expect(rates.peeked > rates.alwaysValid + 0.05)
    }

    @Test func proportionsUnderTheNull() throws {
        let rates = try Self.rejectionRates(seed: 202, metric: .proportion) { g in
            (g.bernoulli(0.1) ? 1 : 0, g.bernoulli(0.1) ? 1 : 0)
        }
        print("A/A proportions: mSPRT ever rejects \(rates.alwaysValid), z-test peeked ten times \(rates.peeked)")
        #expect(rates.alwaysValid <= Self.bound)
        #expect(rates.peeked > 0.1)
        #expect(rates.peeked > rates.alwaysValid + 0.05)
    }

    @Test func realEffectsAreFound() throws {
        let means = try Self.rejectionRates(seed: 303, metric: .mean()) { g in (g.normal(), g.normal() + 0.25) }
        let proportions = try Self.rejectionRates(seed: 404, metric: .proportion) { g in
            (g.bernoulli(0.10) ? 1 : 0, g.bernoulli(0.18) ? 1 : 0)
        }
        print("A/B: mSPRT rejects means \(means.alwaysValid), proportions \(proportions.alwaysValid)")
        #expect(means.alwaysValid >= 0.9)
        #expect(proportions.alwaysValid >= 0.9)
    }
}
