import ArgumentParser
import Foundation
import TailorCore
import TailorEngine

/// `tailor report overview --from D --to D`: the shop over a range of days (docs/REPORTS.md, "The overview").
struct ReportOverviewCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "overview", abstract: "New profiles, events, emails, opens, clicks, conversions and revenue over a range of days, day by day.")

    @OptionGroup var global: GlobalOptions
    @Option(help: "The first day, like 2026-11-01 (days are on the clock of TAILOR_TIMEZONE).") var from: String
    @Option(help: "The last day, included.") var to: String
    @Option(help: "How long after a click an order counts as a conversion: 90s, 30m, 12h, 5d, 2w.") var window = "5d"
    @Flag(name: .customLong("opens-count"), help: "An open (machine opens excluded) counts as a touch, as a click does.") var opensCount = false
    @Flag(help: "Print JSON.") var json = false
    @Flag(help: "Print CSV: a row per day, then the totals.") var csv = false

    func run() async throws {
        guard let seconds = FrequencyCap.seconds(window), seconds > 0 else { throw ValidationError("--window is a duration like 5d or 12h") }
        guard !(json && csv) else { throw ValidationError("give --json or --csv, not both") }
        let settings = try global.settings()
        guard let zone = TimeZone(identifier: settings.timeZone) else { throw ValidationError("TAILOR_TIMEZONE is not a time zone name, like Europe/Paris") }
        let range: DayRange
        do {
            range = try DayRange(from: from, to: to, timeZone: zone)
        } catch let e as RequestError {
            throw ValidationError("--\(e.field ?? "from"): \(e.message)")
        }
        try await withCampaignRuntime(global) { runtime in
            let report = try await ReportService(stores: runtime.stores).overview(range, window: seconds, opensCount: opensCount)
            if json {
                print(JSONWriter.string(.object(report.json)))
            } else if csv {
                print(report.csv, terminator: "")
            } else {
                let money = { (v: Double) in EmailFilters.format(v, currency: runtime.settings.currency) }
                print("\(range.from.text) to \(range.to.text) (\(range.timeZone.identifier), \(range.count) days)")
                for m in OverviewReport.Metric.allCases {
                    let total = report.total(m)
                    print("\(m.title.lowercased()) \(m == .revenue ? money(total) : String(Int(total)))")
                }
                print("(conversions: orders within \(window) after the last email click\(opensCount ? " or open" : ""); --json or --csv for each day)")
            }
        }
    }
}
