import TailorCore
import TailorEngine
import TailorStore

/// The journey pages: the list, and one journey with its steps as a flow of boxes carrying their counts.
enum JourneyViews {
    static func list(session: DashboardSession, journeys: [JourneyService.Status]) -> HTML {
        let body: HTML
        if journeys.isEmpty {
            body = "<p class=\"notice\">No journeys yet: <code>tailor journey create NAME --from-template abandoned-cart</code>.</p>"
        } else {
            let rows = journeys.map { s -> HTML in
                let j = s.journey
                let active = s.counts.activeAtStep.values.reduce(0, +)
                let ended = s.counts.exited.values.reduce(0, +)
                return """
                    <tr>
                      <td data-label="Name"><a href="/app/journeys/\(HTML.urlComponent(j.id))">\(j.name)</a></td>
                      <td data-label="State">\(j.state.rawValue)</td>
                      <td data-label="Trigger">\(j.definition.summary)</td>
                      <td data-label="Active" class="num">\(active)</td>
                      <td data-label="Completed" class="num">\(s.counts.completed)</td>
                      <td data-label="Ended early" class="num">\(ended)</td>
                    </tr>
                    """
            }
            body = """
                <table class="stack">
                  <thead><tr><th scope="col">Name</th><th scope="col">State</th><th scope="col">Trigger</th>
                    <th scope="col" class="num">Active</th><th scope="col" class="num">Completed</th><th scope="col" class="num">Ended early</th></tr></thead>
                  <tbody>\(rows)</tbody>
                </table>
                """
        }
        return DashboardPage.document(title: "Journeys", session: session, active: .journeys, main: """
            <h1>Journeys</h1>
            \(body)
            """)
    }

    static func journey(session: DashboardSession, status: JourneyService.Status, moved problem: String?) -> HTML {
        let j = status.journey
        let notice: HTML = problem.map { "<p class=\"notice error\" role=\"alert\">\($0)</p>" } ?? .empty
        var actions: [HTML] = []
        if session.may(.editMarketing) && j.state != .archived {
            let targets: [(JourneyState, String)] = j.state == .active ? [(.paused, "Pause"), (.archived, "Archive")] : [(.active, "Resume"), (.archived, "Archive")]
            actions = targets.map { target, label in
                """
                <form method="post" action="/app/journeys/\(HTML.urlComponent(j.id))/state" class="inline">\(session.csrfField)\
                <input type="hidden" name="state" value="\(target.rawValue)"><button type="submit">\(label)</button></form>
                """
            }
        }
        let exits = status.counts.exited.sorted { $0.key < $1.key }.map { reason, n -> HTML in "<li>\(reason): <span class=\"num\">\(n)</span></li>" }
        let ended: HTML = exits.isEmpty ? "<p class=\"muted\">None.</p>" : "<ul>\(exits)</ul>"
        return DashboardPage.document(title: j.name, session: session, active: .journeys, main: """
            <p><a href="/app/journeys">← Journeys</a></p>
            <h1>\(j.name)</h1>
            \(notice)
            <div class="card">
              <dl>
                <dt>State</dt><dd id="journey-state">\(j.state.rawValue)</dd>
                <dt>Trigger</dt><dd>\(j.definition.summary)</dd>
                <dt>Completed</dt><dd id="journey-completed">\(status.counts.completed)</dd>
              </dl>
              \(actions)
            </div>
            <h2>Steps</h2>
            \(flow(status))
            <h2>Ended early</h2>
            \(ended)
            """)
    }

    /// The steps as boxes joined by arrows (an SVG drawn on the server), each with the runs waiting at it; the
    /// same as an ordered list for screen readers.
    static func flow(_ status: JourneyService.Status) -> HTML {
        let definition = status.journey.definition
        let steps = definition.steps
        let boxHeight = 74, gap = 28, width = 420
        var shapes: [HTML] = []
        for (i, step) in steps.enumerated() {
            let y = i * (boxHeight + gap)
            let waiting = status.counts.activeAtStep[i] ?? 0
            shapes.append("""
                <rect x="1" y="\(y + 1)" width="\(width - 2)" height="\(boxHeight)" rx="6" fill="#f4f6fb" stroke="#4a5a85"/>
                <text x="14" y="\(y + 24)" font-size="15" fill="#1d2433">\(i + 1). \(step.summary)</text>
                <text x="14" y="\(y + 44)" font-size="13" fill="#4a5a85">\(waiting) waiting</text>
                <text x="14" y="\(y + 64)" font-size="13" fill="#4a5a85">\(routes(definition, i) ?? "")</text>
                """)
            if i + 1 < steps.count, definition.targets(of: i).contains(i + 1) {
                let from = y + boxHeight + 1, to = y + boxHeight + gap
                shapes.append("""
                    <line x1="\(width / 2)" y1="\(from)" x2="\(width / 2)" y2="\(to - 6)" stroke="#4a5a85" stroke-width="2"/>
                    <path d="M \(width / 2 - 6) \(to - 8) L \(width / 2) \(to) L \(width / 2 + 6) \(to - 8) Z" fill="#4a5a85"/>
                    """)
            }
        }
        let height = steps.count * (boxHeight + gap) - gap + 2
        let items = steps.enumerated().map { i, step -> HTML in
            "<li>\(step.summary): <span class=\"waiting\">\(status.counts.activeAtStep[i] ?? 0)</span> waiting\(routes(definition, i).map { "; \($0)" } ?? "")</li>"
        }
        return """
            <figure class="journey-flow">
              <svg viewBox="0 0 \(width) \(height)" width="\(width)" height="\(height)" role="img" aria-hidden="true">\(shapes)</svg>
              <figcaption><ol id="journey-steps">\(items)</ol></figcaption>
            </figure>
            """
    }

    /// Where a step sends its runs when that is not simply the next step: `yes → 2 · no → 3`, `A → 3 · B → 5`,
    /// `event → 4 · timeout → 7`, `→ 6` (steps numbered from 1, as drawn; `end` past the last).
    static func routes(_ definition: JourneyDefinition, _ i: Int) -> String? {
        func n(_ t: Int) -> String { t >= definition.steps.count ? "end" : "\(t + 1)" }
        switch definition.steps[i] {
        case .branch(_, let then, let otherwise): return "yes → \(n(then)) · no → \(n(otherwise))"
        case .split(let paths): return paths.map { "\($0.name) → \(n($0.then))" }.joined(separator: " · ")
        case .waitFor(let w):
            let met: String = if case .event = w.awaited { "event" } else { "holds" }
            return "\(met) → \(n(w.then)) · timeout → \(n(w.onTimeout))"
        case .exit: return nil
        default:
            let next = definition.successor(of: i)
            return next == i + 1 ? nil : "→ \(n(next))"
        }
    }
}
