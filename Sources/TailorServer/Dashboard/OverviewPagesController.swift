import Foundation
import Hummingbird
import TailorCore
import TailorEngine
import TailorStore

/// `/app/overview`, the dashboard's home: the figures of a range of days (the last 30 by default) as cards and
/// charts. They are `ReportService.overview`, the same call as `GET /v1/reports/overview` and `tailor report overview`.
struct OverviewPagesController: Sendable {
    let gate: DashboardGate
    let reports: ReportService
    let clock: any WallClock
    let timeZone: TimeZone

    static let defaultDays = 30

    func addRoutes(to router: some RouterMethods<TailorRequestContext>) {
        router.get("/app/overview") { request, _ in
            let session = try await gate.session(request)
            let query = request.uri.queryParameters
            let fallback = DayRange.last(Self.defaultDays, now: clock.now(), timeZone: timeZone)
            let typed = OverviewViews.Typed(from: query.get("from").map { String($0) } ?? fallback.from.text,
                                            to: query.get("to").map { String($0) } ?? fallback.to.text)
            let range: DayRange
            do {
                range = try DayRange(from: typed.from, to: typed.to, timeZone: timeZone)
            } catch let e as RequestError {
                return DashboardPage.response(OverviewViews.page(session: session, typed: typed, report: nil, problem: (e.field ?? "from", e.message)),
                                              status: .badRequest)
            }
            let report = try await reports.overview(range)
            return DashboardPage.response(OverviewViews.page(session: session, typed: typed, report: report, problem: nil))
        }
    }
}
