import ArgumentParser
import TailorML

/// `tailor ml als-evaluate`: fit implicit ALS on a training CSV and evaluate top-k on a test CSV.
struct MLALSEvaluateCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "als-evaluate",
        abstract: "Fit implicit ALS on TRAIN and print top-k metrics on TEST as JSON.",
        discussion: """
            Both CSVs have a header with columns user,item,weight. Recommendations exclude each user's \
            training items; metrics average over test users that appear in training: precision@k = hits/k, \
            MAP@k divides by min(|relevant|, k), NDCG@k uses binary relevance and a log2 discount. \
            train_seconds times the fit alone. Confidence is c = 1 + alpha * weight.
            """
    )

    @Option(help: "Training interactions (user,item,weight).") var train: String
    @Option(help: "Held-out interactions (user,item,weight).") var test: String
    @Option(help: "Latent factors.") var factors: Int = 64
    @Option(help: "ALS iterations.") var iterations: Int = 15
    @Option(help: "L2 regularization.") var regularization: Float = 0.01
    @Option(help: "Confidence scale: c = 1 + alpha * weight.") var alpha: Float = 1
    @Option(help: "Cut-off of the ranking metrics.") var k: Int = 10
    @Option(help: "Worker threads (default: all cores).") var threads: Int?
    @Option(help: "Seed of the initial factors.") var seed: UInt64 = 0

    func run() async throws {
        var config = ImplicitALS()
        config.factors = factors
        config.iterations = iterations
        config.regularization = regularization
        config.alpha = alpha
        config.seed = seed
        if let threads { config.threads = max(1, threads) }
        let result = try ALSEvaluation.run(trainPath: train, testPath: test, configuration: config, k: k)
        try MLOutput.print([
            "k": k,
            "precision_at_k": result.metrics.precision,
            "recall_at_k": result.metrics.recall,
            "map_at_k": result.metrics.meanAveragePrecision,
            "ndcg_at_k": result.metrics.ndcg,
            "users_evaluated": result.metrics.users,
            "train_seconds": result.trainSeconds,
            "popularity_precision_at_k": result.baseline.precision,
            "popularity_map_at_k": result.baseline.meanAveragePrecision,
            "popularity_ndcg_at_k": result.baseline.ndcg,
            "train_users": result.users,
            "train_items": result.items,
            "train_interactions": result.interactions,
        ])
    }
}
