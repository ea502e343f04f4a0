public import Foundation
public import Liquid
public import TailorCore
public import TailorStore

/// What an email is rendered from for one recipient: the profile and everything Tailor computed about it.
public struct EmailRecipient: Sendable {
    public var profile: ProfileAggregate
    /// Ids (slugs) of the segments the profile is in.
    public var segments: [String]
    public var computed: [ComputedTrait]
    public var rfm: RFMScore?
    public var recommendations: [Recommendation]

    public init(profile: ProfileAggregate, segments: [String] = [], computed: [ComputedTrait] = [], rfm: RFMScore? = nil,
                recommendations: [Recommendation] = []) {
        self.profile = profile
        self.segments = segments
        self.computed = computed
        self.rfm = rfm
        self.recommendations = recommendations
    }

    /// The address the email goes to: the `email` trait.
    public var email: String? {
        guard let text = profile.traits.values["email"]?.stringValue?.trimmingCharacters(in: .whitespaces), text.contains("@") else { return nil }
        return text
    }

    /// The recipient's time zone: the `timezone` trait when it names one, else the country's when it has
    /// only one, else `fallback`.
    public func timeZone(fallback: TimeZone = EmailEnvironment.utc) -> TimeZone {
        Self.timeZone(traits: profile.traits.values, fallback: fallback)
    }

    /// The time zone a profile's traits give (as ``timeZone(fallback:)``).
    public static func timeZone(traits: JSONObject, fallback: TimeZone) -> TimeZone {
        for key in ["timezone", "time_zone"] {
            if let id = traits[key]?.stringValue, let zone = TimeZone(identifier: id) { return zone }
        }
        if let country = traits["country"]?.stringValue ?? (traits["address"]?.objectValue?["country"])?.stringValue,
           let id = CountryTimeZones.zone(of: country), let zone = TimeZone(identifier: id) {
            return zone
        }
        return fallback
    }
}

/// The one bridge from a recipient to Liquid values: the render context of docs/CAMPAIGNS.md. Its names
/// are the condition language's (`traits.city`, `profile.order_count`, `rfm.group`, `computed.cluster`), so
/// a marketer learns one vocabulary.
public enum EmailContext {
    /// What the context says about the send.
    public struct Send: Sendable {
        public var campaignID: String?
        public var campaignName: String?
        /// The campaign experiment's variant (`campaign.variant`).
        public var variant: String?
        /// The recipient's unsubscribe and preference page.
        public var unsubscribeURL: String
        /// The email's web version.
        public var viewURL: String
        public var currency: String
        /// The journey sending it, and the event that started the run (`event.properties.cart_id` …).
        public var journeyID: String?
        public var journeyName: String?
        public var event: Message?

        public init(campaignID: String? = nil, campaignName: String? = nil, unsubscribeURL: String = "", viewURL: String = "",
                    currency: String = "USD", journeyID: String? = nil, journeyName: String? = nil, event: Message? = nil) {
            self.campaignID = campaignID
            self.campaignName = campaignName
            self.unsubscribeURL = unsubscribeURL
            self.viewURL = viewURL
            self.currency = currency
            self.journeyID = journeyID
            self.journeyName = journeyName
            self.event = event
        }
    }

    /// The context of one recipient. `catalog` fills the cart's product details.
    public static func make(_ r: EmailRecipient, catalog: [String: Product], send: Send) -> LiquidObject {
        let p = r.profile
        var context = LiquidObject()
        context["traits"] = value(.object(traitsWithAliases(p.traits.values)))

        var profile = LiquidObject()
        profile["id"] = .string(p.id.rawValue)
        profile["user_id"] = p.userIds.first.map { .string($0) } ?? .null
        profile["email"] = r.email.map { .string($0) } ?? .null
        for field in ProfileField.allCases { profile[field.rawValue] = value(field.value(of: p.state, createdAt: p.createdAt)) }
        context["profile"] = .object(profile)

        var computed = LiquidObject()
        for trait in r.computed { computed[trait.name] = value(trait.json) }
        context["computed"] = .object(computed)

        var rfm = LiquidObject()
        if r.rfm != nil { for field in RFMField.allCases { rfm[field.rawValue] = value(field.value(of: r.rfm)) } }
        context["rfm"] = .object(rfm)

        context["segments"] = .array(r.segments.map { .string($0) })

        var cart = LiquidObject()
        cart["items"] = .array(p.state.cart.values.sorted { $0.productId < $1.productId }.map { line in
            var item = product(catalog[line.productId], id: line.productId, name: line.name, price: line.price)
            item["quantity"] = number(line.quantity)
            return .object(item)
        })
        cart["value"] = .double(p.state.cartValue)
        cart["item_count"] = .int(p.state.cart.count)
        context["cart"] = .object(cart)

        context["recommendations"] = .array(r.recommendations.map { rec in
            .object(product(rec.product ?? catalog[rec.productId], id: rec.productId, name: nil, price: nil))
        })
        var campaign = LiquidObject()
        campaign["id"] = send.campaignID.map { .string($0) } ?? .null
        campaign["name"] = send.campaignName.map { .string($0) } ?? .null
        campaign["variant"] = send.variant.map { .string($0) } ?? .null
        context["campaign"] = .object(campaign)
        if let journeyID = send.journeyID {
            var journey = LiquidObject()
            journey["id"] = .string(journeyID)
            journey["name"] = send.journeyName.map { .string($0) } ?? .null
            context["journey"] = .object(journey)
        }
        if let e = send.event {
            var event = LiquidObject()
            event["name"] = .string(e.eventName)
            event["timestamp"] = .string(ISO8601.format(e.timestamp))
            event["properties"] = value(.object(e.properties))
            context["event"] = .object(event)
        }
        context["unsubscribe_url"] = .string(send.unsubscribeURL)
        context["preferences_url"] = .string(send.unsubscribeURL)
        context["view_in_browser_url"] = .string(send.viewURL)
        context["currency"] = .string(send.currency)
        return context
    }

    /// Segment's reserved traits are camelCase (`firstName`); templates may read them at their snake_case
    /// names too (`traits.first_name`), which win when a profile has both.
    static let aliases = ["firstName": "first_name", "lastName": "last_name", "createdAt": "created_at", "postalCode": "postal_code"]

    static func traitsWithAliases(_ traits: JSONObject) -> JSONObject {
        var out = traits
        for (camel, snake) in aliases where out[snake] == nil {
            if let v = traits[camel] { out[snake] = v }
        }
        return out
    }

    /// A product's fields: the catalog's, else what its events carried.
    static func product(_ product: Product?, id: String, name: String?, price: Double?) -> LiquidObject {
        var o = LiquidObject()
        o["product_id"] = .string(id)
        o["name"] = (product?.name ?? name).map { .string($0) } ?? .null
        o["price"] = (product?.price ?? price).map { .double($0) } ?? .null
        o["url"] = product?.url.map { .string($0) } ?? .null
        o["image_url"] = product?.imageUrl.map { .string($0) } ?? .null
        o["category"] = product?.category.map { .string($0) } ?? .null
        return o
    }

    /// A JSON value as Liquid sees it (whole numbers as integers, so `{{ n }}` prints `3`, not `3.0`).
    public static func value(_ json: JSONValue) -> Value {
        switch json {
        case .null: .null
        case .bool(let b): .bool(b)
        case .number(let d): number(d)
        case .string(let s): .string(s)
        case .array(let a): .array(a.map(value))
        case .object(let o):
            .object({
                var out = LiquidObject(minimumCapacity: o.count)
                for key in o.keys.sorted() { out[key] = value(o[key]!) }
                return out
            }())
        }
    }

    static func value(_ field: FieldValue) -> Value {
        switch field {
        case .number(let n): number(n)
        case .time(let d): .string(ISO8601.format(d))
        case .text(let t): .string(t)
        case .missing: .null
        }
    }

    static func number(_ d: Double) -> Value {
        if d.rounded() == d, abs(d) < 9e15 { return .int(Int(d)) }
        return .double(d)
    }
}
