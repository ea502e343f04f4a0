import ArgumentParser
import TailorStats

/// `tailor stats srm`: whether the groups' sizes match the split they were meant to have.
struct StatsSRMCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "srm", abstract: "Sample-ratio mismatch: chi-squared goodness of fit of group sizes to their weights.")

    @Option(help: "Group sizes, comma-separated: 5000,5100.") var counts: String
    @Option(help: "Intended weights, comma-separated (default: equal).") var weights: String?

    func run() async throws {
        let observed = try StatsInput.list(counts, option: "--counts") { Int($0) }
        let w = try weights.map { text in try StatsInput.list(text, option: "--weights") { Double($0) } }
        let test: SampleRatioMismatch
        do { test = try SampleRatioMismatch(observed: observed, weights: w) } catch let e as StatsError { throw e.cli }
        StatsInput.print(["chi2": .number(test.chiSquare), "p_value": .number(test.pValue)])
    }
}
