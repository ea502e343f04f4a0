import Foundation
import Hummingbird
import NIOCore
import TailorCore
import TailorEngine
import TailorStore

/// `/app/campaigns`: the list with progress, a campaign's page (its counts as `GET /v1/campaigns/{id}` gives them,
/// the experiment's state), creating one, the lifecycle moves the engine allows, and the campaign's report with its
/// CSV (the same as `tailor report campaign --csv`). Viewers read; marketers and admins create and move.
struct CampaignPagesController: Sendable {
    let gate: DashboardGate
    let campaigns: CampaignService
    let reports: ReportService
    let segments: SegmentService
    let templates: TemplateService

    func addRoutes(to router: some RouterMethods<TailorRequestContext>) {
        router.get("/app/campaigns") { request, _ in
            let session = try await gate.session(request)
            var statuses: [CampaignService.Status] = []
            for c in try await campaigns.list() { statuses.append(try await campaigns.status(c.id)) }
            return DashboardPage.response(CampaignViews.list(session: session, campaigns: statuses))
        }
        router.get("/app/campaigns/new") { request, _ in
            let session = try await gate.session(request, may: .editMarketing)
            return DashboardPage.response(CampaignViews.form(session: session, draft: .init(), choices: try await choices(), problem: nil))
        }
        router.post("/app/campaigns") { request, _ in
            let (session, form) = try await gate.post(request, may: .editMarketing)
            let draft = CampaignViews.Draft(form: form)
            func refuse(_ field: String, _ message: String, _ status: HTTPResponse.Status) async throws -> Response {
                DashboardPage.response(CampaignViews.form(session: session, draft: draft, choices: try await choices(), problem: (field, message)),
                                       status: status)
            }
            var rate: Int?
            if !draft.rate.isEmpty {
                guard let n = Int(draft.rate), n >= 1 else { return try await refuse("rate", "The rate is a whole number of emails a second, 1 or more.", .unprocessableContent) }
                rate = n
            }
            do {
                let created = try await campaigns.create(.init(name: draft.name, template: draft.template, segments: draft.segments,
                                                               excluded: draft.excluded, transactional: draft.transactional, ratePerSecond: rate))
                return DashboardPage.redirect("/app/campaigns/" + HTML.urlComponent(created.id) + "?created=1")
            } catch let e as RequestError {
                let field = (e.field ?? "name").split(separator: "[").first.map(String.init) ?? "name"
                return try await refuse(field, e.message, e.code == .exists ? .conflict : .unprocessableContent)
            }
        }
        router.get("/app/campaigns/:id") { request, context in
            let session = try await gate.session(request)
            let notice = request.uri.queryParameters.get("created") == "1" ? "Campaign created." : nil
            return DashboardPage.response(CampaignViews.campaign(session: session, status: try await status(context), notice: notice, problem: nil))
        }
        // One form per move: `move=send|pause|resume|cancel`, or `schedule` with `at` (a UTC time, `2026-12-24T09:00`).
        router.post("/app/campaigns/:id/move") { request, context in
            let (session, form) = try await gate.post(request, may: .editMarketing)
            let id = try await status(context).campaign.id
            do {
                switch form["move"] ?? "" {
                case "send": _ = try await campaigns.start(id)
                case "pause": _ = try await campaigns.pause(id)
                case "resume": _ = try await campaigns.resume(id)
                case "cancel": _ = try await campaigns.cancel(id)
                case "schedule":
                    guard let at = Self.utcTime(form["at"] ?? "") else {
                        return DashboardPage.response(CampaignViews.campaign(session: session, status: try await campaigns.status(id), notice: nil,
                                                                             problem: "Give the time to send as a date and time (UTC)."),
                                                      status: .unprocessableContent)
                    }
                    _ = try await campaigns.schedule(id, at: at)
                default: throw DashboardError.badRequest("No such move.")
                }
            } catch let e as RequestError where e.code == .illegalState || e.code == .invalid {
                return DashboardPage.response(CampaignViews.campaign(session: session, status: try await campaigns.status(id), notice: nil, problem: e.message),
                                              status: .conflict)
            }
            return DashboardPage.redirect("/app/campaigns/" + HTML.urlComponent(id))
        }
        router.get("/app/campaigns/:id/report") { request, context in
            let session = try await gate.session(request)
            let s = try await status(context)
            let bySegment = try await reports.campaign(s.campaign.id, by: .segment)
            let byVariant = s.campaign.experiment == nil ? nil : try await reports.campaign(s.campaign.id, by: .variant)
            return DashboardPage.response(CampaignViews.report(session: session, status: s, bySegment: bySegment, byVariant: byVariant))
        }
        // `?by=variant|segment`: the CSV of `tailor report campaign NAME --csv [--by …]`.
        router.get("/app/campaigns/:id/report.csv") { request, context in
            _ = try await gate.session(request)
            let s = try await status(context)
            var dimension: CampaignBreakdown.Dimension?
            if let by = request.uri.queryParameters.get("by") {
                guard let d = CampaignBreakdown.Dimension(rawValue: String(by)) else { throw DashboardError.badRequest("by is variant or segment.") }
                dimension = d
            }
            let report: CampaignReport
            do {
                report = try await reports.campaign(s.campaign.id, by: dimension)
            } catch let e as RequestError where e.code == .invalid {
                throw DashboardError.badRequest("This campaign has no variants.")
            }
            var headers = DashboardPage.securityHeaders
            headers[.contentType] = "text/csv; charset=utf-8"
            headers[.contentDisposition] = "attachment; filename=\"\(s.campaign.id)\(dimension.map { "-by-" + $0.rawValue } ?? "").csv\""
            return Response(status: .ok, headers: headers, body: ResponseBody(byteBuffer: ByteBuffer(string: report.csv)))
        }
    }

    func status(_ context: TailorRequestContext) async throws -> CampaignService.Status {
        guard let raw = context.parameters.get("id") else { throw DashboardError.notFound("No campaign has this id.") }
        do {
            return try await campaigns.status(raw.removingPercentEncoding ?? raw)
        } catch let e as RequestError where e.code == .notFound {
            throw DashboardError.notFound("No campaign has this id.")
        }
    }

    /// The email templates and the segments a new campaign may use.
    func choices() async throws -> CampaignViews.Choices {
        CampaignViews.Choices(templates: try await templates.list().filter { $0.kind == .email }.map(\.name),
                              segments: try await segments.segmentsWithSizes().map { ($0.definition.id, $0.definition.name, $0.size) })
    }

    /// `2026-12-24T09:00` (an `<input type="datetime-local">`), read as UTC.
    static func utcTime(_ text: String) -> Date? {
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        return ISO8601.parse(trimmed + ":00Z") ?? ISO8601.parse(trimmed + "Z") ?? ISO8601.parse(trimmed)
    }
}
