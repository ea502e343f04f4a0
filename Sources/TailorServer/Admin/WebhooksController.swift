import Foundation
import Hummingbird
import TailorCore
import TailorEngine
import TailorStore

/// The admin API for outgoing webhooks (docs/WEBHOOKS.md): `GET/POST /v1/webhooks`, `DELETE /v1/webhooks/{id}`
/// and `GET /v1/webhooks/{id}/calls` (the delivery log). The secret is written, never read back.
struct WebhooksController: Sendable {
    let service: WebhookService

    static let maximumBody = 64 * 1024

    func addRoutes(to router: some RouterMethods<TailorRequestContext>) {
        router.get("/v1/webhooks") { _, _ in
            JSONResponse.make(["webhooks": .array(try await service.list().map(\.json))])
        }
        // `{"url", "events": [NAME, …], "segment"?, "secret"}`.
        router.post("/v1/webhooks") { request, _ in
            let body = try await request.jsonObject(upTo: Self.maximumBody)
            let request = try Self.subscription(body)
            do {
                let created = try await service.create(url: request.url, events: request.events, segment: request.segment, secret: request.secret)
                return JSONResponse.make(created.json, status: .created)
            } catch let e as RequestError where e.code == .invalid {
                throw Self.bad(e.field ?? "", e.message)
            }
        }
        router.delete("/v1/webhooks/:id") { _, context in
            try await service.delete(try Self.id(context))
            return Response(status: .noContent)
        }
        router.get("/v1/webhooks/:id/calls") { request, context in
            var limit = 100
            if let text = request.uri.queryParameters.get("limit") {
                guard let n = Int(text), (1...1000).contains(n) else { throw Self.bad("limit", "expected a whole number from 1 to 1000") }
                limit = n
            }
            let calls = try await service.calls(of: try Self.id(context), limit: limit)
            return JSONResponse.make(["calls": .array(calls.map(\.json))])
        }
    }

    /// The fields of a create request, each checked for its type (the service checks their values).
    static func subscription(_ body: JSONObject) throws -> (url: String, events: [String], segment: String?, secret: String) {
        guard let url = body["url"]?.stringValue else { throw bad("url", "expected an http or https URL") }
        guard case .array(let list)? = body["events"] else { throw bad("events", "expected a list of event names") }
        var events: [String] = []
        for (i, e) in list.enumerated() {
            guard let name = e.stringValue else { throw bad("events[\(i)]", "expected an event name") }
            events.append(name)
        }
        var segment: String?
        switch body["segment"] {
        case nil, .null?: segment = nil
        case .string(let s)?:
            guard isIdentifier(s) else { throw unknown("segment") }
            segment = s
        default: throw bad("segment", "expected a segment id")
        }
        guard let secret = body["secret"]?.stringValue else { throw bad("secret", "expected a signing secret of 16 to 256 characters") }
        return (url, events, segment, secret)
    }

    static func bad(_ path: String, _ message: String) -> APIError {
        APIError(.badRequest, code: "invalid_webhook", message: message, path: path)
    }

    static func unknown(_ path: String) -> APIError {
        APIError(.notFound, code: RequestError.Code.notFound.rawValue, message: path == "id" ? "no such webhook" : "no such segment", path: path)
    }

    /// An id no store could hold (too long, a NUL) is answered as unknown without asking the store.
    static func isIdentifier(_ text: String) -> Bool { !text.isEmpty && text.utf8.count <= 200 && !text.utf8.contains(0) }

    static func id(_ context: TailorRequestContext) throws -> String {
        let raw = context.parameters.get("id") ?? ""
        let id = raw.removingPercentEncoding ?? raw
        guard isIdentifier(id) else { throw unknown("id") }
        return id
    }
}
