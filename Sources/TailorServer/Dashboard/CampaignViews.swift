import Foundation
import TailorCore
import TailorEngine
import TailorStore

/// The campaign pages: the list, one campaign with its moves, the form to create one, and its report.
enum CampaignViews {
    /// What the form holds, kept as typed when it is shown again.
    struct Draft: Sendable {
        var name = ""
        var template = ""
        var segments: [String] = []
        var excluded: [String] = []
        var transactional = false
        var rate = ""

        init() {}

        /// A form posts one `include:<id>` / `exclude:<id>` field per ticked segment.
        init(form: DashboardForm) {
            name = form["name"] ?? ""
            template = form["template"] ?? ""
            for key in form.fields.keys.sorted() {
                if key.hasPrefix("include:") { segments.append(String(key.dropFirst(8))) }
                if key.hasPrefix("exclude:") { excluded.append(String(key.dropFirst(8))) }
            }
            transactional = form["transactional"] == "on"
            rate = (form["rate"] ?? "").trimmingCharacters(in: .whitespaces)
        }
    }

    struct Choices: Sendable {
        var templates: [String]
        var segments: [(id: String, name: String, size: Int)]
    }

    /// Recipients handled (sent, failed, skipped or withdrawn) of the audience, 0 to 1.
    static func progress(_ s: CampaignService.Status) -> Double {
        let audience = s.campaign.audience ?? s.counts.audience
        guard audience > 0 else { return s.campaign.state == .sent ? 1 : 0 }
        return min(1, Double(audience - s.counts.pending - s.queued) / Double(audience))
    }

    static func percent(_ v: Double) -> String { String(format: "%.0f%%", v * 100) }

    static func progressBar(_ s: CampaignService.Status, id: String? = nil) -> HTML {
        let p = progress(s)
        let idAttribute: HTML = id.map { " id=\"\($0)\"" } ?? .empty
        return "<progress class=\"progress\"\(idAttribute) max=\"100\" value=\"\(Int((p * 100).rounded()))\" aria-label=\"Progress\">\(percent(p))</progress> \(percent(p))"
    }

    // MARK: - List

    static func list(session: DashboardSession, campaigns: [CampaignService.Status]) -> HTML {
        let new: HTML = session.may(.editMarketing) ? #"<p><a class="button" href="/app/campaigns/new">New campaign</a></p>"# : .empty
        let body: HTML
        if campaigns.isEmpty {
            body = "<p class=\"notice\">No campaigns yet.</p>"
        } else {
            let rows = campaigns.map { s -> HTML in
                let c = s.campaign
                return """
                    <tr>
                      <td data-label="Name"><a href="/app/campaigns/\(HTML.urlComponent(c.id))">\(c.name)</a></td>
                      <td data-label="State" class="state">\(c.state.rawValue)</td>
                      <td data-label="Audience" class="num">\(c.audience ?? s.counts.audience)</td>
                      <td data-label="Sent" class="num">\(s.sent)</td>
                      <td data-label="Progress">\(progressBar(s))</td>
                      <td data-label="Report"><a href="/app/campaigns/\(HTML.urlComponent(c.id))/report">Report</a></td>
                    </tr>
                    """
            }
            body = """
                <table class="stack" id="campaigns">
                  <thead><tr><th scope="col">Name</th><th scope="col">State</th><th scope="col" class="num">Audience</th>
                    <th scope="col" class="num">Sent</th><th scope="col">Progress</th><th scope="col">Report</th></tr></thead>
                  <tbody>\(rows)</tbody>
                </table>
                """
        }
        return DashboardPage.document(title: "Campaigns", session: session, active: .campaigns, main: """
            <h1>Campaigns</h1>
            \(new)
            \(body)
            """)
    }

    // MARK: - One campaign

    static func campaign(session: DashboardSession, status s: CampaignService.Status, notice: String?, problem: String?) -> HTML {
        let c = s.campaign
        let ok: HTML = notice.map { "<p class=\"notice ok\" role=\"status\">\($0)</p>" } ?? .empty
        let refused: HTML = problem.map { "<p class=\"notice error\" id=\"move-error\" role=\"alert\">\($0)</p>" } ?? .empty
        var actions: [HTML] = []
        if session.may(.editMarketing) {
            func move(_ move: String, _ label: String, secondary: Bool = false) -> HTML {
                """
                <form method="post" action="/app/campaigns/\(HTML.urlComponent(c.id))/move" class="inline">\(session.csrfField)\
                <input type="hidden" name="move" value="\(move)"><button type="submit"\(secondary ? HTML(" class=\"secondary\"") : HTML.empty)>\(label)</button></form>
                """
            }
            if CampaignLifecycle.allows(.send, from: c.state) { actions.append(move("send", "Send now")) }
            if CampaignLifecycle.allows(.schedule, from: c.state) {
                actions.append("""
                    <form method="post" action="/app/campaigns/\(HTML.urlComponent(c.id))/move" class="inline">\(session.csrfField)\
                    <input type="hidden" name="move" value="schedule"><label for="at">Send at (UTC)</label>\
                    <input id="at" name="at" type="datetime-local" required> <button type="submit" class="secondary">Schedule</button></form>
                    """)
            }
            if CampaignLifecycle.allows(.pause, from: c.state) { actions.append(move("pause", "Pause", secondary: true)) }
            if CampaignLifecycle.allows(.resume, from: c.state) { actions.append(move("resume", "Resume")) }
            if CampaignLifecycle.allows(.cancel, from: c.state) { actions.append(move("cancel", "Cancel", secondary: true)) }
        }
        let skipped = s.skipped.sorted { $0.key < $1.key }.map { reason, n -> HTML in "<li>\(reason): <span class=\"num\">\(n)</span></li>" }
        var experiment: HTML = .empty
        if let design = c.experiment {
            let assigned = s.assignment.sorted { $0.key < $1.key }.map { variant, statuses -> HTML in
                "<li>\(variant): \(statuses.sorted { $0.key < $1.key }.map { "\($0.key) \($0.value)" }.joined(separator: ", "))</li>"
            }
            let state = s.experiment?.state.rawValue ?? (design.test == nil ? "none" : "testing")
            experiment = """
                <h2>Experiment</h2>
                <div class="card"><dl>
                  <dt>Variants</dt><dd>\(design.variants.map(\.name).joined(separator: ", "))</dd>
                  <dt>State</dt><dd id="experiment-state">\(state)</dd>
                  <dt>Winner</dt><dd>\(s.experiment?.winner ?? "—")</dd>
                </dl>\(assigned.isEmpty ? HTML.empty : "<ul>\(assigned)</ul>")</div>
                """
        }
        return DashboardPage.document(title: c.name, session: session, active: .campaigns, main: """
            <p><a href="/app/campaigns">← Campaigns</a></p>
            <h1>\(c.name)</h1>
            \(ok)
            \(refused)
            <div class="card">
              <dl>
                <dt>State</dt><dd id="campaign-state">\(c.state.rawValue)</dd>
                <dt>Template</dt><dd>\(c.template)</dd>
                <dt>Segments</dt><dd>\(c.segments.joined(separator: ", "))\(c.excluded.isEmpty ? "" : " (not \(c.excluded.joined(separator: ", ")))")</dd>
                <dt>Kind</dt><dd>\(c.transactional ? "transactional" : "marketing")\(c.ratePerSecond.map { ", at most \($0) a second" } ?? "")</dd>
                <dt>Scheduled</dt><dd>\(DashboardFormat.timeHTML(c.scheduledAt))</dd>
                <dt>Started</dt><dd>\(DashboardFormat.timeHTML(c.startedAt))</dd>
                <dt>Progress</dt><dd>\(progressBar(s, id: "campaign-progress"))</dd>
              </dl>
              \(actions)
            </div>
            <h2>Recipients</h2>
            <div class="card"><dl>
              <dt>Audience</dt><dd id="count-audience">\(c.audience ?? s.counts.audience)</dd>
              <dt>Pending</dt><dd id="count-pending">\(s.counts.pending)</dd>
              <dt>Queued</dt><dd id="count-queued">\(s.queued)</dd>
              <dt>Sent</dt><dd id="count-sent">\(s.sent)</dd>
              <dt>Failed</dt><dd id="count-failed">\(s.failed)</dd>
            </dl>\(skipped.isEmpty ? HTML.empty : "<h3>Skipped</h3><ul>\(skipped)</ul>")</div>
            \(experiment)
            <p><a class="button" href="/app/campaigns/\(HTML.urlComponent(c.id))/report">Report</a></p>
            """)
    }

    // MARK: - Creating

    static func form(session: DashboardSession, draft: Draft, choices: Choices, problem: (field: String, message: String)?) -> HTML {
        func error(_ field: String) -> HTML {
            problem?.field == field ? "<p class=\"notice error\" id=\"\(field)-error\" role=\"alert\">\(problem!.message)</p>" : .empty
        }
        func invalid(_ field: String) -> HTML { problem?.field == field ? " aria-invalid=\"true\" aria-describedby=\"\(field)-error\"" : "" }
        let templateOptions = choices.templates.map { name -> HTML in
            "<option value=\"\(name)\"\(draft.template == name ? HTML(" selected") : "")>\(name)</option>"
        }
        func boxes(_ prefix: String, _ chosen: [String]) -> [HTML] {
            choices.segments.map { s -> HTML in
                let checked: HTML = chosen.contains(s.id) || chosen.contains(s.name) ? " checked" : ""
                return "<label><input type=\"checkbox\" name=\"\(prefix):\(s.id)\"\(checked)> \(s.name) <span class=\"hint\">(\(s.size))</span></label>"
            }
        }
        let noTemplates: HTML = choices.templates.isEmpty
            ? "<p class=\"notice\">No email templates yet: <code>tailor template create NAME --html FILE</code>.</p>" : .empty
        return DashboardPage.document(title: "New campaign", session: session, active: .campaigns, main: """
            <p><a href="/app/campaigns">← Campaigns</a></p>
            <h1>New campaign</h1>
            \(noTemplates)
            <form id="campaign-form" class="card" method="post" action="/app/campaigns">
              \(session.csrfField)
              <label for="name">Name</label>
              \(error("name"))
              <input id="name" name="name" type="text" required maxlength="200" value="\(draft.name)"\(invalid("name"))>
              <label for="template">Template</label>
              \(error("template"))
              <select id="template" name="template" required\(invalid("template"))>\(templateOptions)</select>
              \(error("segments"))
              <fieldset id="segments"\(invalid("segments"))><legend>Send to members of</legend>\(boxes("include", draft.segments))</fieldset>
              \(error("excluded"))
              <fieldset id="excluded"><legend>But not to members of <span class="hint">(optional)</span></legend>\(boxes("exclude", draft.excluded))</fieldset>
              <label><input type="checkbox" name="transactional"\(draft.transactional ? HTML(" checked") : "")> Transactional (ignores the frequency cap, quiet hours and the consent check)</label>
              <label for="rate">At most this many emails a second <span class="hint">(optional)</span></label>
              \(error("rate"))
              <input id="rate" name="rate" type="number" min="1" step="1" value="\(draft.rate)"\(invalid("rate"))>
              <div class="actions"><button type="submit">Create campaign</button></div>
            </form>
            """)
    }

    // MARK: - Report

    static func label(_ name: String) -> String { name.replacingOccurrences(of: "_", with: " ") }

    /// A figure as it reads: money to the cent, rates as percentages, counts whole.
    static func figure(_ name: String, _ v: Double) -> String {
        if name.hasSuffix("_rate") { return String(format: "%.1f%%", v * 100) }
        if name.hasPrefix("revenue") { return DashboardFormat.money(v) }
        return DashboardFormat.number(v)
    }

    static func report(session: DashboardSession, status s: CampaignService.Status, bySegment: CampaignReport, byVariant: CampaignReport?) -> HTML {
        let c = s.campaign
        let figures = CampaignFigures.names.enumerated().map { i, name -> HTML in
            "<div class=\"figure\"><span class=\"label\">\(label(name))</span><strong id=\"report-\(name)\">\(figure(name, bySegment.figures.values[i]))</strong></div>"
        }
        func table(_ report: CampaignReport?, _ id: String) -> HTML {
            guard let breakdown = report?.breakdown, !breakdown.groups.isEmpty else { return "<p class=\"muted\">None.</p>" }
            let withLift = breakdown.groups.contains { $0.conversionRate != nil }
            let names = CampaignFigures.names + (withLift ? ["conversion_rate", "lift"] : [])
            let head = names.map { name -> HTML in "<th scope=\"col\" class=\"num\">\(label(name))</th>" }
            let rows = breakdown.groups.map { g -> HTML in
                var cells = zip(CampaignFigures.names, g.figures.values).map { name, v -> HTML in
                    "<td data-label=\"\(label(name))\" class=\"num\">\(figure(name, v))</td>"
                }
                if withLift {
                    cells.append("<td data-label=\"conversion rate\" class=\"num\">\(g.conversionRate.map { figure("conversion_rate", $0) } ?? "—")</td>")
                    let lift = g.lift.map { String(format: "%+.2f points [%+.2f, %+.2f], p %.3f", $0.difference * 100, $0.low * 100, $0.high * 100, $0.pValue) }
                    cells.append("<td data-label=\"lift\" class=\"num\">\(lift ?? "—")</td>")
                }
                return "<tr><th scope=\"row\" data-label=\"\(breakdown.dimension.rawValue)\">\(g.name)</th>\(cells)</tr>"
            }
            return """
                <div class="scroll"><table class="stack" id="\(id)">
                  <thead><tr><th scope="col">\(breakdown.dimension.rawValue)</th>\(head)</tr></thead>
                  <tbody>\(rows)</tbody>
                </table></div>
                """
        }
        let base = "/app/campaigns/" + HTML.urlComponent(c.id) + "/report.csv"
        var downloads: [HTML] = ["<a class=\"button\" id=\"csv-segment\" href=\"\(base)?by=segment\" download>CSV by segment</a>"]
        if byVariant != nil { downloads.append(" <a class=\"button\" id=\"csv-variant\" href=\"\(base)?by=variant\" download>CSV by variant</a>") }
        let variants: HTML = byVariant == nil ? .empty : "<h2>By variant</h2>\(table(byVariant, "by-variant"))"
        return DashboardPage.document(title: "Report: \(c.name)", session: session, active: .campaigns, main: """
            <p><a href="/app/campaigns/\(HTML.urlComponent(c.id))">← \(c.name)</a></p>
            <h1>Report: \(c.name)</h1>
            <p class="muted">Conversions: orders within 5 days after a click on this email, when no other email was clicked since (docs/REPORTS.md).</p>
            <div class="figures">\(figures)</div>
            \(variants)
            <h2>By segment</h2>
            \(table(bySegment, "by-segment"))
            <p class="actions">\(downloads)</p>
            """)
    }
}
