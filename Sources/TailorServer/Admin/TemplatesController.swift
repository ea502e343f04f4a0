import Foundation
import Hummingbird
import TailorCore
import TailorEngine
import TailorStore

/// The admin API for stored templates (docs/CAMPAIGNS.md): `GET/POST /v1/templates`,
/// `GET/PATCH/DELETE /v1/templates/{name}`, `GET /v1/templates/{name}/preview?profile=ID` and
/// `GET /v1/templates/{name}/check?segment=SEG` (the fallback report).
struct TemplatesController: Sendable {
    let service: TemplateService
    let campaigns: CampaignService
    /// What previews render with: the server's campaign settings, else placeholders (a preview sends nothing).
    let settings: CampaignSettings
    /// Records each preview for a profile in the access log.
    let privacy: PrivacyService

    static let maximumBody = 1 << 20

    func addRoutes(to router: some RouterMethods<TailorRequestContext>) {
        router.get("/v1/templates") { _, _ in
            JSONResponse.make(["templates": .array(try await service.list().map { .object($0.summaryJSON) })])
        }
        router.post("/v1/templates") { request, _ in
            let body = try await request.jsonObject(upTo: Self.maximumBody)
            guard case .string(let name)? = body["name"] else {
                throw APIError(.badRequest, code: "invalid_template", message: "missing name", path: "name")
            }
            var template = EmailTemplate(name: name, html: "", createdAt: Date())
            try Self.apply(body, to: &template)
            return JSONResponse.make(.object(try await service.create(template).json), status: .created)
        }
        router.get("/v1/templates/:name") { _, context in
            JSONResponse.make(.object(try await service.template(try Self.name(context)).json))
        }
        router.patch("/v1/templates/:name") { request, context in
            let body = try await request.jsonObject(upTo: Self.maximumBody)
            var problem: APIError?
            let updated = try await service.update(try Self.name(context)) { t in
                do { try Self.apply(body, to: &t) } catch let e as APIError { problem = e } catch {}
            }
            if let problem { throw problem }
            return JSONResponse.make(.object(updated.json))
        }
        router.delete("/v1/templates/:name") { _, context in
            try await service.delete(try Self.name(context))
            return Response(status: .noContent)
        }
        router.get("/v1/templates/:name/preview") { request, context in
            guard let text = request.uri.queryParameters.get("profile"), let reference = ProfileReference(text.removingPercentEncoding ?? text) else {
                throw APIError(.badRequest, code: "invalid_parameter", message: "profile names a profile by id, user:…, email:… or anonymous:…",
                               path: "profile")
            }
            let access = try request.adminAccess("GET /v1/templates/{name}/preview", by: context)
            let email = try await campaigns.preview(template: try Self.name(context), profile: reference, settings: settings)
            try await privacy.recordAccess(to: reference, access)
            return JSONResponse.make(["subject": .string(email.subject), "preheader": .string(email.preheader),
                                      "text": .string(email.plainText), "html": .string(email.html)])
        }
        router.get("/v1/templates/:name/check") { request, context in
            guard let segment = request.uri.queryParameters.get("segment") else {
                throw APIError(.badRequest, code: "invalid_parameter", message: "segment is required", path: "segment")
            }
            return JSONResponse.make(.object(try await campaigns.fallbackReport(template: try Self.name(context), segment: String(segment)).json))
        }
    }

    static func name(_ context: TailorRequestContext) throws -> String {
        guard let raw = context.parameters.get("name") else { throw APIError(.notFound, code: "not_found", message: "no such template") }
        return raw.removingPercentEncoding ?? raw
    }

    /// The fields a body gives, onto a template: `kind`, `subject`, `preheader`, `html`, `text`, `layout`,
    /// `from` (null clears the optional ones), `recommendations`.
    static func apply(_ body: JSONObject, to t: inout EmailTemplate) throws {
        func text(_ key: String) throws -> String? {
            switch body[key] {
            case nil, .null?: return nil
            case .string(let s)?: return s
            default: throw APIError(.badRequest, code: "invalid_template", message: "\(key) must be a string", path: key)
            }
        }
        if let kind = try text("kind") {
            guard let k = EmailTemplate.Kind(rawValue: kind) else {
                throw APIError(.badRequest, code: "invalid_template", message: "kind is email, layout or partial", path: "kind")
            }
            t.kind = k
        }
        if let s = try text("subject") { t.subject = s }
        if let s = try text("preheader") { t.preheader = s }
        if let s = try text("html") { t.html = s }
        if body["text"] != nil { t.text = try text("text") }
        if body["layout"] != nil { t.layout = try text("layout") }
        if body["from"] != nil { t.from = try text("from") }
        if let n = body["recommendations"] {
            guard let count = n.doubleValue, count == count.rounded() else {
                throw APIError(.badRequest, code: "invalid_template", message: "recommendations must be a whole number", path: "recommendations")
            }
            t.recommendationCount = Int(count)
        }
    }
}
