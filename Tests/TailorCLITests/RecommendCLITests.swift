import Foundation
import Testing

@Suite("tailor recommend and ml on the store", .enabled(if: FileManager.default.isExecutableFile(atPath: tailorBinary)))
struct RecommendCLITests {
    @Test func demoTrainsAndRecommendForAnswersAsJSON() async throws {
        let dir = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let env = ["TAILOR_NOW": "2026-11-01T12:00:00Z"]
        let demo = try await tailor(["demo", "--customers", "120", "--seed", "5"], in: dir, environment: env)
        #expect(demo.status == 0, "\(demo.stderr)")
        #expect(demo.stdout.contains("recommendations: ALS on"))
        #expect(demo.stdout.contains("clusters (k = "))
        #expect(demo.stdout.contains("predicted 1-year value"))
        #expect(FileManager.default.fileExists(atPath: dir.appendingPathComponent("tailor-demo.db.als").path))
        // The demo names an example customer; ask for it from the command line, by user id.
        let line = try #require(demo.stdout.split(separator: "\n").first { $0.contains("recommendations for user:") })
        let user = try #require(line.split(separator: " ").first { $0.hasPrefix("user:") })
            .dropFirst(5).trimmingCharacters(in: .punctuationCharacters)
        let db = ["--database-url", "sqlite:tailor-demo.db"]
        let train = try await tailor(["recommend", "train", "--factors", "8", "--iterations", "5", "--weights", "purchase=4,view=1"] + db,
                                     in: dir, environment: env)
        #expect(train.status == 0, "\(train.stderr)")
        #expect(train.stdout.contains("\"factors\":8"))
        let trained = try #require(try JSONSerialization.jsonObject(with: Data(train.stdout.utf8)) as? [String: Any])
        let comparison = try #require(trained["evaluation"] as? [String: Any], "\(train.stdout)")
        let alsNDCG = try #require((comparison["als"] as? [String: Any])?["ndcg_at_k"] as? Double)
        let categoryNDCG = try #require((comparison["popular_in_category"] as? [String: Any])?["ndcg_at_k"] as? Double)
        #expect(trained["served"] as? String == (categoryNDCG > alsNDCG ? "popular_in_category" : "als"), "\(train.stdout)")
        #expect(comparison["k"] as? Int == 10)
        // Served ALS whatever the comparison says, for the checks of the model's own ranking below.
        let forced = try await tailor(["recommend", "train", "--factors", "8", "--iterations", "5", "--serve", "als"] + db, in: dir, environment: env)
        #expect(forced.stdout.contains("\"served\":\"als\""), "\(forced.stdout)\(forced.stderr)")
        let wrong = try await tailor(["recommend", "train", "--serve", "best"] + db, in: dir, environment: env)
        #expect(wrong.status != 0 && wrong.stderr.contains("--serve is auto, als or popular-in-category"))
        let run = try await tailor(["recommend", "for", user, "--count", "4"] + db, in: dir, environment: env)
        #expect(run.status == 0, "\(run.stderr)")
        let object = try #require(try JSONSerialization.jsonObject(with: Data(run.stdout.utf8)) as? [String: Any])
        let items = try #require(object["recommendations"] as? [[String: Any]])
        #expect(items.count == 4)
        #expect(items.allSatisfy { $0["reason"] as? String == "model" && $0["in_stock"] as? Bool == true })
        #expect((object["profile_id"] as? String)?.hasPrefix("p_") == true)
        let first = try #require(items.first?["product_id"] as? String)
        let similar = try await tailor(["recommend", "similar", first, "--count", "3"] + db, in: dir, environment: env)
        #expect(similar.status == 0, "\(similar.stderr)")
        let near = try #require(try JSONSerialization.jsonObject(with: Data(similar.stdout.utf8)) as? [String: Any])
        let nearIds = try #require(near["similar"] as? [[String: Any]]).compactMap { $0["product_id"] as? String }
        #expect(nearIds.count == 3 && !nearIds.contains(first))
        // TAILOR_MODELS_DIR moves the model file; `recommend for` reads it from there.
        let moved = env.merging(["TAILOR_MODELS_DIR": "models"]) { $1 }
        let trainMoved = try await tailor(["recommend", "train", "--factors", "4", "--iterations", "2"] + db, in: dir, environment: moved)
        #expect(trainMoved.status == 0, "\(trainMoved.stderr)")
        #expect(FileManager.default.fileExists(atPath: dir.appendingPathComponent("models/recommendations.als").path))
        let fromMoved = try await tailor(["recommend", "for", user, "--count", "2"] + db, in: dir, environment: moved)
        #expect(fromMoved.status == 0 && fromMoved.stdout.contains("\"recommendations\""), "\(fromMoved.stderr)")
        let nobody = try await tailor(["recommend", "for", "user:nobody"] + db, in: dir, environment: env)
        #expect(nobody.status != 0)
        #expect(nobody.stderr.contains("no profile matches that reference"))
        let clv = try await tailor(["ml", "clv", "--horizon", "90"] + db, in: dir, environment: env)
        #expect(clv.status == 0, "\(clv.stderr)")
        let fit = try #require(try JSONSerialization.jsonObject(with: Data(clv.stdout.utf8)) as? [String: Any])
        #expect((fit["bgnbd"] as? [String: Any])?["r"] is Double)
        #expect(fit["horizon_days"] as? Double == 90)
    }

    /// `recommend evaluate` on the store compares the model with popularity, and on data where taste is all there
    /// is (two communities that never mix, see `twoCommunities()`), the model must win.
    @Test func evaluateComparesTheModelWithPopularityAndBeatsItWhereItMust() async throws {
        let dir = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let env = ["TAILOR_NOW": "2026-11-01T12:00:00Z", "TAILOR_DATABASE_URL": "sqlite:" + dir.appendingPathComponent("r.db").path]
        let events = twoCommunities().enumerated().map { n, v in
            let time = String(format: "2026-10-%02dT10:00:%02dZ", v.day, v.second)
            return #"{"type":"track","userId":"\#(v.user)","event":"Product Viewed","properties":{"product_id":"\#(v.item)"},"timestamp":"\#(time)","messageId":"v\#(n)"}"#
        }
        try await importEvents(events, in: dir, environment: env)
        // The 30 views of October 20 share one time: any fraction up to 1/6 holds out exactly those.
        let run = try await tailor(["recommend", "evaluate", "--k", "3", "--test-fraction", "0.1", "--factors", "8", "--threads", "1"],
                                   in: dir, environment: env)
        #expect(run.status == 0, "\(run.stderr)")
        let out = try jsonObject(run)
        #expect(out["train_interactions"] as? Int == 150 && out["test_interactions"] as? Int == 30, "\(out)")
        #expect((out["cutoff"] as? String)?.hasPrefix("2026-10-20T10:00:00") == true, "\(out)")
        #expect(out["k"] as? Int == 3)
        let baseline = try #require(out["baseline"] as? [String: Any], "the popularity baseline is missing: \(out)")
        #expect(out["users"] as? Int == 30 && baseline["users"] as? Int == 30)
        // Popularity ranks the larger community's items first: it finds the 20 `b` users' item at rank 1 and
        // none of the 10 `a` users'.
        #expect(near(baseline["ndcg_at_k"] as? Double, 20.0 / 30, 1e-9), "\(baseline)")
        #expect(near(baseline["precision_at_k"] as? Double, 20.0 / 90, 1e-9), "\(baseline)")
        #expect(near(baseline["recall_at_k"] as? Double, 20.0 / 30, 1e-9), "\(baseline)")
        // The model finds every held-out item in its top 3, and beats the baseline on every figure.
        #expect(near(out["recall_at_k"] as? Double, 1, 1e-9), "\(out)")
        #expect(near(out["precision_at_k"] as? Double, 1.0 / 3, 1e-9), "\(out)")
        for figure in ["precision_at_k", "recall_at_k", "map_at_k", "ndcg_at_k"] {
            #expect((out[figure] as? Double ?? 0) > (baseline[figure] as? Double ?? 1), "\(figure): model \(out[figure] ?? "nil"), popularity \(baseline[figure] ?? "nil")")
        }
        let settings = try #require(out["settings"] as? [String: Any])
        #expect(settings["factors"] as? Int == 8)
        let bad = try await tailor(["recommend", "evaluate", "--test-fraction", "1"], in: dir, environment: env)
        #expect(bad.status != 0 && bad.stderr.contains("--test-fraction must lie strictly between 0 and 1"))
    }

    @Test func recommendForWithoutAModelSaysHowToTrainOne() async throws {
        let dir = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let run = try await tailor(["recommend", "for", "user:u1", "--database-url", "sqlite:empty.db"], in: dir)
        #expect(run.status != 0)
        #expect(run.stderr.contains("tailor recommend train"))
    }
}
