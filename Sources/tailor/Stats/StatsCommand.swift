import ArgumentParser

/// `tailor stats`: the statistics of experiments on numbers you give it, as JSON (docs/EXPERIMENTS.md).
struct StatsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "stats",
        abstract: "Significance tests, intervals and sample sizes for experiments, as JSON.",
        discussion: "--alpha defaults to 0.05 and --power to 0.8; intervals are two-sided at 1 − alpha. See docs/EXPERIMENTS.md.",
        subcommands: [StatsProportionsCommand.self, StatsChi2Command.self, StatsWelchCommand.self, StatsSampleSizeCommand.self,
                      StatsSRMCommand.self, StatsSequentialCommand.self]
    )
}
