import ArgumentParser
import TailorStats

/// `tailor stats welch`: two means compared without assuming equal variances.
struct StatsWelchCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "welch", abstract: "Welch's t-test with Welch–Satterthwaite degrees of freedom and the interval of b − a.")

    @Option(help: "Control observations: a file of one number a line.") var a: String
    @Option(help: "Variant observations: a file of one number a line.") var b: String
    @Option(help: "Significance level.") var alpha: Double = 0.05

    func run() async throws {
        let test: WelchTTest
        do {
            test = try WelchTTest(a: try StatsInput.numbers(file: a), b: try StatsInput.numbers(file: b), alpha: try StatsInput.alpha(alpha))
        } catch let e as StatsError { throw e.cli }
        StatsInput.print([
            "mean_a": .number(test.meanA), "mean_b": .number(test.meanB), "diff": .number(test.difference), "t": .number(test.t),
            "df": .number(test.degreesOfFreedom), "p_value": .number(test.pValue), "ci_low": .number(test.interval.lower),
            "ci_high": .number(test.interval.upper),
        ])
    }
}
