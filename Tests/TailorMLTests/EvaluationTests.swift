import Foundation
import Testing

@testable import TailorML

@Suite("Evaluation, splits and scores")
struct EvaluationTests {
    @Test func rankingMetricsByHand() {
        // User A: relevant {1, 5, 9}; list [1, 2, 5, 7] → hits at ranks 0 and 2.
        // User B: relevant {3}; list [4, 3] → hit at rank 1.
        // User C: no relevant items → skipped.
        let m = RankingMetrics.evaluate(recommendations: [[1, 2, 5, 7], [4, 3], [1]], relevant: [[1, 5, 9], [3], []], k: 4)
        #expect(m.users == 2)
        #expect(abs(m.precision - (2.0 / 4 + 1.0 / 4) / 2) < 1e-12)
        #expect(abs(m.recall - (2.0 / 3 + 1.0) / 2) < 1e-12)
        // MAP divides by min(|relevant|, k): A (1/1 + 2/3) / 3, B (1/2) / 1.
        #expect(abs(m.meanAveragePrecision - ((1 + 2.0 / 3) / 3 + 0.5) / 2) < 1e-12)
        let dcgA = 1 + 1 / log2(4.0)
        let idcgA = 1 + 1 / log2(3.0) + 1 / log2(4.0)
        let dcgB = 1 / log2(3.0)
        #expect(abs(m.ndcg - (dcgA / idcgA + dcgB / 1) / 2) < 1e-12)
        let perfect = RankingMetrics.evaluate(recommendations: [[1, 2]], relevant: [[1, 2]], k: 2)
        #expect(perfect.precision == 1 && perfect.meanAveragePrecision == 1 && abs(perfect.ndcg - 1) < 1e-12)
    }

    @Test func timeSplitHoldsOutTheLatest() {
        let events = (0..<10).map { TimedInteraction(user: "u\($0 % 3)", item: "i\($0 % 4)", weight: 1, time: Double($0)) }
        let cutoff = TimeSplit.cutoff(events, testFraction: 0.3)
        #expect(cutoff == 7)
        let split = TimeSplit.split(events, testFraction: 0.3, dropKnownPairs: false)
        #expect(split.train.count == 7 && split.test.map(\.time) == [7, 8, 9])
        let dropped = TimeSplit.split(events + [TimedInteraction(user: "u0", item: "i0", weight: 1, time: 20)], at: 7)
        #expect(!dropped.test.contains { $0.user == "u0" && $0.item == "i0" })
        #expect(dropped.train.allSatisfy { $0.time < 7 })
    }

    @Test func alsBeatsPopularityOnHeldOutTasteGroups() throws {
        // Train and test drawn from the same two-group process; the model must know the groups.
        let train = twoGroupInteractions(users: 300, items: 80, perUser: 10, seed: 11)
        let test = twoGroupInteractions(users: 300, items: 80, perUser: 4, seed: 12)
        func triples(_ m: InteractionMatrix) -> [(user: String, item: String, weight: Double)] {
            (0..<m.rowCount).flatMap { u in zip(m.row(u).columns, m.row(u).values).map { ("u\(u)", "i\($0)", Double($1)) } }
        }
        let trainSet = try InteractionSet(triples: triples(train))
        let testSet = try InteractionSet(triples: triples(test), users: trainSet.users, items: trainSet.items)
        var config = ImplicitALS()
        config.factors = 8
        config.alpha = 5
        config.regularization = 0.1
        let model = try ALSModel.fit(trainSet, with: config)
        let als = HeldOutEvaluation.evaluate(model, train: trainSet, test: testSet, k: 10)
        let popular = HeldOutEvaluation.evaluatePopularity(train: trainSet, test: testSet, k: 10)
        #expect(als.users == popular.users && als.users > 200)
        #expect(als.precision > popular.precision * 1.3, "ALS \(als.precision) vs popularity \(popular.precision)")
        #expect(als.ndcg > popular.ndcg)
    }

    @Test func popularityInTheFavouriteCategoryByHand() throws {
        // Items 0–3 are category 0 (popularity 3, 2, 1, 1 among trainers), items 4–5 category 1 (popularity 2, 1).
        // u0 bought 0 and 4 and 5 (favourite: category 1) → ranks 4, 5 (skipped: seen), then fills 0 (seen)…
        let train = try InteractionSet(triples: [
            ("u0", "i0", 1), ("u0", "i4", 1), ("u0", "i5", 1),
            ("u1", "i0", 1), ("u1", "i1", 1), ("u1", "i4", 1),
            ("u2", "i0", 1), ("u2", "i1", 1), ("u2", "i2", 1), ("u2", "i3", 1),
        ])
        let categories = train.items.ids.map { Int($0.dropFirst())! < 4 ? 0 : 1 }
        // u0's favourite category is 1: nothing new left there, so overall popularity fills: i1 first.
        // u1's favourite is 0 (2 of 3): i2 and i3 tie at 1; the lower index first.
        let test = try InteractionSet(triples: [("u0", "i1", 1), ("u1", "i3", 1)], users: train.users, items: train.items)
        let m = HeldOutEvaluation.evaluatePopularityInCategory(train: train, test: test, k: 2, categories: categories)
        #expect(m.users == 2)
        // u0: [i1, i2] → hit at rank 0; u1: [i2, i3] → hit at rank 1.
        #expect(abs(m.precision - 0.5) < 1e-12)
        #expect(abs(m.ndcg - (1 + 1 / log2(3.0)) / 2) < 1e-12)
        #expect(HeldOutEvaluation.favouriteCategory(of: [0, 4, 5], categories: [0, 0, 0, 0, 1, 1]) == 1)
        #expect(HeldOutEvaluation.favouriteCategory(of: [0, 4], categories: [0, 0, 0, 0, 1, 1]) == 0)  // a tie: the lower code
        #expect(HeldOutEvaluation.favouriteCategory(of: [0], categories: [-1]) == nil)
    }

    @Test func evaluationProcedureFromFiles() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("als-eval-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        func write(_ m: InteractionMatrix, _ name: String) throws -> String {
            var text = "user,item,weight\n"
            for u in 0..<m.rowCount { for (i, w) in zip(m.row(u).columns, m.row(u).values) { text += "u\(u),i\(i),\(w)\n" } }
            let path = dir.appendingPathComponent(name).path
            try text.write(toFile: path, atomically: true, encoding: .utf8)
            return path
        }
        let trainPath = try write(twoGroupInteractions(users: 200, items: 60, perUser: 10, seed: 21), "train.csv")
        // A test user unseen in training must be ignored.
        let testPath = try write(twoGroupInteractions(users: 201, items: 61, perUser: 3, seed: 22), "test.csv")
        var config = ImplicitALS()
        config.factors = 8
        config.alpha = 5
        let result = try ALSEvaluation.run(trainPath: trainPath, testPath: testPath, configuration: config, k: 5)
        #expect(result.metrics.users == 200)
        #expect(result.users == 200 && result.items <= 60)
        #expect(result.trainSeconds > 0)
        #expect(result.metrics.precision > result.baseline.precision)
    }

    @Test func behaviouralScoreDecaysByHalfLife() {
        let rule = BehaviouralScoring(points: ["Order Completed": 10, "Product Viewed": 1], halfLife: 7)
        #expect(rule.score([("Order Completed", 0)], at: 7) == 5)
        #expect(abs(rule.score([("Order Completed", 0), ("Product Viewed", 14), ("Unknown", 14)], at: 21) - (1.25 + 0.5)) < 1e-12)
        #expect(rule.score([("Product Viewed", 10)], at: 5) == 1)
        // Incremental updates in any arrival order equal the batch score.
        let events: [(type: String, time: Double)] = [("Product Viewed", 3), ("Order Completed", 1), ("Product Viewed", 9), ("Order Completed", 12)]
        var score = DecayedScore()
        for e in events { score.record(type: e.type, at: e.time, rule: rule) }
        #expect(abs(score.value(at: 30, rule: rule) - rule.score(events, at: 30)) < 1e-9)
        #expect(score.asOf == 12)
    }
}
