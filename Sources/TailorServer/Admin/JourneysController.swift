import Foundation
import Hummingbird
import TailorCore
import TailorEngine
import TailorStore

/// The admin API for journeys (docs/JOURNEYS.md): `GET/POST /v1/journeys`, `GET /v1/journeys/{id}` (definition
/// and runs counted per step), and `POST /v1/journeys/{id}/pause|resume|archive`.
struct JourneysController: Sendable {
    let service: JourneyService

    static let maximumBody = 256 * 1024

    func addRoutes(to router: some RouterMethods<TailorRequestContext>) {
        router.get("/v1/journeys") { _, _ in
            var items: [JSONValue] = []
            for j in try await service.list() { items.append(.object(try await status(j.id))) }
            return JSONResponse.make(["journeys": .array(items)])
        }
        // `{"name", "definition": {...}}`, or `{"name", "from_template": T, "params": {KEY: VALUE}}`.
        router.post("/v1/journeys") { request, _ in
            let body = try await request.jsonObject(upTo: Self.maximumBody)
            func bad(_ path: String, _ message: String) -> APIError { APIError(.badRequest, code: "invalid_journey", message: message, path: path) }
            let name = body["name"]?.stringValue
            let created: JourneyRecord
            switch (body["definition"], body["from_template"]) {
            case (let definition?, nil):
                guard let name else { throw bad("name", "missing name") }
                created = try await service.create(name: name, json: definition)
            case (nil, .string(let template)?):
                var params: [String: String] = [:]
                if let p = body["params"], p != .null {
                    guard case .object(let o) = p else { throw bad("params", "params is an object of texts") }
                    for (k, v) in o {
                        guard let s = v.stringValue else { throw bad("params.\(k)", "expected a text") }
                        params[k] = s
                    }
                }
                created = try await service.create(name: name, fromTemplate: template, parameters: params)
            default:
                throw bad("definition", "give either definition or from_template")
            }
            return JSONResponse.make(.object(try await status(created.id)), status: .created)
        }
        router.get("/v1/journeys/:id") { _, context in
            JSONResponse.make(.object(try await status(try Self.id(context))))
        }
        router.post("/v1/journeys/:id/pause") { _, context in try await move(context, to: .paused) }
        router.post("/v1/journeys/:id/resume") { _, context in try await move(context, to: .active) }
        router.post("/v1/journeys/:id/archive") { _, context in try await move(context, to: .archived) }
    }

    func status(_ id: String) async throws -> JSONObject { try await service.status(id).json }

    func move(_ context: TailorRequestContext, to state: JourneyState) async throws -> Response {
        let j = try await service.setState(try Self.id(context), state)
        return JSONResponse.make(.object(try await status(j.id)))
    }

    static func id(_ context: TailorRequestContext) throws -> String {
        guard let raw = context.parameters.get("id") else { throw APIError(.notFound, code: "not_found", message: "no such journey") }
        return raw.removingPercentEncoding ?? raw
    }
}
