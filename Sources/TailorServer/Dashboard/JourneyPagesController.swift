import Foundation
import Hummingbird
import TailorCore
import TailorEngine
import TailorStore

/// `/app/journeys`: the list with each journey's runs, and a journey's page with its steps drawn in order and
/// the runs waiting at each (docs/JOURNEYS.md); marketers and admins pause, resume and archive there. The
/// counts are `JourneyService.status`, the same call as `GET /v1/journeys/{id}`.
struct JourneyPagesController: Sendable {
    let gate: DashboardGate
    let journeys: JourneyService

    func addRoutes(to router: some RouterMethods<TailorRequestContext>) {
        router.get("/app/journeys") { request, _ in
            let session = try await gate.session(request)
            var statuses: [JourneyService.Status] = []
            for j in try await journeys.list() { statuses.append(try await journeys.status(j.id)) }
            return DashboardPage.response(JourneyViews.list(session: session, journeys: statuses))
        }
        router.get("/app/journeys/:id") { request, context in
            let session = try await gate.session(request)
            return DashboardPage.response(JourneyViews.journey(session: session, status: try await status(context), moved: nil))
        }
        router.post("/app/journeys/:id/state") { request, context in
            let (session, form) = try await gate.post(request, may: .editMarketing)
            guard let target = form["state"].flatMap(JourneyState.init(rawValue:)) else {
                throw DashboardError.notFound("No such journey state.")
            }
            let id = try await status(context).journey.id
            do {
                _ = try await journeys.setState(id, target)
            } catch let e as RequestError where e.code == .illegalState {
                return DashboardPage.response(JourneyViews.journey(session: session, status: try await journeys.status(id), moved: e.message),
                                              status: .conflict)
            }
            return DashboardPage.redirect("/app/journeys/" + HTML.urlComponent(id))
        }
    }

    func status(_ context: TailorRequestContext) async throws -> JourneyService.Status {
        guard let raw = context.parameters.get("id") else { throw DashboardError.notFound("No journey has this id.") }
        do {
            return try await journeys.status(raw.removingPercentEncoding ?? raw)
        } catch let e as RequestError where e.code == .notFound {
            throw DashboardError.notFound("No journey has this id.")
        }
    }
}
