public import Foundation
public import TailorCore
public import TailorStore

/// The seed journeys, made with `tailor journey create NAME --from-template T [--param KEY=VALUE …]`. Each
/// names a seed email template by default, stored with it when missing, so it works out of the box.
public struct JourneyTemplate: Sendable {
    public var id: String
    public var name: String
    public var description: String
    /// Parameters and their defaults.
    public var parameters: [(name: String, default: String)]
    let build: @Sendable ([String: String]) -> JSONValue
    let seedEmails: [SeedEmail]

    /// The definition's JSON with `parameters` over the defaults.
    /// - Throws: ``RequestError`` `.invalid` naming an unknown parameter.
    public func definition(_ given: [String: String]) throws -> JSONValue {
        let known = Set(parameters.map(\.name))
        if let unknown = given.keys.sorted().first(where: { !known.contains($0) }) {
            throw RequestError(.invalid, "\(id) has no parameter \(unknown) (it has \(parameters.map(\.name).joined(separator: ", ")))",
                               field: "param")
        }
        var values: [String: String] = [:]
        for p in parameters { values[p.name] = given[p.name] ?? p.default }
        return build(values)
    }
}

/// An email template a seed journey sends by default.
struct SeedEmail: Sendable {
    var name: String
    var subject: String
    var html: String

    func template(at now: Date) -> EmailTemplate {
        EmailTemplate(name: name, subject: subject, html: html, recommendationCount: 3, createdAt: now)
    }
}

public enum JourneyTemplates {
    public static let all: [JourneyTemplate] = [abandonedCart, winBack, welcome, postPurchase]

    public static func named(_ id: String) -> JourneyTemplate? { all.first { $0.id == id } }

    static let abandonedCart = JourneyTemplate(
        id: "abandoned-cart", name: "Abandoned cart",
        description: "Product Added not followed by Order Completed within [wait]: one email with the cart's items and recommendations",
        parameters: [("wait", "5m"), ("template", "abandoned-cart")],
        build: { p in
            .object(["trigger": .object(["event": "Product Added", "not_followed_by": "Order Completed", "within": .string(p["wait"]!)]),
                     "goal": .object(["event": "Order Completed"]),
                     "steps": .array([.object(["send": .object(["template": .string(p["template"]!)])])])])
        },
        seedEmails: [SeedEmail(name: "abandoned-cart", subject: #"{{ traits.first_name | default: "Hi" }}, you left something behind"#, html: """
            <h1>Still thinking it over{% if traits.first_name %}, {{ traits.first_name }}{% endif %}?</h1>
            <p>Your cart is waiting:</p>
            <ul>{% for item in cart.items %}<li>{% if item.url %}<a href="{{ item.url }}">{{ item.name | default: item.product_id }}</a>{% else %}{{ item.name | default: item.product_id }}{% endif %} × {{ item.quantity }}{% if item.price %} — {{ item.price | money }}{% endif %}</li>{% endfor %}</ul>
            {% if cart.value > 0 %}<p>Total: {{ cart.value | money }}</p>{% endif %}
            {% if recommendations.size > 0 %}<h2>You may also like</h2>
            <ul>{% for p in recommendations %}<li><a href="{{ p.url }}">{{ p.name }}</a></li>{% endfor %}</ul>{% endif %}
            <p><a href="{{ unsubscribe_url }}">Unsubscribe</a></p>
            """)])

    static let winBack = JourneyTemplate(
        id: "win-back", name: "Win-back",
        description: "Entering [segment]: an email with a unique discount code (kept as the trait winback_code), then after [wait] a reminder; ends at an order",
        parameters: [("segment", "lapsed"), ("wait", "7d"), ("template", "win-back")],
        build: { p in
            .object(["trigger": .object(["segment_entered": .string(p["segment"]!)]), "goal": .object(["event": "Order Completed"]),
                     "reentry": .object(["once_per": "90d"]),
                     "steps": .array([.object(["set_trait": .object(["name": "winback_code", "code": true])]),
                                      .object(["send": .object(["template": .string(p["template"]!)])]), .object(["wait": .string(p["wait"]!)]),
                                      .object(["send": .object(["template": .string(p["template"]!)])])])])
        },
        seedEmails: [SeedEmail(name: "win-back", subject: #"{{ traits.first_name | default: "Hi" }}, we miss you: 15% off"#, html: """
            <h1>It has been a while{% if traits.first_name %}, {{ traits.first_name }}{% endif %}</h1>
            <p>Here is 15% off your next order with the code <strong>{{ traits.winback_code }}</strong>.</p>
            {% if recommendations.size > 0 %}<p>Picked for you:</p>
            <ul>{% for p in recommendations %}<li><a href="{{ p.url }}">{{ p.name }}</a></li>{% endfor %}</ul>{% endif %}
            <p><a href="{{ unsubscribe_url }}">Unsubscribe</a></p>
            """)])

    static let welcome = JourneyTemplate(
        id: "welcome", name: "Welcome",
        description: "The first identify: three emails at 0, [second] and [third] after it; ends at the first order",
        parameters: [("second", "2d"), ("third", "3d"), ("template", "welcome")],
        build: { p in
            .object(["trigger": .object(["event": "identify"]), "reentry": "once", "goal": .object(["event": "Order Completed"]),
                     "steps": .array([.object(["send": .object(["template": .string(p["template"]!)])]), .object(["wait": .string(p["second"]!)]),
                                      .object(["send": .object(["template": .string(p["template"]!)])]), .object(["wait": .string(p["third"]!)]),
                                      .object(["send": .object(["template": .string(p["template"]!)])])])])
        },
        seedEmails: [SeedEmail(name: "welcome", subject: #"Welcome{% if traits.first_name %}, {{ traits.first_name }}{% endif %}"#, html: """
            <h1>Welcome{% if traits.first_name %}, {{ traits.first_name }}{% endif %}!</h1>
            {% if recommendations.size > 0 %}<p>A few favourites to start with:</p>
            <ul>{% for p in recommendations %}<li><a href="{{ p.url }}">{{ p.name }}</a></li>{% endfor %}</ul>{% endif %}
            <p><a href="{{ unsubscribe_url }}">Unsubscribe</a></p>
            """)])

    static let postPurchase = JourneyTemplate(
        id: "post-purchase", name: "Post-purchase",
        description: "Order Completed, then [wait]: an email with recommendations for what goes with it",
        parameters: [("wait", "3d"), ("template", "post-purchase")],
        build: { p in
            .object(["trigger": .object(["event": "Order Completed"]),
                     "steps": .array([.object(["wait": .string(p["wait"]!)]), .object(["send": .object(["template": .string(p["template"]!)])])])])
        },
        seedEmails: [SeedEmail(name: "post-purchase", subject: "Picked to go with your order", html: """
            <h1>Thank you for your order{% if traits.first_name %}, {{ traits.first_name }}{% endif %}</h1>
            {% if recommendations.size > 0 %}<p>These go well with it:</p>
            <ul>{% for p in recommendations %}<li><a href="{{ p.url }}">{{ p.name }}</a></li>{% endfor %}</ul>{% endif %}
            <p><a href="{{ unsubscribe_url }}">Unsubscribe</a></p>
            """)])
}
