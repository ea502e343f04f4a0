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

    func addRoutes(to router: some RouterMethods<BasicRequestContext>) {
        router.get("/v1/profiles/:id") { request, context in
            // The same engine call as the dashboard's profile page, so page and API agree.
            guard let details = try await service.details(try Self.reference(context)) else { throw APIError.notFound }
            var body = ProfileJSON.profile(details.view, merges: details.merges)
            ProfileJSON.addComputedTraits(details.computedTraits, to: &body)
            body["segments"] = .array(details.segments.map { m in
                .object(["id": .string(m.segmentId), "name": m.segmentName.map { .string($0) } ?? .null, "since": ProfileJSON.time(m.since)])
            })
            body["rfm"] = ProfileJSON.rfm(details.rfm)
            var decisions: JSONObject = [:]
            for (purpose, entry) in details.consent {
                decisions[purpose.rawValue] = .object(["status": .string(entry.status.rawValue), "at": ProfileJSON.time(entry.at),
                                                       "expires_at": ProfileJSON.time(entry.expiresAt)])
            }
            body["consent"] = .object(decisions)
            return JSONResponse.make(.object(body))
        }
        router.get("/v1/profiles/:id/events") { request, context in
            let reference = try Self.reference(context)
            guard let view = try await profiles.profile(reference) else { throw APIError.notFound }
            let limit = try Self.intParameter(request, "limit", default: 50, range: 1...1000)
            let before = try request.uri.queryParameters.get("before").map { text -> Int64 in
                guard let v = Int64(text), v > 0 else {
                    throw APIError(.badRequest, code: "invalid_parameter", message: "before must be a positive integer cursor", path: "before")
                }
                return v
            }
            let events = try await events.events(of: view.id, before: before, limit: limit)
            var body: JSONObject = ["profile_id": .string(view.id.rawValue), "events": .array(events.map(ProfileJSON.event))]
            if events.count == limit, let last = events.last { body["next"] = .string(String(last.sequence)) }
            return JSONResponse.make(.object(body))
        }
    }

    /// The profile named by a route parameter (`id` unless told).
    static func reference(_ context: BasicRequestContext, parameter: String = "id") throws -> ProfileReference {
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

/// The JSON shapes of the admin API. Tailor's own fields are snake_case; a stored Segment message keeps
/// Segment's wire names (`userId`, `messageId`, `receivedAt`).
enum ProfileJSON {
    static func time(_ d: Date?) -> JSONValue { d.map { .string(ISO8601.format($0)) } ?? .null }

    /// A currency amount, rounded to the cent (sums of binary fractions print as `101.96000000000001`).
    static func money(_ amount: Double) -> JSONValue { .number((amount * 100).rounded() / 100) }

    static func profile(_ p: ProfileView, merges: [MergeRecord]) -> JSONObject {
        let s = p.state
        var traits = p.traits
        for (k, v) in p.personal.value { traits[k] = v }
        let cart: [JSONValue] = s.cart.values.sorted { $0.productId < $1.productId }.map { line in
            var o: JSONObject = ["product_id": .string(line.productId), "quantity": .number(line.quantity), "price": money(line.price)]
            if let n = line.name { o["name"] = .string(n) }
            return .object(o)
        }
        let computed: JSONObject = [
            "first_seen": time(s.firstSeen), "last_seen": time(s.lastSeen), "last_activity": time(s.lastActivity),
            "event_count": .number(Double(s.eventCount)),
            "order_count": .number(Double(s.orderCount)), "revenue": money(s.revenue),
            "last_order_at": time(s.lastOrderAt), "last_order_value": s.lastOrderValue.map(money) ?? .null,
            "average_order_value": s.averageOrderValue.map(money) ?? .null,
            "email_opens": .number(Double(s.emailOpens)), "email_clicks": .number(Double(s.emailClicks)),
            "cart": .array(cart), "cart_value": money(s.cartValue), "cart_updated_at": time(s.cartUpdatedAt),
        ]
        var identities: JSONObject = [:]
        for kind in Identity.Kind.allCases where kind != .email {
            let values = p.identities.filter { $0.kind == kind }.map { JSONValue.string($0.value) }
            if !values.isEmpty { identities[kind == .user ? "user_ids" : "anonymous_ids"] = .array(values) }
        }
        return [
            "id": .string(p.id.rawValue),
            "created_at": time(p.createdAt),
            "traits": .object(traits),
            "trait_families": .object(Dictionary(uniqueKeysWithValues: TraitFamily.group(traits).map { ($0.key.rawValue, JSONValue.object($0.value)) })),
            "computed": .object(computed),
            "identities": .object(identities),
            "event_counts": .object(p.eventCounts.mapValues { .number(Double($0)) }),
            "merges": .array(merges.map { .object(["from": .string($0.from.rawValue), "reason": .string($0.reason), "at": time($0.at)]) }),
        ]
    }

    /// RFM scores as conditions name them (`rfm.recency` …), null for a profile without orders.
    static func rfm(_ score: RFMScore?) -> JSONValue {
        guard let score else { return .null }
        var o: JSONObject = [:]
        for field in RFMField.allCases {
            switch field.value(of: score) {
            case .number(let n): o[field.rawValue] = .number(n)
            case .text(let t): o[field.rawValue] = .string(t)
            default: break
            }
        }
        return .object(o)
    }

    static func event(_ e: StoredEvent) -> JSONValue {
        var o = e.message.json
        o["cursor"] = .string(String(e.sequence))
        o["receivedAt"] = time(e.message.receivedAt)
        return .object(o)
    }
}
