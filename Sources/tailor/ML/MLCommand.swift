import ArgumentParser

/// `tailor ml …`: Tailor's models on files (ALS evaluation, k-means, BG/NBD) and on the store (clusters, CLV, scores).
struct MLCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "ml",
        abstract: "Fit and evaluate Tailor's models.",
        subcommands: [MLALSEvaluateCommand.self, MLKMeansCommand.self, MLBGNBDCommand.self,
                      MLClustersCommand.self, MLCLVCommand.self, MLScoresCommand.self]
    )
}
