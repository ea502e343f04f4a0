import Foundation
import TailorCore
import TailorEngine
import TailorStore

/// The profile pages: search and one profile.
enum ProfileViews {
    // MARK: - Search

    static func search(session: DashboardSession, query: String, results: [ProfileSummary]?) -> HTML {
        let list: HTML
        switch results {
        case nil:
            list = "<p class=\"hint\">Type an email address, a user id, a profile id or part of a name.</p>"
        case let found? where found.isEmpty:
            list = "<p class=\"notice\" role=\"status\">No profile matches.</p>"
        case let found?:
            list = """
                <p role="status">\(found.count == 1 ? "1 profile" : "\(found.count) profiles")</p>
                \(summaryTable(found))
                """
        }
        return DashboardPage.document(title: query.isEmpty ? "Profiles" : "Profiles: search", session: session, active: .profiles, main: """
            <h1>Profiles</h1>
            <form class="search card" method="get" action="/app/profiles" role="search">
              <label for="q">Email, user id or name</label>
              <input id="q" name="q" type="search" value="\(query)" autocomplete="off" spellcheck="false">
              <button type="submit">Search</button>
            </form>
            \(list)
            """)
    }

    /// Profiles as a table: name, email, user ids, last seen; the name (or id) links to the profile.
    static func summaryTable(_ summaries: [ProfileSummary]) -> HTML {
        let rows = summaries.map { s -> HTML in
            let traits = s.personal.value
            let name = PersonName.of(traits)
            let email = traits["email"]?.stringValue
            return """
                <tr>
                  <td data-label="Name"><a href="/app/profiles/\(HTML.urlComponent(s.id.rawValue))">\(name ?? s.id.rawValue)</a></td>
                  <td data-label="Email">\(email ?? "—")</td>
                  <td data-label="User id">\(s.userIds.isEmpty ? "—" : s.userIds.joined(separator: ", "))</td>
                  <td data-label="Last seen">\(DashboardFormat.timeHTML(s.lastSeen))</td>
                </tr>
                """
        }
        return """
            <table class="stack">
              <thead><tr><th scope="col">Name</th><th scope="col">Email</th><th scope="col">User id</th><th scope="col">Last seen</th></tr></thead>
              <tbody>\(rows)</tbody>
            </table>
            """
    }

    // MARK: - One profile

    static func profile(session: DashboardSession, details: ProfileDetails, events: [StoredEvent], olderThan next: Int64?) -> HTML {
        let view = details.view
        var traits = view.traits
        for (k, v) in view.personal.value { traits[k] = v }
        let title = PersonName.of(traits) ?? view.id.rawValue
        let userIds = view.identities.filter { $0.kind == .user }.map(\.value)
        let anonymousIds = view.identities.filter { $0.kind == .anonymous }.map(\.value)
        return DashboardPage.document(title: title, session: session, active: .profiles, main: """
            <p><a href="/app/profiles">← Profiles</a></p>
            <h1>\(title)</h1>
            <div class="card">
              <dl>
                <dt>Profile id</dt><dd><code>\(view.id.rawValue)</code></dd>
                <dt>User ids</dt><dd>\(userIds.isEmpty ? "—" : userIds.joined(separator: ", "))</dd>
                <dt>Anonymous ids</dt><dd>\(anonymousIds.isEmpty ? "—" : anonymousIds.joined(separator: ", "))</dd>
                <dt>Created</dt><dd>\(DashboardFormat.timeHTML(view.createdAt))</dd>
                <dt>Merged from</dt><dd>\(details.merges.isEmpty ? "—" : details.merges.map(\.from.rawValue).joined(separator: ", "))</dd>
              </dl>
            </div>
            <div class="grid">
              <section class="card" aria-labelledby="traits-h"><h2 id="traits-h">Traits</h2>\(traitFamilies(traits))</section>
              <section class="card" aria-labelledby="computed-h"><h2 id="computed-h">Computed traits</h2>\(computed(details))</section>
              <section class="card" aria-labelledby="rfm-h"><h2 id="rfm-h">RFM</h2>\(rfm(details.rfm))</section>
              <section class="card" aria-labelledby="segments-h"><h2 id="segments-h">Segments</h2>\(segments(details.segments))</section>
              <section class="card" aria-labelledby="consent-h"><h2 id="consent-h">Consent</h2>\(consent(details.consent))</section>
            </div>
            <section aria-labelledby="events-h">
              <h2 id="events-h">Events</h2>
              \(timeline(events, profile: view.id, olderThan: next))
            </section>
            """)
    }

    static func traitFamilies(_ traits: JSONObject) -> HTML {
        guard !traits.isEmpty else { return "<p class=\"muted\">No traits.</p>" }
        let groups = TraitFamily.group(traits)
        let sections = TraitFamily.allCases.compactMap { family -> HTML? in
            guard let values = groups[family], !values.isEmpty else { return nil }
            let rows = values.keys.sorted().map { key -> HTML in "<dt>\(key)</dt><dd>\(DashboardFormat.value(values[key]!))</dd>" }
            return "<h3 class=\"hint\">\(family.rawValue.capitalized)</h3><dl>\(rows)</dl>"
        }
        return HTML.join(sections)
    }

    static func computed(_ details: ProfileDetails) -> HTML {
        let s = details.view.state
        var rows: [(String, HTML)] = [
            ("First seen", DashboardFormat.timeHTML(s.firstSeen)), ("Last seen", DashboardFormat.timeHTML(s.lastSeen)),
            ("Last activity", DashboardFormat.timeHTML(s.lastActivity)), ("Events", "\(s.eventCount)"),
            ("Orders", "\(s.orderCount)"), ("Revenue", "\(DashboardFormat.money(s.revenue))"),
            ("Average order", "\(DashboardFormat.money(s.averageOrderValue))"), ("Last order", DashboardFormat.timeHTML(s.lastOrderAt)),
            ("Last order value", "\(DashboardFormat.money(s.lastOrderValue))"), ("Email opens", "\(s.emailOpens)"),
            ("Email clicks", "\(s.emailClicks)"), ("Cart value", "\(DashboardFormat.money(s.cartValue))"),
        ]
        for t in details.computedTraits.sorted(by: { $0.name < $1.name }) {
            rows.append((t.name, "\(t.text ?? t.number.map(DashboardFormat.number) ?? "—")"))
        }
        return "<dl>\(rows.map { row -> HTML in "<dt>\(row.0)</dt><dd>\(row.1)</dd>" })</dl>"
    }

    static func rfm(_ score: RFMScore?) -> HTML {
        guard let score else { return "<p class=\"muted\">No orders yet: no RFM score.</p>" }
        return """
            <dl>
              <dt>Group</dt><dd>\(score.group.rawValue)</dd>
              <dt>Code</dt><dd><code>\(score.code)</code></dd>
              <dt>Recency</dt><dd>\(score.recency)</dd><dt>Frequency</dt><dd>\(score.frequency)</dd><dt>Monetary</dt><dd>\(score.monetary)</dd>
            </dl>
            """
    }

    static func segments(_ memberships: [ProfileDetails.Membership]) -> HTML {
        guard !memberships.isEmpty else { return "<p class=\"muted\">In no segment.</p>" }
        let items = memberships.map { m -> HTML in
            let link: HTML = "<a href=\"/app/segments/\(HTML.urlComponent(m.segmentId))\">\(m.segmentName ?? m.segmentId)</a>"
            return "<li>\(link) <span class=\"hint\">since \(DashboardFormat.timeHTML(m.since))</span></li>"
        }
        return "<ul>\(items)</ul>"
    }

    static func consent(_ decisions: [ConsentPurpose: ConsentEntry]) -> HTML {
        let rows = ConsentPurpose.allCases.map { purpose -> HTML in
            guard let entry = decisions[purpose] else { return "<dt>\(purpose.rawValue)</dt><dd class=\"muted\">no decision</dd>" }
            let expires: HTML = entry.expiresAt.map { "; expires \(DashboardFormat.timeHTML($0))" } ?? .empty
            let when: HTML = "\(DashboardFormat.timeHTML(entry.at)) · \(entry.source.rawValue)\(expires)"
            return "<dt>\(purpose.rawValue)</dt><dd>\(entry.status.rawValue) <span class=\"hint\">\(when)</span></dd>"
        }
        return "<dl>\(rows)</dl>"
    }

    static func timeline(_ events: [StoredEvent], profile: ProfileID, olderThan next: Int64?) -> HTML {
        guard !events.isEmpty else { return "<p class=\"muted\">No events.</p>" }
        let rows = events.map { e -> HTML in
            let m = e.message
            let details = m.type == .identify ? m.traits : m.properties
            let summary = details.keys.sorted().prefix(8).map { "\($0): \(DashboardFormat.value(details[$0]!))" }.joined(separator: " · ")
            return """
                <tr>
                  <td data-label="Time">\(DashboardFormat.timeHTML(m.timestamp))</td>
                  <td data-label="Type">\(m.type.rawValue)</td>
                  <td data-label="Event">\(m.eventName)</td>
                  <td data-label="Details">\(summary.isEmpty ? "—" : summary)</td>
                </tr>
                """
        }
        let pager: HTML = next.map { cursor in
            "<p class=\"pager\"><a href=\"/app/profiles/\(HTML.urlComponent(profile.rawValue))?before=\(cursor)#events-h\">Older events</a></p>"
        } ?? .empty
        return """
            <table class="stack">
              <thead><tr><th scope="col">Time</th><th scope="col">Type</th><th scope="col">Event</th><th scope="col">Details</th></tr></thead>
              <tbody>\(rows)</tbody>
            </table>
            \(pager)
            """
    }
}
