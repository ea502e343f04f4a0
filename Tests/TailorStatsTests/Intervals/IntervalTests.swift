import Testing

@testable import TailorStats

@Suite("Wilson and Newcombe intervals")
struct IntervalTests {
    /// Newcombe (1998), "Two-sided confidence intervals for the single proportion", Table I, method 3 (score).
    @Test(arguments: [
        (81, 263, 0.2553, 0.3662), (15, 148, 0.0624, 0.1605), (0, 20, 0.0, 0.1611), (1, 29, 0.0061, 0.1718),
    ])
    func wilsonMatchesNewcombesTable(successes: Int, trials: Int, lower: Double, upper: Double) throws {
        let interval = try BinomialCount(successes: successes, trials: trials).wilsonInterval(alpha: 0.05)
        #expect(abs(interval.lower - lower) < 5e-5)
        #expect(abs(interval.upper - upper) < 5e-5)
    }

    @Test func wilsonEdges() throws {
        let none = try BinomialCount(successes: 0, trials: 7).wilsonInterval()
        let all = try BinomialCount(successes: 7, trials: 7).wilsonInterval()
        #expect(none.lower == 0)
        #expect(all.upper == 1)
        // 0/n and n/n mirror each other.
        #expect(isClose(none.upper, 1 - all.lower, 1e-15))
        // A single trial still gives a proper interval.
        let one = try BinomialCount(successes: 1, trials: 1).wilsonInterval()
        #expect(one.lower > 0 && one.lower < 1 && one.upper == 1)
        // Wider at higher confidence, narrower with more data.
        let count = try BinomialCount(successes: 30, trials: 100)
        #expect(try count.wilsonInterval(alpha: 0.01).width > count.wilsonInterval(alpha: 0.05).width)
        #expect(try BinomialCount(successes: 300, trials: 1000).wilsonInterval().width < count.wilsonInterval().width)
    }

    /// Newcombe (1998), "Interval estimation for the difference between independent proportions", Table II,
    /// method 10 (hybrid score), examples (a)–(h). Rates are given there as first − second; b − a here.
    @Test(arguments: [
        (56, 70, 48, 80, 0.0524, 0.3339), (9, 10, 3, 10, 0.1705, 0.8090), (6, 7, 2, 7, 0.0582, 0.8062),
        (5, 56, 0, 29, -0.0381, 0.1926), (0, 10, 0, 20, -0.1611, 0.2775), (0, 10, 0, 10, -0.2775, 0.2775),
        (10, 10, 0, 20, 0.6791, 1.0000), (10, 10, 0, 10, 0.6075, 1.0000),
    ])
    func newcombeMatchesTableII(s1: Int, n1: Int, s2: Int, n2: Int, lower: Double, upper: Double) throws {
        let interval = try BinomialCount.newcombeInterval(
            a: BinomialCount(successes: s2, trials: n2),
            b: BinomialCount(successes: s1, trials: n1),
            alpha: 0.05
        )
        #expect(abs(interval.lower - lower) < 5e-5)
        #expect(abs(interval.upper - upper) < 5e-5)
    }

    @Test func newcombeIsAntisymmetric() throws {
        let a = try BinomialCount(successes: 12, trials: 400)
        let b = try BinomialCount(successes: 25, trials: 410)
        let forward = try BinomialCount.newcombeInterval(a: a, b: b)
        let backward = try BinomialCount.newcombeInterval(a: b, b: a)
        #expect(isClose(forward.lower, -backward.upper, 1e-15))
        #expect(isClose(forward.upper, -backward.lower, 1e-15))
        #expect(forward.contains(b.rate - a.rate))
    }

    @Test func refusesBadCountsAndLevels() throws {
        #expect(throws: StatsError.self) { try BinomialCount(successes: 3, trials: 0) }
        #expect(throws: StatsError.self) { try BinomialCount(successes: -1, trials: 5) }
        #expect(throws: StatsError.self) { try BinomialCount(successes: 6, trials: 5) }
        let count = try BinomialCount(successes: 1, trials: 5)
        for alpha in [0, 1, -0.1, Double.nan] {
            #expect(throws: StatsError.self) { try count.wilsonInterval(alpha: alpha) }
        }
    }
}
