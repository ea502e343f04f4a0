import Foundation
import Hummingbird
import TailorCore
import TailorEngine
import TailorStore

/// The admin API for campaigns (docs/CAMPAIGNS.md): `GET/POST /v1/campaigns`, `GET /v1/campaigns/{id}`
/// (its status), the moves `POST /v1/campaigns/{id}/send|schedule|pause|resume|cancel`, an experiment's decision
/// `POST /v1/campaigns/{id}/decide` (its report is ``ReportsController``'s). Sending
/// starts the campaign (its audience snapshot) and answers 202: the server's campaign runner renders and
/// queues the emails, and the outbox delivers them.
struct CampaignsController: Sendable {
    let service: CampaignService

    static let maximumBody = 256 * 1024

    func addRoutes(to router: some RouterMethods<TailorRequestContext>) {
        router.get("/v1/campaigns") { _, _ in
            var items: [JSONValue] = []
            for c in try await service.list() { items.append(.object(try await service.status(c.id).json)) }
            return JSONResponse.make(["campaigns": .array(items)])
        }
        router.post("/v1/campaigns") { request, _ in
            let body = try await request.jsonObject(upTo: Self.maximumBody)
            let created = try await service.create(try Self.draft(body))
            return JSONResponse.make(.object(try await service.status(created.id).json), status: .created)
        }
        router.get("/v1/campaigns/:id") { _, context in
            JSONResponse.make(.object(try await service.status(try Self.id(context)).json))
        }
        router.post("/v1/campaigns/:id/send") { _, context in
            let c = try await service.start(try Self.id(context))
            return JSONResponse.make(.object(try await service.status(c.id).json), status: .accepted)
        }
        router.post("/v1/campaigns/:id/schedule") { request, context in
            let body = try await request.jsonObject(upTo: Self.maximumBody)
            guard case .string(let text)? = body["at"], let at = ISO8601.parse(text) else {
                throw APIError(.badRequest, code: "invalid_campaign", message: "at must be an ISO-8601 time", path: "at")
            }
            let c = try await service.schedule(try Self.id(context), at: at)
            return JSONResponse.make(.object(try await service.status(c.id).json))
        }
        router.post("/v1/campaigns/:id/pause") { _, context in
            JSONResponse.make(.object(try await service.status(try await service.pause(try Self.id(context)).id).json))
        }
        router.post("/v1/campaigns/:id/resume") { _, context in
            JSONResponse.make(.object(try await service.status(try await service.resume(try Self.id(context)).id).json))
        }
        // `{"winner": "B"}` decides by hand; without a body, the test's statistics decide when they can.
        router.post("/v1/campaigns/:id/decide") { request, context in
            let body = try await request.jsonObject(upTo: Self.maximumBody, allowEmpty: true)
            var winner: String?
            if let w = body["winner"], w != .null {
                guard let name = w.stringValue else {
                    throw APIError(.badRequest, code: "invalid_campaign", message: "winner is a variant's name", path: "winner")
                }
                winner = name
            }
            let id = try Self.id(context)
            _ = try await service.decide(id, winner: winner)
            return JSONResponse.make(.object(try await service.status(id).json))
        }
        router.post("/v1/campaigns/:id/cancel") { _, context in
            JSONResponse.make(.object(try await service.status(try await service.cancel(try Self.id(context)).id).json))
        }
    }

    static func id(_ context: TailorRequestContext) throws -> String {
        guard let raw = context.parameters.get("id") else { throw APIError(.notFound, code: "not_found", message: "no such campaign") }
        return raw.removingPercentEncoding ?? raw
    }

    /// `{"name", "template", "segments": [...], "exclude": [...], "at", "rate", "send_time", "transactional"}`.
    static func draft(_ body: JSONObject) throws -> CampaignService.Draft {
        func bad(_ path: String, _ message: String) -> APIError { APIError(.badRequest, code: "invalid_campaign", message: message, path: path) }
        guard case .string(let name)? = body["name"] else { throw bad("name", "missing name") }
        guard case .string(let template)? = body["template"] else { throw bad("template", "missing template") }
        func names(_ key: String) throws -> [String] {
            switch body[key] {
            case nil, .null?: return []
            case .string(let s)?: return [s]
            case .array(let items)?:
                return try items.enumerated().map { i, item in
                    guard let s = item.stringValue else { throw bad("\(key)[\(i)]", "a segment is named by a string") }
                    return s
                }
            default: throw bad(key, "\(key) is a list of segment names")
            }
        }
        var draft = CampaignService.Draft(name: name, template: template, segments: try names("segments"), excluded: try names("exclude"))
        if let at = body["at"], at != .null {
            guard let text = at.stringValue, let date = ISO8601.parse(text) else { throw bad("at", "at must be an ISO-8601 time") }
            draft.scheduledAt = date
        }
        if let rate = body["rate"], rate != .null {
            guard let n = rate.doubleValue, n >= 1, n == n.rounded() else { throw bad("rate", "rate is a whole number of emails a second") }
            draft.ratePerSecond = Int(n)
        }
        if let mode = body["send_time"]?.stringValue {
            guard let m = SendTime(rawValue: mode) else { throw bad("send_time", "send_time is now or optimal") }
            draft.sendTime = m
        }
        if case .bool(let t)? = body["transactional"] { draft.transactional = t }
        switch body["experiment"] {
        case nil, .null?: break
        case .object(let design)?:
            do {
                draft.experiment = try CampaignExperiment.parse(design)
            } catch {
                throw bad("experiment.\(error.field)", error.message)
            }
        default: throw bad("experiment", "experiment is an object: variants, holdout, test")
        }
        return draft
    }
}
