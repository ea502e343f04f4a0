import Foundation
import TailorTestLaunch
import Testing

/// `tailor stats`, run as a user would, against scipy and statsmodels (through `TAILOR_PYTHON`) on a grid of
/// inputs: every figure agrees to 1e-6.
@Suite("tailor stats")
struct StatsCLITests {
    static var python: String? { ProcessInfo.processInfo.environment["TAILOR_PYTHON"] }

    /// What scipy and statsmodels say for the same inputs, as JSON, one object per case.
    static let peer = #"""
        import json, math, sys
        import numpy as np
        from scipy import stats
        from statsmodels.stats.proportion import proportions_ztest, confint_proportions_2indep
        from statsmodels.stats.power import NormalIndPower
        cases = json.load(sys.stdin)
        out = []
        for c in cases:
            k = c["kind"]
            if k == "proportions":
                (sa, na), (sb, nb), alpha = c["a"], c["b"], c["alpha"]
                z, p = proportions_ztest([sb, sa], [nb, na])
                lo, hi = confint_proportions_2indep(sb, nb, sa, na, method="newcomb", compare="diff", alpha=alpha)
                out.append({"rate_a": sa / na, "rate_b": sb / nb, "diff": sb / nb - sa / na, "z": z, "p_value": p, "ci_low": lo, "ci_high": hi})
            elif k == "chi2":
                chi2, p, dof, _ = stats.chi2_contingency(np.array(c["table"]), correction=False)
                out.append({"chi2": chi2, "dof": dof, "p_value": p})
            elif k == "welch":
                a, b, alpha = np.array(c["a"]), np.array(c["b"]), c["alpha"]
                r = stats.ttest_ind(b, a, equal_var=False)
                ci = r.confidence_interval(confidence_level=1 - alpha)
                out.append({"mean_a": a.mean(), "mean_b": b.mean(), "diff": b.mean() - a.mean(), "t": r.statistic, "df": r.df,
                            "p_value": r.pvalue, "ci_low": ci.low, "ci_high": ci.high})
            elif k == "sample-size":
                p, d = c["baseline"], c["mde"]
                h = abs(2 * math.asin(math.sqrt(p + d)) - 2 * math.asin(math.sqrt(p)))
                n = NormalIndPower().solve_power(effect_size=h, alpha=c["alpha"], power=c["power"], ratio=1.0, alternative="two-sided")
                out.append({"per_group": math.ceil(n - 1e-9)})
            elif k == "srm":
                counts = np.array(c["counts"], dtype=float)
                w = np.array(c.get("weights") or [1] * len(counts), dtype=float)
                chi2, p = stats.chisquare(counts, f_exp=counts.sum() * w / w.sum())
                out.append({"chi2": chi2, "p_value": p})
        json.dump(out, sys.stdout)
        """#

    struct Case {
        var kind: String
        var arguments: [String]
        var input: [String: Any]
    }

    /// Runs a program with input on stdin; returns stdout.
    static func run(_ executable: String, _ arguments: [String], stdin: Data) throws -> (Int32, String) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        let input = Pipe(), output = Pipe()
        process.standardInput = input
        process.standardOutput = output
        try launch(process)
        input.fileHandleForWriting.write(stdin)
        try input.fileHandleForWriting.close()
        let data = ProcessLaunch.readToEnd(output.fileHandleForReading)
        process.waitUntilExit()
        return (process.terminationStatus, String(decoding: data, as: UTF8.self))
    }

    static func close(_ got: Double, _ want: Double) -> Bool {
        abs(got - want) <= 1e-6 * max(1, abs(want)) || (got.isNaN && want.isNaN)
    }

    @Test("every figure of proportions, chi2, welch, sample-size and srm equals scipy's and statsmodels'",
          .enabled(if: python != nil && FileManager.default.isExecutableFile(atPath: tailorBinary)))
    func agreesWithScipyAndStatsmodels() async throws {
        let dir = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        var cases: [Case] = []
        for (a, b, alpha) in [((120, 1000), (150, 1000), 0.05), ((3, 40), (11, 38), 0.1), ((0, 250), (4, 260), 0.05), ((9_870, 100_000), (10_120, 100_000), 0.01),
                              ((50, 50), (48, 50), 0.05)] {
            cases.append(Case(kind: "proportions", arguments: ["proportions", "--a", "\(a.0)/\(a.1)", "--b", "\(b.0)/\(b.1)", "--alpha", "\(alpha)"],
                              input: ["a": [a.0, a.1], "b": [b.0, b.1], "alpha": alpha]))
        }
        for table in [[[120, 880], [150, 850]], [[10, 20, 30], [15, 25, 5]], [[3, 7], [1, 9], [5, 5], [8, 2]]] {
            let text = table.map { $0.map(String.init).joined(separator: ",") }.joined(separator: ";")
            cases.append(Case(kind: "chi2", arguments: ["chi2", "--table", text], input: ["table": table]))
        }
        var seed: UInt64 = 7
        func uniform() -> Double {
            seed = seed &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            return Double(seed >> 11) / Double(1 << 53)
        }
        for (i, (na, nb, shift, alpha)) in [(30, 45, 0.3, 0.05), (200, 120, -1.5, 0.05), (8, 9, 4.0, 0.2)].enumerated() {
            let a = (0..<na).map { _ in (uniform() * 10).rounded() / 4 }
            let b = (0..<nb).map { _ in (uniform() * 12).rounded() / 4 + shift }
            let fa = dir.appendingPathComponent("a\(i).txt"), fb = dir.appendingPathComponent("b\(i).txt")
            try (a.map { "\($0)" }.joined(separator: "\n") + "\n").write(to: fa, atomically: true, encoding: .utf8)
            try (b.map { "\($0)" }.joined(separator: "\n") + "\n").write(to: fb, atomically: true, encoding: .utf8)
            cases.append(Case(kind: "welch", arguments: ["welch", "--a", fa.path, "--b", fb.path, "--alpha", "\(alpha)"],
                              input: ["a": a, "b": b, "alpha": alpha]))
        }
        for (p, d, alpha, power) in [(0.1, 0.02, 0.05, 0.8), (0.03, 0.005, 0.05, 0.9), (0.5, -0.1, 0.01, 0.8), (0.2, 0.05, 0.1, 0.95)] {
            cases.append(Case(kind: "sample-size", arguments: ["sample-size", "--baseline", "\(p)", "--mde", "\(d)", "--alpha", "\(alpha)", "--power", "\(power)"],
                              input: ["baseline": p, "mde": d, "alpha": alpha, "power": power]))
        }
        cases.append(Case(kind: "srm", arguments: ["srm", "--counts", "5000,5150"], input: ["counts": [5000, 5150]]))
        cases.append(Case(kind: "srm", arguments: ["srm", "--counts", "900,2100,7000", "--weights", "1,2,7"],
                          input: ["counts": [900, 2100, 7000], "weights": [1, 2, 7]]))

        let payload = try JSONSerialization.data(withJSONObject: cases.map { $0.input.merging(["kind": $0.kind]) { a, _ in a } })
        let (status, text) = try Self.run(try #require(Self.python), ["-c", Self.peer], stdin: payload)
        #expect(status == 0, "the peer failed: is statsmodels installed (scripts/peers/stats.txt)?")
        let expected = try #require(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [[String: Any]])
        #expect(expected.count == cases.count)
        for (c, want) in zip(cases, expected) {
            let run = try await tailor(["stats"] + c.arguments, in: dir)
            #expect(run.status == 0, "\(c.arguments): \(run.stderr)")
            let got = try #require(try JSONSerialization.jsonObject(with: Data(run.stdout.utf8)) as? [String: Any], "\(run.stdout)")
            for (key, value) in want {
                let w = try #require((value as? NSNumber)?.doubleValue, "\(key)")
                let g = try #require((got[key] as? NSNumber)?.doubleValue, "\(c.arguments) has no \(key): \(run.stdout)")
                #expect(Self.close(g, w), "\(c.arguments) \(key): tailor \(g), peer \(w)")
            }
        }
    }

    @Test("sequential: one p-value after each pair, never rising; a strong effect is found, and bad input names its place")
    func sequentialAndErrors() async throws {
        let dir = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        // Conversions: 10 % against 30 %, 400 pairs, in a fixed pattern.
        let a = (0..<400).map { $0 % 10 == 0 ? "1" : "0" }, b = (0..<400).map { $0 % 10 < 3 ? "1" : "0" }
        try a.joined(separator: "\n").write(to: dir.appendingPathComponent("a.txt"), atomically: true, encoding: .utf8)
        try b.joined(separator: "\n").write(to: dir.appendingPathComponent("b.txt"), atomically: true, encoding: .utf8)
        let run = try await tailor(["stats", "sequential", "--a", "a.txt", "--b", "b.txt"], in: dir)
        #expect(run.status == 0, "\(run.stderr)")
        let out = try #require(try JSONSerialization.jsonObject(with: Data(run.stdout.utf8)) as? [String: Any])
        let p = try #require(out["p_values"] as? [Double])
        #expect(p.count == 400)
        #expect(zip(p, p.dropFirst()).allSatisfy { $1 <= $0 })
        let rejectAt = try #require(out["reject_at"] as? Int)
        #expect(p[rejectAt] <= 0.05 && (rejectAt == 0 || p[rejectAt - 1] > 0.05))
        #expect(out["metric"] as? String == "proportion")
        // The same streams against themselves: nothing to find.
        let same = try await tailor(["stats", "sequential", "--a", "a.txt", "--b", "a.txt"], in: dir)
        #expect((try JSONSerialization.jsonObject(with: Data(same.stdout.utf8)) as? [String: Any])?["reject_at"] is NSNull)

        try "1\n2\nthree\n".write(to: dir.appendingPathComponent("bad.txt"), atomically: true, encoding: .utf8)
        let bad = try await tailor(["stats", "welch", "--a", "bad.txt", "--b", "a.txt"], in: dir)
        #expect(bad.status != 0 && bad.stderr.contains("bad.txt:3: 'three' is not a finite number"), "\(bad.stderr)")
        let impossible = try await tailor(["stats", "proportions", "--a", "12/10", "--b", "1/2"], in: dir)
        #expect(impossible.status != 0 && impossible.stderr.contains("--a"), "\(impossible.stderr)")
        let ragged = try await tailor(["stats", "chi2", "--table", "1,2;3"], in: dir)
        #expect(ragged.status != 0, "\(ragged.stdout)")
        let badCell = try await tailor(["stats", "chi2", "--table", "1,2;3,x"], in: dir)
        #expect(badCell.stderr.contains("row 2, column 2"), "\(badCell.stderr)")
        let unequal = try await tailor(["stats", "sequential", "--a", "a.txt", "--b", "bad.txt"], in: dir)
        #expect(unequal.status != 0)
    }
}
