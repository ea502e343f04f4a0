import ArgumentParser

/// `tailor recommend …`: product recommendations trained on the store's events.
struct RecommendCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "recommend",
        abstract: "Train, evaluate and query product recommendations (implicit ALS on the store's events).",
        subcommands: [RecommendTrainCommand.self, RecommendEvaluateCommand.self, RecommendForCommand.self, RecommendSimilarCommand.self]
    )
}
