import ArgumentParser
import TailorStats

/// `tailor stats sample-size`: recipients per group to detect a change in a conversion rate.
struct StatsSampleSizeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "sample-size",
        abstract: "Recipients per group to detect baseline + mde against baseline (Cohen's h, normal power).")

    @Option(help: "The baseline rate, in (0, 1).") var baseline: Double
    // Unconditional, so that a drop can be written `--mde -0.01`.
    @Option(parsing: .unconditional, help: "The smallest change worth detecting, absolute (0.01 is one point; negative for a drop).")
    var mde: Double
    @Option(help: "Significance level (two-sided).") var alpha: Double = 0.05
    @Option(help: "Power: the chance of detecting the change when it is real.") var power: Double = 0.8

    func run() async throws {
        let n: Int
        do {
            n = try SampleSize.perGroup(baseline: baseline, minimumDetectableEffect: mde, alpha: try StatsInput.alpha(alpha), power: power)
        } catch let e as StatsError { throw e.cli }
        StatsInput.print(["per_group": .number(Double(n))])
    }
}
