import TailorCore
import TailorEngine
import TailorStore

/// The segment pages: the list, one segment, and the builder.
enum SegmentViews {
    /// What the builder's form holds, kept as typed when it is shown again.
    struct Draft: Sendable {
        var name = ""
        var description = ""
        var condition = ""
    }

    /// What checking a draft found.
    enum Outcome: Sendable {
        case valid(Condition, SegmentPreview)
        case syntax(ConditionSyntaxError)
        /// Refused for a reason that is not syntax (a personal field, an unknown segment, a taken name), naming the field.
        case refused(String, field: String)
    }

    // MARK: - List

    static func list(session: DashboardSession, segments: [(definition: SegmentDefinition, size: Int)]) -> HTML {
        let new: HTML = session.may(.editMarketing) ? #"<p><a class="button" href="/app/segments/new">New segment</a></p>"# : .empty
        let body: HTML
        if segments.isEmpty {
            body = "<p class=\"notice\">No segments yet.</p>"
        } else {
            let rows = segments.map { s -> HTML in
                """
                <tr>
                  <td data-label="Name"><a href="/app/segments/\(HTML.urlComponent(s.definition.id))">\(s.definition.name)</a></td>
                  <td data-label="Members" class="num">\(s.size)</td>
                  <td data-label="Description">\(s.definition.description.isEmpty ? "—" : s.definition.description)</td>
                  <td data-label="Updated">\(DashboardFormat.timeHTML(s.definition.updatedAt))</td>
                </tr>
                """
            }
            body = """
                <table class="stack">
                  <thead><tr><th scope="col">Name</th><th scope="col" class="num">Members</th><th scope="col">Description</th>
                    <th scope="col">Updated</th></tr></thead>
                  <tbody>\(rows)</tbody>
                </table>
                """
        }
        return DashboardPage.document(title: "Segments", session: session, active: .segments, main: """
            <h1>Segments</h1>
            \(new)
            \(body)
            """)
    }

    // MARK: - One segment

    static func segment(session: DashboardSession, definition d: SegmentDefinition, size: Int, sample: [ProfileSummary], justSaved: Bool) -> HTML {
        let saved: HTML = justSaved ? "<p class=\"notice ok\" role=\"status\">Segment saved.</p>" : .empty
        let members: HTML = sample.isEmpty ? "<p class=\"muted\">No members.</p>" : ProfileViews.summaryTable(sample)
        return DashboardPage.document(title: d.name, session: session, active: .segments, main: """
            <p><a href="/app/segments">← Segments</a></p>
            <h1>\(d.name)</h1>
            \(saved)
            <div class="card">
              <dl>
                <dt>Id</dt><dd><code>\(d.id)</code></dd>
                <dt>Members</dt><dd id="member-count">\(size)</dd>
                <dt>Description</dt><dd>\(d.description.isEmpty ? "—" : d.description)</dd>
                <dt>Updated</dt><dd>\(DashboardFormat.timeHTML(d.updatedAt))</dd>
              </dl>
            </div>
            <h2>Condition</h2>
            <pre class="card"><code>\(d.condition.text)</code></pre>
            <h2>Sample members</h2>
            \(members)
            """)
    }

    // MARK: - Builder

    static func builder(session: DashboardSession, draft: Draft, outcome: Outcome?, sample: [ProfileSummary] = []) -> HTML {
        var conditionError: HTML = .empty, nameError: HTML = .empty, preview: HTML = .empty
        var conditionInvalid = false, nameInvalid = false
        switch outcome {
        case .syntax(let e)?:
            conditionInvalid = true
            conditionError = "<p class=\"notice error\" id=\"condition-error\" role=\"alert\">Line \(e.line), column \(e.column): \(e.message)</p>"
        case .refused(let message, let field)?:
            let p: HTML = "<p class=\"notice error\" id=\"\(field)-error\" role=\"alert\">\(message)</p>"
            if field == "name" { nameInvalid = true; nameError = p } else { conditionInvalid = true; conditionError = p }
        case .valid(_, let result)?:
            let members: HTML = sample.isEmpty ? .empty : "<h2>Sample members</h2>\(ProfileViews.summaryTable(sample))"
            preview = """
                <div class="card" role="status"><p class="ok"><strong id="preview-count">\(result.count)</strong>
                  \(result.count == 1 ? "profile matches" : "profiles match") now.</p></div>
                \(members)
                """
        case nil:
            break
        }
        func invalid(_ flag: Bool, _ id: String) -> HTML { flag ? " aria-invalid=\"true\" aria-describedby=\"\(id)-error condition-help\"" : "" }
        let conditionAttributes: HTML = conditionInvalid ? invalid(true, "condition") : #" aria-describedby="condition-help""#
        return DashboardPage.document(title: "New segment", session: session, active: .segments, main: """
            <p><a href="/app/segments">← Segments</a></p>
            <h1>New segment</h1>
            <form id="segment-form" class="card" method="post" action="/app/segments">
              \(session.csrfField)
              <label for="name">Name</label>
              \(nameError)
              <input id="name" name="name" type="text" required maxlength="200" value="\(draft.name)"\(invalid(nameInvalid, "name"))>
              <label for="description">Description <span class="hint">(optional)</span></label>
              <input id="description" name="description" type="text" value="\(draft.description)">
              <label for="condition">Condition</label>
              \(conditionError)
              <textarea id="condition" name="condition" rows="6" required spellcheck="false"\(conditionAttributes)>\(draft.condition)</textarea>
              <p class="hint" id="condition-help">In the text language, for example <code>traits.city = "New York" and count("Order Completed" in last 30 days) &gt;= 2</code>. See docs/SEGMENTS.md.</p>
              <p id="live-check" class="hint" aria-live="polite"></p>
              <div class="actions">
                <button type="submit" name="intent" value="check" class="secondary">Check and count</button>
                <button type="submit" name="intent" value="save">Save segment</button>
              </div>
            </form>
            \(preview)
            """, scripts: ["/app/assets/builder.js"])
    }
}
