import ArgumentParser
import TailorML

/// `tailor ml bgnbd`: fit the BG/NBD model to customer summaries.
struct MLBGNBDCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bgnbd",
        abstract: "Fit BG/NBD by maximum likelihood to a summary CSV and print JSON.",
        discussion: "The CSV has columns frequency,recency,T (repeat purchases, time of the last one, age; one time unit)."
    )

    @Option(help: "CSV with columns frequency,recency,T.") var summary: String

    func run() async throws {
        let customers = try CustomerSummary.read(path: summary)
        let model = try BetaGeometricNBD.fit(customers)
        try MLOutput.print([
            "r": model.r,
            "alpha": model.alpha,
            "a": model.a,
            "b": model.b,
            "log_likelihood": model.logLikelihood,
            "customers": customers.count,
        ])
    }
}
