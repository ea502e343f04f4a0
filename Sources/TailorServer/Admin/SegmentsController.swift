import Foundation
import Hummingbird
import TailorCore
import TailorEngine
import TailorStore

/// The admin API for segments (secret key, `Authorization: Bearer`), see docs/SEGMENTS.md.
///
/// `GET/POST /v1/segments`, `GET/PUT/DELETE /v1/segments/{id}`, `GET /v1/segments/{id}/members`
/// (`?format=csv` exports the audience computed now, `&pseudonymize=true` with keyed pseudonyms instead of ids;
/// `?count=true` counts), `GET /v1/segments/{id}/explain/{profile}`, `GET /v1/segments/templates`,
/// `GET /v1/segments/audit`. People refused `personalization` are left out of the members of a segment that reads
/// behaviour (docs/PRIVACY.md).
struct SegmentsController: Sendable {
    let segments: any SegmentStore
    let profiles: any ProfileStore
    let service: SegmentService
    var personalization: PersonalizationConsent? = nil
    var pseudonymizer: Pseudonymizer? = nil

    static let maximumBody = 256 * 1024

    func addRoutes(to router: some RouterMethods<TailorRequestContext>) {
        router.get("/v1/segments") { request, _ in
            var items: [JSONValue] = []
            for d in try await segments.segments() {
                items.append(.object(Self.json(d, size: try await segments.memberCount(of: d.id))))
            }
            return JSONResponse.make(["segments": .array(items)])
        }
        router.get("/v1/segments/templates") { request, _ in
            return JSONResponse.make(["templates": .array(SegmentTemplates.all.map { t in
                ["id": .string(t.id), "name": .string(t.name), "description": .string(t.description), "text": .string(t.text),
                 "where": t.condition.json]
            })])
        }
        router.get("/v1/segments/audit") { request, _ in
            return JSONResponse.make(try await service.audit().json)
        }
        router.post("/v1/segments") { request, _ in
            let body = try await request.jsonObject(upTo: Self.maximumBody)
            let (def, refresh) = try await self.save(body, id: nil, replacing: false)
            var o = Self.json(def, size: try await segments.memberCount(of: def.id))
            o["refresh"] = Self.json(refresh)
            return JSONResponse.make(.object(o), status: .created)
        }
        router.get("/v1/segments/:id") { request, context in
            let def = try await self.segment(context)
            return JSONResponse.make(.object(Self.json(def, size: try await segments.memberCount(of: def.id))))
        }
        router.put("/v1/segments/:id") { request, context in
            let existing = try await self.segment(context)
            var body = try await request.jsonObject(upTo: Self.maximumBody)
            if body["name"] == nil { body["name"] = .string(existing.name) }
            let (def, refresh) = try await self.save(body, id: existing.id, replacing: true)
            var o = Self.json(def, size: try await segments.memberCount(of: def.id))
            o["refresh"] = Self.json(refresh)
            return JSONResponse.make(.object(o))
        }
        router.delete("/v1/segments/:id") { request, context in
            let def = try await self.segment(context)
            do {
                try await service.deleteSegment(def.id)
            } catch let e as SegmentDefinitionError {
                throw APIError(e)
            }
            return Response(status: .noContent)
        }
        router.get("/v1/segments/:id/members") { request, context in
            let def = try await self.segment(context)
            let query = request.uri.queryParameters
            if query.get("format") == "csv" {
                var pseudonymizer: Pseudonymizer?
                switch query.get("pseudonymize") {
                case nil, "false": break
                case "true":
                    guard let p = self.pseudonymizer else {
                        throw APIError(.conflict, code: "not_configured", message: "pseudonymized exports are not configured on this server")
                    }
                    pseudonymizer = p
                default:
                    throw APIError(.badRequest, code: "invalid_parameter", message: "pseudonymize is true or false", path: "pseudonymize")
                }
                var csv = ""
                _ = try await service.exportCSV(def.condition, pseudonymizer: pseudonymizer, personalization: self.personalization) { csv += $0 }
                return Response(status: .ok, headers: [.contentType: "text/csv; charset=utf-8",
                                                       .contentDisposition: "attachment; filename=\"\(def.id).csv\""],
                                body: ResponseBody(byteBuffer: ByteBuffer(string: csv)))
            }
            if query.get("count") == "true" {
                return JSONResponse.make(["segment": .string(def.id), "count": .number(Double(try await segments.memberCount(of: def.id)))])
            }
            let limit = try ProfilesController.intParameter(request, "limit", default: 100, range: 1...10_000)
            let after = query.get("after").map { ProfileID($0) }
            let page = try await segments.members(of: def.id, after: after, limit: limit)
            var members = page
            if let personalization, try SegmentCatalog(try await segments.segments()).behavioural.contains(def.id) {
                let refused = try await personalization.refused(page)
                members.removeAll { refused.contains($0) }
            }
            let users = try await segments.userIds(of: members)
            var body: JSONObject = ["segment": .string(def.id), "members": .array(members.map { id in
                var o: JSONObject = ["profile_id": .string(id.rawValue)]
                if let u = users[id] { o["user_id"] = .string(u) }
                return .object(o)
            })]
            if page.count == limit, let last = page.last { body["next"] = .string(last.rawValue) }
            return JSONResponse.make(.object(body))
        }
        router.get("/v1/segments/:id/explain/:profile") { request, context in
            let def = try await self.segment(context)
            let reference = try ProfilesController.reference(context, parameter: "profile")
            guard let view = try await profiles.profile(reference),
                  let explanation = try await service.explain(segment: def, profile: view.id)
            else { throw APIError.notFound }
            return JSONResponse.make(["segment": .string(def.id), "profile_id": .string(view.id.rawValue), "member": .bool(explanation.held),
                                      "explanation": explanation.json])
        }
    }

    func segment(_ context: TailorRequestContext) async throws -> SegmentDefinition {
        guard let id = context.parameters.get("id"), let def = try await segments.segment(id.removingPercentEncoding ?? id) else {
            throw APIError(.notFound, code: "not_found", message: "no such segment")
        }
        return def
    }

    /// Creates (or, `replacing`, updates) from `{"name", "description", "where"}` (`where`: the JSON form, or the
    /// text form as a string) or `{"from_template": "lapsed", "name"?}`.
    func save(_ body: JSONObject, id: String?, replacing: Bool) async throws -> (SegmentDefinition, SegmentRefresh) {
        do {
            if case .string(let template)? = body["from_template"] {
                return try await service.define(template: template, name: body["name"]?.stringValue)
            }
            guard case .string(let name)? = body["name"] else {
                throw APIError(.badRequest, code: "invalid_segment", message: "missing name", path: "name")
            }
            let condition: Condition
            switch body["where"] {
            case .string(let text)?:
                do { condition = try Condition(text: text) } catch {
                    throw APIError(.badRequest, code: "invalid_condition", message: "where: " + error.description, path: "where")
                }
            case let json?:
                do { condition = try Condition(json: json) } catch {
                    throw APIError(.badRequest, code: "invalid_condition", message: error.message, path: error.path)
                }
            case nil:
                throw APIError(.badRequest, code: "invalid_segment", message: "missing where (the condition)", path: "where")
            }
            return try await service.define(name: name, id: id ?? body["id"]?.stringValue, description: body["description"]?.stringValue ?? "",
                                            condition: condition, replacing: replacing)
        } catch let e as SegmentDefinitionError {
            throw APIError(e)
        }
    }

    static func json(_ d: SegmentDefinition, size: Int) -> JSONObject {
        ["id": .string(d.id), "name": .string(d.name), "description": .string(d.description), "where": d.condition.json,
         "text": .string(d.condition.text), "size": .number(Double(size)), "created_at": .string(ISO8601.format(d.createdAt)),
         "updated_at": .string(ISO8601.format(d.updatedAt))]
    }

    static func json(_ r: SegmentRefresh) -> JSONValue {
        ["evaluated": .number(Double(r.evaluated)), "entered": .number(Double(r.entered)), "exited": .number(Double(r.exited))]
    }
}
