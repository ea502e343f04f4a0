import ArgumentParser
import Foundation
import TailorCore
import TailorEngine
import TailorML

/// `tailor recommend evaluate`: a time-based offline evaluation on the store, against popularity.
struct RecommendEvaluateCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "evaluate",
        abstract: "Train on the past, rank the latest interactions, and print precision@k, MAP@k and NDCG@k against popularity (overall and in the favourite category) as JSON.",
        discussion: "Interactions before the cutoff (the time leaving the latest --test-fraction out) train; the later ones, "
            + "minus pairs already seen in training, are the held-out set. Definitions: docs/ML.md.")

    @Option(help: "Length of the ranked lists.") var k: Int = 10
    @Option(name: .customLong("test-fraction"), help: "Share of the latest interactions held out.") var testFraction: Double = 0.2
    @OptionGroup var options: RecommendOptions
    @OptionGroup var global: GlobalOptions

    func validate() throws {
        guard k >= 1 else { throw ValidationError("--k must be at least 1") }
        guard testFraction > 0, testFraction < 1 else { throw ValidationError("--test-fraction must lie strictly between 0 and 1") }
    }

    func run() async throws {
        let settings = try global.settings()
        let training = try options.settings()
        let runtime = try await Runtime.open(settings)
        let result: RecommendationEvaluation
        do {
            result = try await RecommendationService(stores: runtime.stores).evaluate(settings: training, k: k, testFraction: testFraction,
                                                                                          now: runtime.clock.now())
        } catch {
            await runtime.close()
            throw error
        }
        await runtime.close()
        func figures(_ m: RankingMetrics) -> [String: Any] {
            ["precision_at_k": m.precision, "recall_at_k": m.recall, "map_at_k": m.meanAveragePrecision, "ndcg_at_k": m.ndcg, "users": m.users]
        }
        var out = figures(result.metrics)
        out["k"] = k
        out["baseline"] = figures(result.baseline)
        out["popular_in_category"] = figures(result.categoryBaseline)
        out["cutoff"] = ISO8601.format(result.cutoff)
        out["train_interactions"] = result.trainInteractions
        out["test_interactions"] = result.testInteractions
        out["train_seconds"] = result.trainSeconds
        out["settings"] = training.json
        try MLOutput.print(out)
    }
}
