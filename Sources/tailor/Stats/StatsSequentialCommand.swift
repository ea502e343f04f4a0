import ArgumentParser
import TailorCore
import TailorStats

/// `tailor stats sequential`: the always-valid test over two streams, watched after every pair.
struct StatsSequentialCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "sequential",
        abstract: "Always-valid p-values (mixture SPRT) after each pair of observations.",
        discussion: "Observations in arrival order, one a line; files of only 0 and 1 are conversions, others means.")

    @Option(help: "Control observations, one a line.") var a: String
    @Option(help: "Variant observations, one a line, as many as --a.") var b: String
    @Option(help: "Significance level.") var alpha: Double = 0.05

    func run() async throws {
        let a = try StatsInput.numbers(file: self.a)
        let b = try StatsInput.numbers(file: self.b)
        guard a.count == b.count else { throw ValidationError("--a has \(a.count) observations and --b \(b.count); they are read in pairs") }
        let binary = (a + b).allSatisfy { $0 == 0 || $0 == 1 }
        let outcome: MixtureSPRT.Outcome
        do {
            let level = try StatsInput.alpha(alpha)
            outcome = binary
                ? try MixtureSPRT.run(a: a.map { $0 == 1 }, b: b.map { $0 == 1 },
                                      configuration: MixtureSPRT.Configuration(metric: .proportion, alpha: level))
                : try MixtureSPRT.run(a: a, b: b, configuration: MixtureSPRT.Configuration(alpha: level))
        } catch let e as StatsError { throw e.cli }
        StatsInput.print([
            "p_values": .array(outcome.pValues.map { .number($0) }),
            "reject_at": outcome.rejectAt.map { .number(Double($0)) } ?? .null,
            "metric": .string(binary ? "proportion" : "mean"),
        ])
    }
}
