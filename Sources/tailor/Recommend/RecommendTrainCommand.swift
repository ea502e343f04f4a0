import ArgumentParser
import Foundation
import TailorCore
import TailorEngine

/// `tailor recommend train`: fit ALS on every interaction in the store and save the model.
struct RecommendTrainCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "train",
        abstract: "Train the recommendation model on the store's orders, cart adds and views, and save it.",
        discussion: "The model is saved to TAILOR_MODELS_DIR/recommendations.als, else beside the SQLite file (PATH.als); "
            + "a running server picks it up on its next request.")

    @OptionGroup var options: RecommendOptions
    @OptionGroup var global: GlobalOptions

    func run() async throws {
        let settings = try global.settings()
        let training = try options.settings()
        let runtime = try await Runtime.open(settings)
        let started = ContinuousClock.now
        let model: RecommendationModel
        do {
            model = try await RecommendationService(stores: runtime.stores).train(settings: training, now: runtime.clock.now())
        } catch {
            await runtime.close()
            throw error
        }
        await runtime.close()
        let elapsed = ContinuousClock.now - started
        let path = settings.recommendationModelPath
        try model.save(to: path)
        try MLOutput.print([
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
