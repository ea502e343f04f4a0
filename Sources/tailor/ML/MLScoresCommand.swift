import ArgumentParser
import Foundation
import TailorEngine

/// `tailor ml scores`: the decayed engagement score of every active profile, written as a computed trait.
struct MLScoresCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "scores",
        abstract: "Compute every profile's engagement score (points per event, halved every --half-life days) and write `engagement_score`.",
        discussion: "Points: Order Completed 10, Checkout Started 5, Product Added 3, Email Clicked 3, Product Viewed 1, "
            + "Products Searched 1, Email Opened 1.")

    @Option(name: .customLong("half-life"), help: "Half-life in days.") var halfLife: Double = 30
    @OptionGroup var global: GlobalOptions

    func validate() throws {
        guard halfLife > 0 else { throw ValidationError("--half-life must be positive") }
    }

    func run() async throws {
        let runtime = try await Runtime.open(try global.settings())
        let report: EngagementReport
        do {
            report = try await ComputedTraitService(stores: runtime.stores, clock: runtime.clock)
                .computeEngagement(settings: EngagementSettings(halfLifeDays: halfLife), now: runtime.clock.now())
        } catch {
            await runtime.close()
            throw error
        }
        await runtime.close()
        try MLOutput.print(["profiles": report.profiles, "half_life_days": halfLife, "engagement_score": LifetimeReport.quantiles(report.scores),
                            "segments": MLOutput.json(report.refresh)])
    }
}
