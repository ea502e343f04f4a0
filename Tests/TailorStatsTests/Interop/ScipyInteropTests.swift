import Foundation
import Testing

@testable import TailorStats

/// TailorStats against scipy 1.17.1 (Peers/stats_peer.py), through `TAILOR_PYTHON`.
///
/// Skipped when `TAILOR_PYTHON` is unset; when it is set (as `scripts/test` and CI set it) the peer must run and
/// a failure to run it fails the test.
@Suite("Interop with scipy", .enabled(if: PeerScript.python != nil))
struct ScipyInteropTests {
    /// The worst relative error seen for one function, with the case it came from.
    struct Worst: CustomStringConvertible {
        let name: String
        var error = 0.0
        var count = 0
        var at = ""

        mutating func record(_ actual: Double, _ expected: Double, _ context: @autoclosure () -> String) {
            count += 1
            let e = relativeError(actual, expected)
            if e > error || e.isNaN {
                error = e
                at = "\(context()): ours \(actual), reference \(expected)"
            }
        }

        var description: String { "\(name): max relative error \(error) over \(count) cases (worst \(at))" }
    }

    /// What Peers/stats_peer.py prints: per function, rows of inputs followed by scipy's value.
    struct Reference: Decodable, Sendable {
        struct Contingency: Decodable, Sendable {
            let table: [[Int]]
            let chi2: Double
            let dof: Int
            let p: Double
            let expected: [[Double]]
        }

        struct Welch: Decodable, Sendable {
            let a: [Double]
            let b: [Double]
            let t: Double
            let df: Double
            let p: Double
            let low: Double
            let high: Double
        }

        struct Goodness: Decodable, Sendable {
            let observed: [Int]
            let weights: [Double]?
            let chi2: Double
            let p: Double
        }

        let normCdf: [[Double]]
        let normSf: [[Double]]
        let normPpf: [[Double]]
        let tCdf: [[Double]]
        let tPpf: [[Double]]
        let chi2Cdf: [[Double]]
        let chi2Sf: [[Double]]
        let chi2Ppf: [[Double]]
        let chi2Contingency: [Contingency]
        let ttestWelch: [Welch]
        let chisquare: [Goodness]
        let wilson: [[Double]]
    }

    /// The peer runs once for the whole suite.
    static let reference = Task { try await PeerScript.run("stats_peer.py", as: Reference.self) }

    static func check(_ worst: Worst, below tolerance: Double) {
        print("interop \(worst)")
        #expect(worst.count > 0)
        #expect(worst.error <= tolerance, "\(worst)")
    }

    @Test func normal() async throws {
        var cdf = Worst(name: "norm.cdf")
        for row in try await Self.reference.value.normCdf { cdf.record(StandardNormal.cdf(row[0]), row[1], "x=\(row[0])") }
        var sf = Worst(name: "norm.sf")
        for row in try await Self.reference.value.normSf { sf.record(StandardNormal.survival(row[0]), row[1], "x=\(row[0])") }
        var ppf = Worst(name: "norm.ppf")
        for row in try await Self.reference.value.normPpf { ppf.record(try StandardNormal.quantile(row[0]), row[1], "p=\(row[0])") }
        Self.check(cdf, below: 1e-10)
        Self.check(sf, below: 1e-10)
        Self.check(ppf, below: 1e-10)
    }

    @Test func studentT() async throws {
        var cdf = Worst(name: "t.cdf")
        var cauchy = Worst(name: "t.cdf, df = 1 near 0, against ½ + atan(t)/π")
        for row in try await Self.reference.value.tCdf {
            let (t, df) = (row[0], row[1])
            let ours = try StudentT(degreesOfFreedom: df).cdf(t)
            if df == 1, abs(t) < 1e-6 {
                // scipy's stdtr loses half its digits here (0.49999999526 at t = −1e-8, where the Cauchy CDF and
                // mpmath give 0.49999999682), so the closed form is the reference.
                cauchy.record(ours, 0.5 + atan(t) / .pi, "t=\(t)")
            } else {
                cdf.record(ours, row[2], "t=\(t) df=\(df)")
            }
        }
        var ppf = Worst(name: "t.ppf")
        var nearMedian = Worst(name: "t.ppf, |p − ½| ≤ 1e-6")
        var roundTrip = Worst(name: "t.ppf beyond |t| = 1e50, as P(T ≤ ours) against p")
        for row in try await Self.reference.value.tPpf {
            let (p, df) = (row[0], row[1])
            let distribution = try StudentT(degreesOfFreedom: df)
            let ours = try distribution.quantile(p)
            if abs(row[2]) > 1e50 {
                // scipy's stdtrit is unreliable this far out: it stops near ±1.5e153 whatever p is, and is off by
                // a factor of 2 at df = 3, p = 1e-200 (mpmath puts P(T ≤ scipy's t) at 8e-200). Ours is checked by
                // its own CDF instead; where it overflows, the CDF at the largest Double must still exceed p.
                let tail = min(p, 1 - p)
                if ours.isInfinite {
                    roundTrip.record(distribution.cdf(-.greatestFiniteMagnitude) > tail ? tail : 0, tail, "p=\(p) df=\(df) (overflow)")
                } else {
                    roundTrip.record(p < 0.5 ? distribution.cdf(ours) : distribution.survival(ours), tail, "p=\(p) df=\(df)")
                }
            } else if abs(p - 0.5) <= 1e-6 {
                // Near the median scipy's quantile carries errors of up to 4e-10 relative (mpmath: ours are within
                // 2e-15); the tolerance there is 1e-9.
                nearMedian.record(ours, row[2], "p=\(p) df=\(df)")
            } else {
                ppf.record(ours, row[2], "p=\(p) df=\(df)")
            }
        }
        Self.check(cdf, below: 1e-10)
        Self.check(cauchy, below: 1e-14)
        Self.check(ppf, below: 1e-10)
        Self.check(nearMedian, below: 1e-9)
        Self.check(roundTrip, below: 1e-10)
    }

    @Test func chiSquared() async throws {
        var cdf = Worst(name: "chi2.cdf")
        for row in try await Self.reference.value.chi2Cdf {
            cdf.record(try ChiSquared(degreesOfFreedom: row[1]).cdf(row[0]), row[2], "x=\(row[0]) df=\(row[1])")
        }
        var sf = Worst(name: "chi2.sf")
        for row in try await Self.reference.value.chi2Sf {
            sf.record(try ChiSquared(degreesOfFreedom: row[1]).survival(row[0]), row[2], "x=\(row[0]) df=\(row[1])")
        }
        var ppf = Worst(name: "chi2.ppf")
        for row in try await Self.reference.value.chi2Ppf {
            ppf.record(try ChiSquared(degreesOfFreedom: row[1]).quantile(row[0]), row[2], "p=\(row[0]) df=\(row[1])")
        }
        Self.check(cdf, below: 1e-10)
        Self.check(sf, below: 1e-10)
        Self.check(ppf, below: 1e-10)
    }

    @Test func contingencyTables() async throws {
        var statistic = Worst(name: "chi2_contingency statistic")
        var pValue = Worst(name: "chi2_contingency p-value")
        var expected = Worst(name: "chi2_contingency expected counts")
        for reference in try await Self.reference.value.chi2Contingency {
            let test = try ContingencyTableTest(reference.table)
            #expect(test.degreesOfFreedom == reference.dof)
            statistic.record(test.chiSquare, reference.chi2, "\(reference.table)")
            pValue.record(test.pValue, reference.p, "\(reference.table)")
            for (ours, theirs) in zip(test.expected.joined(), reference.expected.joined()) {
                expected.record(ours, theirs, "\(reference.table)")
            }
        }
        Self.check(statistic, below: 1e-10)
        Self.check(pValue, below: 1e-10)
        Self.check(expected, below: 1e-10)
    }

    @Test func welch() async throws {
        var t = Worst(name: "ttest_ind(equal_var=False) t")
        var df = Worst(name: "ttest_ind(equal_var=False) df")
        var p = Worst(name: "ttest_ind(equal_var=False) p-value")
        var interval = Worst(name: "ttest_ind(equal_var=False) 95 % interval")
        for reference in try await Self.reference.value.ttestWelch {
            let test = try WelchTTest(a: reference.a, b: reference.b)
            // scipy reports a − b; TailorStats reports b − a.
            t.record(-test.t, reference.t, "n = \(reference.a.count), \(reference.b.count)")
            df.record(test.degreesOfFreedom, reference.df, "n = \(reference.a.count), \(reference.b.count)")
            p.record(test.pValue, reference.p, "n = \(reference.a.count), \(reference.b.count)")
            interval.record(-test.interval.upper, reference.low, "n = \(reference.a.count), \(reference.b.count)")
            interval.record(-test.interval.lower, reference.high, "n = \(reference.a.count), \(reference.b.count)")
        }
        Self.check(t, below: 1e-10)
        Self.check(df, below: 1e-10)
        Self.check(p, below: 1e-10)
        Self.check(interval, below: 1e-10)
    }

    @Test func sampleRatioMismatch() async throws {
        var statistic = Worst(name: "chisquare statistic")
        var pValue = Worst(name: "chisquare p-value")
        for reference in try await Self.reference.value.chisquare {
            let check = try SampleRatioMismatch(observed: reference.observed, weights: reference.weights)
            statistic.record(check.chiSquare, reference.chi2, "\(reference.observed)")
            pValue.record(check.pValue, reference.p, "\(reference.observed)")
        }
        Self.check(statistic, below: 1e-10)
        Self.check(pValue, below: 1e-10)
    }

    @Test func wilson() async throws {
        var bounds = Worst(name: "binomtest(...).proportion_ci(method=\"wilson\")")
        for row in try await Self.reference.value.wilson {
            let count = try BinomialCount(successes: Int(row[0]), trials: Int(row[1]))
            let interval = try count.wilsonInterval(alpha: 1 - row[2])
            bounds.record(interval.lower, row[3], "\(Int(row[0]))/\(Int(row[1])) at \(row[2])")
            bounds.record(interval.upper, row[4], "\(Int(row[0]))/\(Int(row[1])) at \(row[2])")
        }
        Self.check(bounds, below: 1e-10)
    }
}
