import Hummingbird
import TailorCore
import TailorEngine
import TailorStore

/// `/app/profiles`: the search, and a profile's page with its events a page at a time. Every role reads them.
struct ProfilePagesController: Sendable {
    let gate: DashboardGate
    let profiles: ProfileService
    /// Records each profile page shown in the access log.
    let privacy: PrivacyService

    static let eventsPerPage = 25

    func addRoutes(to router: some RouterMethods<TailorRequestContext>) {
        router.get("/app/profiles") { request, _ in
            let session = try await gate.session(request)
            // Read as a form is sent (`+` is a space), the way the search form's GET submits it.
            let query = DashboardForm(urlEncoded: request.uri.query ?? "")["q"] ?? ""
            let results = query.isEmpty ? nil : try await profiles.search(query, limit: 50)
            return DashboardPage.response(ProfileViews.search(session: session, query: query, results: results))
        }
        router.get("/app/profiles/:id") { request, context in
            let session = try await gate.session(request)
            guard let raw = context.parameters.get("id"), let reference = ProfileReference(raw.removingPercentEncoding ?? raw),
                  let details = try await profiles.details(reference) else {
                throw DashboardError.notFound("No profile has this id. It may have been erased.")
            }
            let before = request.uri.queryParameters.get("before").flatMap { Int64($0) }.flatMap { $0 > 0 ? $0 : nil }
            let events = try await profiles.timeline(of: details.view.id, before: before, limit: Self.eventsPerPage)
            let next = events.count == Self.eventsPerPage ? events.last?.sequence : nil
            try await privacy.recordAccess(to: details.view.id,
                                           AccessContext(actor: "dashboard:" + session.user.email, action: "GET /app/profiles/{id}"))
            return DashboardPage.response(ProfileViews.profile(session: session, details: details, events: events, olderThan: next))
        }
    }
}
