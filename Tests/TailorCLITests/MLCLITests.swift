import Foundation
import Testing

/// The shared data sets: `../shared/data` beside the repository, or `TAILOR_SHARED_DATA`.
let sharedData: URL = {
    if let path = ProcessInfo.processInfo.environment["TAILOR_SHARED_DATA"] { return URL(fileURLWithPath: path) }
    return repositoryRoot.deletingLastPathComponent().appendingPathComponent("shared/data")
}()

/// The JSON object a command printed on stdout.
func jsonObject(_ run: Run) throws -> [String: Any] {
    try #require(try JSONSerialization.jsonObject(with: Data(run.stdout.utf8)) as? [String: Any], "not a JSON object: \(run.stdout) \(run.stderr)")
}

/// Whether two numbers agree within `tolerance`.
func near(_ a: Double?, _ b: Double, _ tolerance: Double) -> Bool {
    guard let a else { return false }
    return abs(a - b) <= tolerance
}

/// Two communities that never mix: 10 users share items a0…a5, 20 users share b0…b5. Every user has seen five
/// items of their community before October 20 and sees the sixth (u mod 6) on October 20. Popularity ranks the
/// larger community's items first for everyone, so its top 3 misses every `a` user's sixth item; a model of
/// who-goes-with-whom ranks the sixth item first for everyone. Returns (user, item, time) triples.
func twoCommunities() -> [(user: String, item: String, day: Int, second: Int)] {
    var out: [(String, String, Int, Int)] = []
    for (community, size) in [("a", 10), ("b", 20)] {
        for u in 0..<size {
            let user = "\(community)u\(u)"
            let held = u % 6
            var second = 0
            for item in 0..<6 where item != held {
                out.append((user, "\(community)\(item)", 1 + u % 10, second))
                second += 1
            }
            out.append((user, "\(community)\(held)", 20, 0))
        }
    }
    return out
}

@Suite("tailor ml", .enabled(if: FileManager.default.isExecutableFile(atPath: tailorBinary)))
struct MLCLITests {
    static let now = "2026-11-01T12:00:00Z"

    func environment(_ dir: URL) -> [String: String] {
        ["TAILOR_NOW": Self.now, "TAILOR_DATABASE_URL": "sqlite:" + dir.appendingPathComponent("ml.db").path]
    }

    @Test func kmeansFindsThreeWellSeparatedGroups() async throws {
        let dir = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        // Ten points around each of (0, 0), (50, 0) and (0, 50); the offsets average to zero in each group.
        var csv = "x,y\n"
        for (cx, cy) in [(0.0, 0.0), (50.0, 0.0), (0.0, 50.0)] {
            for i in 0..<10 {
                csv += "\(cx + Double(i % 5 - 2) * 0.3),\(cy + (Double(i / 5) - 0.5) * 0.4)\n"
            }
        }
        try csv.write(to: dir.appendingPathComponent("points.csv"), atomically: true, encoding: .utf8)
        let run = try await tailor(["ml", "kmeans", "--features", "points.csv", "--k", "3", "--seed", "4"], in: dir)
        #expect(run.status == 0, "\(run.stderr)")
        let out = try jsonObject(run)
        #expect(out["k"] as? Int == 3)
        #expect(out["columns"] as? [String] == ["x", "y"])
        #expect((out["label_counts"] as? [Int])?.sorted() == [10, 10, 10], "\(run.stdout)")
        let centres = try #require(out["centres"] as? [[Double]]).sorted { ($0[0], $0[1]) < ($1[0], $1[1]) }
        #expect(centres.count == 3)
        for (centre, expected) in zip(centres, [[0.0, 0.0], [0.0, 50.0], [50.0, 0.0]]) {
            #expect(near(centre[0], expected[0], 1e-6) && near(centre[1], expected[1], 1e-6), "centre \(centre), expected \(expected)")
        }
        #expect((out["silhouette"] as? Double ?? 0) > 0.95, "\(run.stdout)")
        #expect(out["standardized"] as? Bool == true)
        // Raw values: the inertia is the sum of the squared offsets, 3 × Σ(0.3²·(4+1+0+1+4)·2 + 0.2²·10).
        let raw = try jsonObject(try await tailor(["ml", "kmeans", "--features", "points.csv", "--k", "3", "--no-standardize"], in: dir))
        #expect(near(raw["inertia"] as? Double, 3 * (0.09 * 20 + 0.04 * 10), 1e-6), "\(raw)")

        try "x,y\n1,2\nthree,4\n".write(to: dir.appendingPathComponent("bad.csv"), atomically: true, encoding: .utf8)
        let bad = try await tailor(["ml", "kmeans", "--features", "bad.csv", "--k", "2"], in: dir)
        #expect(bad.status != 0 && bad.stdout.isEmpty)
        #expect(bad.stderr.contains("column 'x' is not numeric (bad.csv:3)"), "\(bad.stderr)")
        try "x,y\n1,2\n3,4\n".write(to: dir.appendingPathComponent("two.csv"), atomically: true, encoding: .utf8)
        let tooMany = try await tailor(["ml", "kmeans", "--features", "two.csv", "--k", "5"], in: dir)
        #expect(tooMany.status != 0 && tooMany.stderr.contains("k-means needs 1 <= k <= rows (k=5, rows=2)"), "\(tooMany.stderr)")
    }

    @Test(.enabled(if: FileManager.default.fileExists(atPath: sharedData.appendingPathComponent("cdnow/cdnow_customers_summary.csv").path)))
    func bgnbdFitsCDNOWToThePublishedParameters() async throws {
        let dir = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let summary = sharedData.appendingPathComponent("cdnow/cdnow_customers_summary.csv").path
        let run = try await tailor(["ml", "bgnbd", "--summary", summary], in: dir)
        #expect(run.status == 0, "\(run.stderr)")
        let fit = try jsonObject(run)
        // Fader, Hardie & Lee (2005) on CDNOW's 2,357-customer cohort: r 0.243, α 4.414, a 0.793, b 2.426, LL −9582.4.
        #expect(fit["customers"] as? Int == 2357)
        #expect(near(fit["r"] as? Double, 0.243, 0.005), "\(fit)")
        #expect(near(fit["alpha"] as? Double, 4.414, 0.05), "\(fit)")
        #expect(near(fit["a"] as? Double, 0.793, 0.01), "\(fit)")
        #expect(near(fit["b"] as? Double, 2.426, 0.05), "\(fit)")
        #expect(near(fit["log_likelihood"] as? Double, -9582.4, 0.5), "\(fit)")
    }

    @Test func bgnbdRefusesASummaryWithoutItsColumns() async throws {
        let dir = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        try "frequency,recency\n1,2\n".write(to: dir.appendingPathComponent("s.csv"), atomically: true, encoding: .utf8)
        let run = try await tailor(["ml", "bgnbd", "--summary", "s.csv"], in: dir)
        #expect(run.status != 0 && run.stdout.isEmpty)
        #expect(run.stderr.contains("missing column 'T' (s.csv:1)"), "\(run.stderr)")
    }

    @Test func alsEvaluateBeatsPopularityWhereTasteIsAllThereIs() async throws {
        let dir = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let data = twoCommunities()
        let train = data.filter { $0.day < 20 }.map { "\($0.user),\($0.item),1" }
        let test = data.filter { $0.day == 20 }.map { "\($0.user),\($0.item),1" }
        try ("user,item,weight\n" + train.joined(separator: "\n") + "\n").write(to: dir.appendingPathComponent("train.csv"), atomically: true, encoding: .utf8)
        try ("user,item,weight\n" + test.joined(separator: "\n") + "\n").write(to: dir.appendingPathComponent("test.csv"), atomically: true, encoding: .utf8)
        let run = try await tailor(["ml", "als-evaluate", "--train", "train.csv", "--test", "test.csv", "--k", "3", "--factors", "2",
                                    "--alpha", "5", "--iterations", "15", "--threads", "1"], in: dir)
        #expect(run.status == 0, "\(run.stderr)")
        let out = try jsonObject(run)
        #expect(out["train_users"] as? Int == 30 && out["train_items"] as? Int == 12 && out["train_interactions"] as? Int == 150, "\(out)")
        #expect(out["users_evaluated"] as? Int == 30)
        #expect(out["k"] as? Int == 3)
        // Popularity hits the 20 `b` users' sixth item at rank 1 and no `a` user's: NDCG 20/30, precision 20/90.
        #expect(near(out["popularity_ndcg_at_k"] as? Double, 20.0 / 30, 1e-9), "\(out)")
        #expect(near(out["popularity_precision_at_k"] as? Double, 20.0 / 90, 1e-9), "\(out)")
        // Two communities are a rank-2 structure: two factors rank every user's sixth item first.
        #expect(near(out["precision_at_k"] as? Double, 1.0 / 3, 1e-9), "\(out)")
        #expect(near(out["recall_at_k"] as? Double, 1, 1e-9), "\(out)")
        #expect((out["ndcg_at_k"] as? Double ?? 0) >= 0.95, "\(out)")
        #expect((out["ndcg_at_k"] as? Double ?? 0) > (out["popularity_ndcg_at_k"] as? Double ?? 1) + 0.2, "\(out)")
        #expect((out["map_at_k"] as? Double ?? 0) > (out["popularity_map_at_k"] as? Double ?? 1), "\(out)")
    }

    /// Six loyal customers (7–9 orders on consecutive days up to October 27, $150–$250 each) and six one-off
    /// buyers (one $15–$25 order in early January), with TAILOR_NOW = November 1.
    func loadShop(_ dir: URL, _ env: [String: String]) async throws {
        var lines: [String] = []
        for v in 1...6 {
            let orders = 6 + (v - 1) % 3 + 1
            for d in 0..<orders {
                lines.append(order("v\(v)", revenue: Double(150 + 20 * ((v + d) % 6)), at: String(format: "2026-10-%02dT09:00:00Z", 27 - d),
                                   id: "v\(v)-\(d)"))
            }
        }
        for o in 1...6 {
            lines.append(order("o\(o)", revenue: Double(14 + 2 * o), at: String(format: "2026-01-%02dT09:00:00Z", 4 + o), id: "o\(o)"))
        }
        lines.append(identify("browser", city: "Paris", id: "b1"))
        try await importEvents(lines, in: dir, environment: env)
    }

    @Test func clustersSeparateLoyalFromOneOffCustomers() async throws {
        let dir = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let env = environment(dir)
        try await loadShop(dir, env)
        let run = try await tailor(["ml", "clusters", "--k", "2", "--seed", "3"], in: dir, environment: env)
        #expect(run.status == 0, "\(run.stderr)")
        let out = try jsonObject(run)
        #expect(out["k"] as? Int == 2 && out["profiles"] as? Int == 12, "\(out)")
        let clusters = try #require(out["clusters"] as? [[String: Any]])
        #expect(clusters.map { $0["cluster"] as? Int } == [0, 1])
        #expect(clusters.map { $0["size"] as? Int } == [6, 6], "\(out)")
        let loyal = try #require(clusters[0]["centre"] as? [String: Double])
        let oneOff = try #require(clusters[1]["centre"] as? [String: Double])
        // Cluster 0 is the most valuable: the loyal customers, last order 5 days before now, 7–9 orders.
        #expect(near(loyal["days_since_last_order"], 5, 1e-9), "\(loyal)")
        #expect((7...9).contains(loyal["orders"] ?? 0) && (1_000...2_300).contains(loyal["spend"] ?? 0), "\(loyal)")
        #expect(near(oneOff["orders"], 1, 1e-9) && (15...27).contains(oneOff["spend"] ?? 0), "\(oneOff)")
        #expect((295...301).contains(oneOff["days_since_last_order"] ?? 0), "\(oneOff)")
        #expect((out["silhouette"] as? Double ?? 0) > 0.8)
        // Without --k, k is chosen by silhouette among 2…6, and two groups it is.
        let chosen = try jsonObject(try await tailor(["ml", "clusters"], in: dir, environment: env))
        #expect(chosen["k"] as? Int == 2, "\(chosen)")
        #expect((chosen["candidates"] as? [[String: Any]])?.compactMap { $0["k"] as? Int } == [2, 3, 4, 5, 6])
        let tooMany = try await tailor(["ml", "clusters", "--k", "1"], in: dir, environment: env)
        #expect(tooMany.status != 0 && tooMany.stderr.contains("--k must be at least 2"))
    }

    @Test func segmentsOnComputedTraitsFollowEachComputation() async throws {
        let dir = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let env = environment(dir)
        try await loadShop(dir, env)
        // Created before the models ran: nobody has a cluster yet.
        let loyal = try await tailor(["segment", "create", "Loyal", "--where", "computed.cluster = 0"], in: dir, environment: env)
        #expect(loyal.status == 0, "\(loyal.stderr)")
        #expect(loyal.stdout.contains("segment loyal (Loyal): 0 members"), "\(loyal.stdout)")
        let typo = try await tailor(["segment", "create", "Typo", "--where", "computed.clustr = 0"], in: dir, environment: env)
        #expect(typo.status != 0 && typo.stderr.contains("--where:1:10: unknown computed trait; known: cluster, cluster_label"), "\(typo.stderr)")

        // Clustering re-evaluates the segment: the six loyal customers (cluster 0, see above) enter.
        let run = try await tailor(["ml", "clusters", "--k", "2", "--seed", "3"], in: dir, environment: env)
        #expect(run.status == 0, "\(run.stderr)")
        let segments = try #require(try jsonObject(run)["segments"] as? [String: Int])
        #expect(segments == ["evaluated": 13, "entered": 6, "exited": 0])
        let stored = try await tailor(["segment", "members", "loyal", "--stored"], in: dir, environment: env)
        #expect(stored.stdout.split(separator: "\n") == ["v1", "v2", "v3", "v4", "v5", "v6"], "\(stored.stdout)")
        let computedNow = try await tailor(["segment", "members", "loyal", "--count"], in: dir, environment: env)
        #expect(computedNow.stdout.trimmingCharacters(in: .whitespacesAndNewlines) == "6")
        // A segment created afterwards counts its members at once; every customer has a label, the browser none.
        let oneOff = try await tailor(["segment", "create", "One-off", "--where", "computed.cluster = 1"], in: dir, environment: env)
        #expect(oneOff.stdout.contains("segment one-off (One-off): 6 members"), "\(oneOff.stdout) \(oneOff.stderr)")
        let labelled = try await tailor(["segment", "count", "--where", "computed.cluster_label exists"], in: dir, environment: env)
        #expect(labelled.stdout.trimmingCharacters(in: .whitespacesAndNewlines) == "12", "\(labelled.stdout) \(labelled.stderr)")
        // Engagement scores re-evaluate nothing here: no segment reads them.
        let scores = try jsonObject(try await tailor(["ml", "scores"], in: dir, environment: env))
        #expect(scores["segments"] as? [String: Int] == ["evaluated": 0, "entered": 0, "exited": 0], "\(scores)")
    }

    @Test func clvFitsBothModelsOnTheStore() async throws {
        let dir = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let env = environment(dir)
        try await loadShop(dir, env)
        let run = try await tailor(["ml", "clv"], in: dir, environment: env)
        #expect(run.status == 0, "\(run.stderr)")
        let out = try jsonObject(run)
        #expect(out["customers"] as? Int == 12 && out["repeat_customers"] as? Int == 6, "\(out)")
        #expect(out["horizon_days"] as? Double == 365)
        let bgnbd = try #require(out["bgnbd"] as? [String: Double])
        for name in ["r", "alpha", "a", "b"] { #expect((bgnbd[name] ?? -1) > 0 && bgnbd[name]!.isFinite, "\(name): \(bgnbd)") }
        // One-off buyers have made no repeat purchase: the model cannot have seen them leave.
        let alive = try #require(out["probability_alive"] as? [String: Double])
        #expect(near(alive["max"], 1, 1e-9) && (alive["p10"] ?? 2) >= 0 && (alive["p10"] ?? 2) <= 1, "\(alive)")
        #expect(out["gamma_gamma"] is [String: Any], "\(out)")
        let clv = try #require(out["predicted_clv"] as? [String: Double], "\(out)")
        #expect((clv["p10"] ?? -1) >= 0 && (clv["max"] ?? 0) > (clv["p50"] ?? 0) && clv["max"]!.isFinite, "\(clv)")
    }

    @Test func scoresDecayByTheHalfLife() async throws {
        let dir = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let env = environment(dir)
        // s1 ordered now (10 points), s2 added to cart 30 days ago (3), s3 viewed a product 60 days ago (1);
        // s4 only saw the home page (not scored); s5's cart add is tomorrow (after now: ignored).
        try await importEvents([
            order("s1", revenue: 20, at: Self.now, id: "e1"),
            #"{"type":"track","userId":"s2","event":"Product Added","properties":{"product_id":"p1","price":5},"timestamp":"2026-10-02T12:00:00Z","messageId":"e2"}"#,
            #"{"type":"track","userId":"s3","event":"Product Viewed","properties":{"product_id":"p1"},"timestamp":"2026-09-02T12:00:00Z","messageId":"e3"}"#,
            #"{"type":"page","userId":"s4","name":"Home","timestamp":"2026-10-30T12:00:00Z","messageId":"e4"}"#,
            #"{"type":"track","userId":"s5","event":"Product Added","properties":{"product_id":"p1","price":5},"timestamp":"2026-11-02T12:00:00Z","messageId":"e5"}"#,
        ], in: dir, environment: env)
        let run = try await tailor(["ml", "scores"], in: dir, environment: env)
        #expect(run.status == 0, "\(run.stderr)")
        let out = try jsonObject(run)
        #expect(out["profiles"] as? Int == 3, "\(out)")
        #expect(out["half_life_days"] as? Double == 30)
        let scores = try #require(out["engagement_score"] as? [String: Double])
        // Scores 10, 3·2^(−30/30) = 1.5 and 1·2^(−60/30) = 0.25.
        #expect(near(scores["max"], 10, 1e-9) && near(scores["total"], 11.75, 1e-9) && near(scores["p50"], 1.5, 1e-9), "\(scores)")
        let slower = try jsonObject(try await tailor(["ml", "scores", "--half-life", "60"], in: dir, environment: env))
        let slowerScores = try #require(slower["engagement_score"] as? [String: Double])
        // 10, 3·2^(−1/2) and 1·2^(−1).
        #expect(near(slowerScores["total"], 10 + 3 / 2.0.squareRoot() + 0.5, 1e-9), "\(slowerScores)")
        let zero = try await tailor(["ml", "scores", "--half-life", "0"], in: dir, environment: env)
        #expect(zero.status != 0 && zero.stderr.contains("--half-life must be positive"))
    }
}
