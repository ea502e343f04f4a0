import ArgumentParser
import Foundation
import TailorCore
import TailorEngine
import TailorML

/// `tailor recommend train`: fit ALS on every interaction in the store, decide whether ALS or popularity in
/// each profile's favourite category ranks better on a time split, and save the model serving the winner.
struct RecommendTrainCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "train",
        abstract: "Train the recommendation model on the store's orders, cart adds and views, and save it serving the better ranking.",
        discussion: "ALS and popularity in the favourite category are compared by NDCG@k on a time split (the latest --test-fraction "
            + "of interactions held out); the better is served (ALS on a tie, or when the history is too short to split). "
            + "The model is saved to TAILOR_MODELS_DIR/recommendations.als, else beside the SQLite file (PATH.als); "
            + "a running server picks it up on its next request.")

    @Option(help: "auto (the better on a time split), als or popular-in-category.") var serve = "auto"
    @Option(help: "Length of the ranked lists compared.") var k: Int = 10
    @Option(name: .customLong("test-fraction"), help: "Share of the latest interactions held out for the comparison.") var testFraction = 0.2
    @OptionGroup var options: RecommendOptions
    @OptionGroup var global: GlobalOptions

    func run() async throws {
        let settings = try global.settings()
        let training = try options.settings()
        let runtime = try await Runtime.open(settings)
        let started = ContinuousClock.now
        let strategy: RecommendationModel.Strategy?
        switch serve {
        case "auto": strategy = nil
        case "als": strategy = .als
        case "popular-in-category": strategy = .popularInCategory
        default:
            await runtime.close()
            throw ValidationError("--serve is auto, als or popular-in-category")
        }
        guard k >= 1, testFraction > 0, testFraction < 1 else {
            await runtime.close()
            throw ValidationError("--k must be at least 1 and --test-fraction strictly between 0 and 1")
        }
        let result: RecommendationService.Training
        do {
            result = try await RecommendationService(stores: runtime.stores).trainServingTheBetter(
                settings: training, now: runtime.clock.now(), k: k, testFraction: testFraction, strategy: strategy)
        } catch {
            await runtime.close()
            throw error
        }
        await runtime.close()
        let elapsed = ContinuousClock.now - started
        let model = result.model
        let path = settings.recommendationModelPath
        try model.save(to: path)
        var comparison: [String: Any]?
        if let e = result.evaluation {
            func figures(_ m: RankingMetrics) -> [String: Any] { ["precision_at_k": m.precision, "ndcg_at_k": m.ndcg, "users": m.users] }
            comparison = ["k": k, "cutoff": ISO8601.format(e.cutoff), "als": figures(e.metrics), "popular_in_category": figures(e.categoryBaseline),
                          "popular": figures(e.baseline)]
        }
        try MLOutput.print([
            "served": model.strategy.name,
            "evaluation": comparison ?? NSNull(),
            "model": path,
            "profiles": model.als.userCount,
            "products": model.als.itemCount,
            "interactions": model.interactions,
            "trained_at": ISO8601.format(model.trainedAt),
            "seconds": Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18,
            "settings": training.json,
        ])
    }
}
