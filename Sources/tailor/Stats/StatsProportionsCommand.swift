import ArgumentParser
import TailorStats

/// `tailor stats proportions`: two conversion rates compared.
struct StatsProportionsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "proportions",
        abstract: "Two-proportion z-test (pooled) with Newcombe's hybrid score interval for b − a.")

    @Option(help: "Control: SUCCESSES/TRIALS, e.g. 120/1000.") var a: String
    @Option(help: "Variant: SUCCESSES/TRIALS.") var b: String
    @Option(help: "Significance level.") var alpha: Double = 0.05

    func run() async throws {
        let a = try StatsInput.count(self.a, option: "--a")
        let b = try StatsInput.count(self.b, option: "--b")
        let test: TwoProportionZTest
        do { test = try TwoProportionZTest(a: a, b: b, alpha: try StatsInput.alpha(alpha)) } catch let e as StatsError { throw e.cli }
        StatsInput.print([
            "rate_a": .number(test.rateA), "rate_b": .number(test.rateB), "diff": .number(test.difference), "z": .number(test.z),
            "p_value": .number(test.pValue), "ci_low": .number(test.interval.lower), "ci_high": .number(test.interval.upper),
        ])
    }
}
