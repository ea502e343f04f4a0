import ArgumentParser
import TailorEngine
import TailorML

/// The ALS settings `recommend train` and `recommend evaluate` take.
struct RecommendOptions: ParsableArguments {
    @Option(help: "Latent factors (default 32).") var factors: Int?
    @Option(help: "ALS sweeps (default 15).") var iterations: Int?
    @Option(help: "L2 regularization λ (default 0.05).") var regularization: Float?
    @Option(help: "Confidence scale α: confidence = 1 + α·w (default 5).") var alpha: Float?
    @Option(help: "Weight per interaction kind (default purchase=3,cart_add=2,view=1).") var weights: String?
    @Option(help: "Seed of the initial factors (default 0).") var seed: UInt64?
    @Option(help: "Threads (default: all cores).") var threads: Int?

    func validate() throws {
        if let factors, factors < 1 { throw ValidationError("--factors must be at least 1") }
        if let iterations, iterations < 1 { throw ValidationError("--iterations must be at least 1") }
        if let regularization, !(regularization >= 0) { throw ValidationError("--regularization must be ≥ 0") }
        if let alpha, !(alpha >= 0) { throw ValidationError("--alpha must be ≥ 0") }
        if let threads, threads < 1 { throw ValidationError("--threads must be at least 1") }
    }

    func settings() throws -> RecommendationSettings {
        var als = RecommendationSettings.defaultALS
        if let factors { als.factors = factors }
        if let iterations { als.iterations = iterations }
        if let regularization { als.regularization = regularization }
        if let alpha { als.alpha = alpha }
        if let seed { als.seed = seed }
        if let threads { als.threads = threads }
        do {
            return RecommendationSettings(als: als, weights: try weights.map(RecommendationSettings.parseWeights) ?? .standard)
        } catch {
            throw ValidationError("\(error)")
        }
    }
}

extension RecommendationSettings {
    /// The settings as JSON fields.
    var json: [String: Any] {
        ["factors": als.factors, "iterations": als.iterations, "regularization": Double(als.regularization), "alpha": Double(als.alpha),
         "seed": als.seed, "weights": weights.weights]
    }
}
