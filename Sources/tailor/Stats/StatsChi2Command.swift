import ArgumentParser
import TailorStats

/// `tailor stats chi2`: Pearson's χ² test of independence on an r × c table.
struct StatsChi2Command: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "chi2", abstract: "Pearson's chi-squared test for an r x c table (no continuity correction).")

    @Option(help: "Rows split by ';', cells by ',': \"120,880;150,850\".") var table: String

    func run() async throws {
        let test: ContingencyTableTest
        do { test = try ContingencyTableTest(try StatsInput.table(table)) } catch let e as StatsError { throw e.cli }
        StatsInput.print(["chi2": .number(test.chiSquare), "dof": .number(Double(test.degreesOfFreedom)), "p_value": .number(test.pValue)])
    }
}
