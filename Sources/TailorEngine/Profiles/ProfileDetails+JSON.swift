public import Foundation
public import TailorCore
public import TailorStore

/// The JSON shapes of the admin API. Tailor's own fields are snake_case; a stored Segment message keeps
/// Segment's wire names (`userId`, `messageId`, `receivedAt`).
public enum ProfileJSON {
    public static func time(_ d: Date?) -> JSONValue { d.map { .string(ISO8601.format($0)) } ?? .null }

    /// A currency amount, rounded to the cent (sums of binary fractions print as `101.96000000000001`).
    public static func money(_ amount: Double) -> JSONValue { .number((amount * 100).rounded() / 100) }

    public static func profile(_ p: ProfileView, merges: [MergeRecord]) -> JSONObject {
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
    public static func rfm(_ score: RFMScore?) -> JSONValue {
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

    public static func event(_ e: StoredEvent) -> JSONValue {
        var o = e.message.json
        o["cursor"] = .string(String(e.sequence))
        o["receivedAt"] = time(e.message.receivedAt)
        return .object(o)
    }

    /// Adds the models' computed traits (`cluster`, `cluster_label`, `predicted_clv`, `probability_alive`,
    /// `expected_purchases_90d`, `engagement_score`) to the profile's `computed` object, with
    /// `models_updated_at`, the newest time one of them was written.
    public static func addComputedTraits(_ traits: [ComputedTrait], to profile: inout JSONObject) {
        guard !traits.isEmpty, case .object(var computed)? = profile["computed"] else { return }
        for t in traits { computed[t.name] = t.json }
        computed["models_updated_at"] = time(traits.compactMap(\.updatedAt).max())
        profile["computed"] = .object(computed)
    }
}

extension ProfileDetails {
    /// The profile as `GET /v1/profiles/{id}`, the dashboard and the privacy export show it: traits (personal
    /// ones opened), computed state and traits, identities, merges, segments with since when, RFM and the
    /// current consent decisions.
    public var json: JSONObject {
        var body = ProfileJSON.profile(view, merges: merges)
        ProfileJSON.addComputedTraits(computedTraits, to: &body)
        body["segments"] = .array(segments.map { m in
            .object(["id": .string(m.segmentId), "name": m.segmentName.map { .string($0) } ?? .null, "since": ProfileJSON.time(m.since)])
        })
        body["rfm"] = ProfileJSON.rfm(rfm)
        var decisions: JSONObject = [:]
        for (purpose, entry) in consent {
            decisions[purpose.rawValue] = .object(["status": .string(entry.status.rawValue), "at": ProfileJSON.time(entry.at),
                                                   "expires_at": ProfileJSON.time(entry.expiresAt)])
        }
        body["consent"] = .object(decisions)
        return body
    }
}
