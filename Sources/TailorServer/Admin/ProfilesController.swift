import Foundation
import Hummingbird
import TailorCore
import TailorEngine
import TailorStore

/// The admin API for profiles (secret key, `Authorization: Bearer`).
///
/// `GET /v1/profiles/{id}` where id is Tailor's id, `user:<userId>`, `email:<address>` or
/// `anonymous:<id>`; `GET /v1/profiles/{id}/events?limit=50&before=<cursor>`, newest first.
struct ProfilesController: Sendable {
    let profiles: any ProfileStore
    let events: any EventStore
    let service: ProfileService
    /// Records each read in the access log.
    let privacy: PrivacyService

    func addRoutes(to router: some RouterMethods<TailorRequestContext>) {
        router.get("/v1/profiles/:id") { request, context in
            // The same engine call as the dashboard's profile page, so page and API agree.
            let access = try request.adminAccess("GET /v1/profiles/{id}", by: context)
            guard let details = try await service.details(try Self.reference(context)) else { throw APIError.notFound }
            try await privacy.recordAccess(to: details.view.id, access)
            return JSONResponse.make(.object(details.json))
        }
        router.get("/v1/profiles/:id/events") { request, context in
            let reference = try Self.reference(context)
            let access = try request.adminAccess("GET /v1/profiles/{id}/events", by: context)
            guard let view = try await profiles.profile(reference) else { throw APIError.notFound }
            let limit = try Self.intParameter(request, "limit", default: 50, range: 1...1000)
            let before = try request.uri.queryParameters.get("before").map { text -> Int64 in
                guard let v = Int64(text), v > 0 else {
                    throw APIError(.badRequest, code: "invalid_parameter", message: "before must be a positive integer cursor", path: "before")
                }
                return v
            }
            let events = try await events.events(of: view.id, before: before, limit: limit)
            try await privacy.recordAccess(to: view.id, access)
            var body: JSONObject = ["profile_id": .string(view.id.rawValue), "events": .array(events.map(ProfileJSON.event))]
            if events.count == limit, let last = events.last { body["next"] = .string(String(last.sequence)) }
            return JSONResponse.make(.object(body))
        }
    }

    /// The profile named by a route parameter (`id` unless told).
    static func reference(_ context: TailorRequestContext, parameter: String = "id") throws -> ProfileReference {
        guard let raw = context.parameters.get(parameter), let reference = ProfileReference(raw.removingPercentEncoding ?? raw) else {
            throw APIError(.badRequest, code: "invalid_profile_reference",
                           message: "a profile is named by its id (p_…), user:<userId>, email:<address> or anonymous:<id>", path: parameter)
        }
        return reference
    }

    static func intParameter(_ request: Request, _ name: String, default value: Int, range: ClosedRange<Int>) throws -> Int {
        guard let text = request.uri.queryParameters.get(name) else { return value }
        guard let v = Int(text), range.contains(v) else {
            throw APIError(.badRequest, code: "invalid_parameter", message: "\(name) must be an integer in \(range.lowerBound)...\(range.upperBound)",
                           path: name)
        }
        return v
    }
}
