import TailorCore
import TailorEngine
import TailorStore

/// The overview page: a date range form, a card per figure, a chart per daily series.
enum OverviewViews {
    /// The range as typed, kept in the form when it is refused.
    struct Typed: Sendable {
        var from: String
        var to: String
    }

    static let charted: [OverviewReport.Metric] = [.newProfiles, .events, .emailsSent, .uniqueOpens, .uniqueClicks, .conversions, .revenue]

    static func value(_ metric: OverviewReport.Metric, _ v: Double) -> String {
        metric == .revenue ? DashboardFormat.money(v) : DashboardFormat.number(v)
    }

    static func page(session: DashboardSession, typed: Typed, report: OverviewReport?, problem: (field: String, message: String)?) -> HTML {
        func attributes(_ field: String) -> HTML {
            problem?.field == field ? " aria-invalid=\"true\" aria-describedby=\"range-error\"" : ""
        }
        let error: HTML = problem.map { "<p class=\"notice error\" id=\"range-error\" role=\"alert\">\($0.message)</p>" } ?? .empty
        var body: HTML = .empty
        if let report {
            let cards = OverviewReport.Metric.allCases.filter { $0 != .machineOpens && $0 != .botClicks }.map { m -> HTML in
                var aside: HTML = .empty
                if m == .uniqueOpens { aside = "<span class=\"hint\">machine opens left out: <span id=\"total-machine_opens\">\(value(.machineOpens, report.total(.machineOpens)))</span></span>" }
                if m == .uniqueClicks { aside = "<span class=\"hint\">bot clicks left out: <span id=\"total-bot_clicks\">\(value(.botClicks, report.total(.botClicks)))</span></span>" }
                return """
                    <div class="figure"><span class="label">\(m.title)</span><strong id="total-\(m.rawValue)">\(value(m, report.total(m)))</strong>\(aside)</div>
                    """
            }
            let labels = report.range.days.map(\.text)
            let charts = charted.map { m -> HTML in
                """
                <figure class="card chart-card"><figcaption>\(m.title)</figcaption>
                \(SVGChart.bars(id: "chart-\(m.rawValue)", title: m.title, labels: labels, values: report.series(m), format: { value(m, $0) }))
                </figure>
                """
            }
            body = """
                <p class="muted">\(report.range.from.text) to \(report.range.to.text), \(report.range.count) days, \(report.range.timeZone.identifier).
                  Conversions: orders within 5 days after the last email click (docs/REPORTS.md).</p>
                <div class="figures">\(cards)</div>
                <div class="grid charts">\(charts)</div>
                """
        }
        return DashboardPage.document(title: "Overview", session: session, active: .overview, main: """
            <h1>Overview</h1>
            <form class="card range" method="get" action="/app/overview">
              \(error)
              <div class="search">
                <div><label for="from">From</label><input id="from" name="from" type="date" required value="\(typed.from)"\(attributes("from"))></div>
                <div><label for="to">To</label><input id="to" name="to" type="date" required value="\(typed.to)"\(attributes("to"))></div>
                <button type="submit">Show</button>
              </div>
            </form>
            \(body)
            """)
    }
}
