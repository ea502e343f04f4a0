import ArgumentParser
import Foundation
import TailorCore
import TailorEngine

/// `tailor report …`: what campaigns earned (docs/REPORTS.md).
struct ReportCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "report", abstract: "Report what campaigns earned, and the shop over a range of days.",
        subcommands: [ReportCampaignCommand.self, ReportOverviewCommand.self])
}

struct ReportCampaignCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "campaign", abstract: "A campaign's figures.")

    @OptionGroup var global: GlobalOptions
    @Argument(help: "The campaign's id or name.") var name: String
    @Option(help: "How long after a click an order counts as a conversion: 90s, 30m, 12h, 5d, 2w.") var window = "5d"
    @Flag(name: .customLong("opens-count"), help: "An open (machine opens excluded) counts as a touch, as a click does.") var opensCount = false
    @Option(help: "The same figures by variant (with the lift against the holdout) or by segment.") var by: String?
    @Flag(help: "Print JSON.") var json = false
    @Flag(help: "Print CSV: a row for the campaign (all), then one per variant or segment.") var csv = false

    func run() async throws {
        guard let seconds = FrequencyCap.seconds(window), seconds > 0 else { throw ValidationError("--window is a duration like 5d or 12h") }
        let dimension = try by.map { text -> CampaignBreakdown.Dimension in
            guard let d = CampaignBreakdown.Dimension(rawValue: text) else { throw ValidationError("--by is variant or segment") }
            return d
        }
        guard !(json && csv) else { throw ValidationError("give --json or --csv, not both") }
        try await withCampaignRuntime(global) { runtime in
            let report = try await ReportService(stores: runtime.stores).campaign(name, window: seconds, opensCount: opensCount, by: dimension)
            if json {
                print(JSONWriter.string(.object(report.json)))
                return
            }
            if csv {
                print(report.csv, terminator: "")
                return
            }
            func percent(_ v: Double) -> String { String(format: "%.1f%%", v * 100) }
            print("campaign \(report.campaign)")
            print("recipients \(report.recipients), sent \(report.sent), delivered \(report.delivered), bounced \(report.bounced)")
            print("unique opens \(report.uniqueOpens) (machine opens \(report.machineOpens)), unique clicks \(report.uniqueClicks) "
                  + "(bot clicks \(report.botClicks)), click-through \(percent(report.clickThroughRate)), click-to-open \(percent(report.clickToOpenRate))")
            print("unsubscribes \(report.unsubscribes)")
            print("conversions \(report.conversions), revenue \(EmailFilters.format(report.revenue, currency: runtime.settings.currency)), "
                  + "per recipient \(EmailFilters.format(report.revenuePerRecipient, currency: runtime.settings.currency)) "
                  + "(last touch within \(window)\(opensCount ? ", opens count" : ""))")
            for group in report.breakdown?.groups ?? [] {
                var line = "\(report.breakdown!.dimension.rawValue) \(group.name): recipients \(group.figures.recipients), sent \(group.figures.sent), "
                    + "unique opens \(group.figures.uniqueOpens), unique clicks \(group.figures.uniqueClicks), conversions \(group.figures.conversions), "
                    + "revenue \(EmailFilters.format(group.figures.revenue, currency: runtime.settings.currency))"
                if let rate = group.conversionRate { line += ", ordered within the window \(percent(rate))" }
                if let lift = group.lift {
                    line += ", lift \(String(format: "%+.2f", lift.difference * 100)) points [\(String(format: "%+.2f", lift.low * 100)), "
                        + "\(String(format: "%+.2f", lift.high * 100))] against the holdout"
                }
                print(line)
            }
        }
    }
}
