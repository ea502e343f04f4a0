import Foundation
import Hummingbird
import TailorCore
import TailorEngine
import TailorStore

/// The admin API for reports (docs/REPORTS.md), scope `reports`: a campaign's `GET /v1/reports/campaigns/{id}` and
/// the overview of a range of days `GET /v1/reports/overview?from=&to=`, the same engine calls as
/// `tailor report` and the dashboard.
struct ReportsController: Sendable {
    let service: ReportService
    /// The clock the overview's days are counted on (`TAILOR_TIMEZONE`).
    let timeZone: TimeZone

    func addRoutes(to router: some RouterMethods<TailorRequestContext>) {
        // `?window=5d` (how long after a touch an order counts), `?opens=true` (opens count as touches),
        // `?by=variant|segment` (the same figures per variant, with the lift against the holdout, or per segment).
        router.get("/v1/reports/campaigns/:id") { request, context in
            let query = request.uri.queryParameters
            var dimension: CampaignBreakdown.Dimension?
            if let by = query.get("by") {
                guard let d = CampaignBreakdown.Dimension(rawValue: String(by)) else {
                    throw APIError(.badRequest, code: "invalid_parameter", message: "by is variant or segment", path: "by")
                }
                dimension = d
            }
            let report = try await service.campaign(try CampaignsController.id(context), window: try Self.window(request),
                                                    opensCount: query.get("opens") == "true", by: dimension)
            return JSONResponse.make(.object(report.json))
        }
        // `?from=2026-11-01&to=2026-11-30` (days on the clock of TAILOR_TIMEZONE, both included), `?window=`, `?opens=`.
        router.get("/v1/reports/overview") { request, _ in
            let query = request.uri.queryParameters
            guard let from = query.get("from") else { throw APIError(.badRequest, code: "invalid_parameter", message: "from is required", path: "from") }
            guard let to = query.get("to") else { throw APIError(.badRequest, code: "invalid_parameter", message: "to is required", path: "to") }
            let range: DayRange
            do {
                range = try DayRange(from: String(from), to: String(to), timeZone: timeZone)
            } catch let e as RequestError {
                throw APIError(.badRequest, code: "invalid_parameter", message: e.message, path: e.field)
            }
            let report = try await service.overview(range, window: try Self.window(request), opensCount: query.get("opens") == "true")
            return JSONResponse.make(.object(report.json))
        }
    }

    static func window(_ request: Request) throws -> TimeInterval {
        guard let text = request.uri.queryParameters.get("window") else { return 5 * 86_400 }
        guard let seconds = FrequencyCap.seconds(String(text)), seconds > 0 else {
            throw APIError(.badRequest, code: "invalid_parameter", message: "window is a duration like 5d or 12h", path: "window")
        }
        return seconds
    }
}
