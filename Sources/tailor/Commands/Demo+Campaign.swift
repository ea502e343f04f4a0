import Foundation
import TailorCore
import TailorEngine
import TailorMail
import TailorStore

extension Demo {
    /// Where the demo's campaign is delivered: a file sink, one `.eml` per email.
    static let mailFolder = "./tailor-demo-mail"

    /// Closes the loop: stores a layout and a personalized email, sends a campaign to the members of the seed
    /// segments into a file sink, and prints who got it, by segment.
    func sendCampaign(_ runtime: Runtime, settings: Settings) async throws {
        let stores = runtime.stores
        let templates = TemplateService(stores: stores, clock: runtime.clock)
        try await templates.create(EmailTemplate(name: "demo-frame", kind: .layout, html: DemoEmail.layout, createdAt: runtime.clock.now()))
        try await templates.create(EmailTemplate(name: "demo-picks", subject: DemoEmail.subject, preheader: DemoEmail.preheader, html: DemoEmail.html,
                                                 layout: "demo-frame", createdAt: runtime.clock.now()))
        let included = SegmentTemplates.all.map(\.id)
        let service = CampaignService(stores: stores, clock: runtime.clock)
        try await service.create(.init(name: "Demo Picks", template: "demo-picks", segments: included))

        let campaignSettings = try mailSettings(runtime, settings: settings)
        let progress = Console.Progress("rendering the campaign")
        let started = Date()
        let status = try await service.send("demo-picks", settings: campaignSettings) { progress.update($0, $1) }
        let rendered = Date().timeIntervalSince(started)

        let delivered = try await deliver(runtime, into: Self.mailFolder)
        let final = try await service.status("demo-picks")

        print("")
        print("campaign \"Demo Picks\" (template demo-picks, `tailor template show demo-picks`): audience \(final.campaign.audience ?? 0), "
              + "queued \(status.queued + status.sent), delivered \(delivered.sent) into \(Self.mailFolder)/ "
              + "in \(String(format: "%.1f", rendered)) s + delivery")
        let skipped = final.skipped.sorted { $0.key < $1.key }.map { "\($0.key) \($0.value)" }.joined(separator: ", ")
        if !skipped.isEmpty { print("  skipped: \(skipped)") }
        for id in included {
            var sent = 0, members = 0
            var cursor: ProfileID?
            while true {
                let page = try await stores.segments.members(of: id, after: cursor, limit: 5000)
                guard let last = page.last else { break }
                cursor = last
                members += page.count
                for profile in page where try await stores.outbox.outboxRecord(key: CampaignService.messageKey(campaign: "demo-picks", profile: profile))?
                    .status == .sent {
                    sent += 1
                }
            }
            print("  \(id.padding(toLength: 28, withPad: " ", startingAt: 0)) \(sent) of \(members) members")
        }
        let files = ((try? FileManager.default.contentsOfDirectory(atPath: Self.mailFolder)) ?? []).filter { $0.hasSuffix(".eml") }.sorted()
        if let one = files.first {
            print("Open one: \(Self.mailFolder)/\(one)   (any mail client opens .eml files)")
        }
    }


    /// How the demo sends: `TAILOR_MAIL_FROM`, else the demo shop's address.
    func mailSettings(_ runtime: Runtime, settings: Settings) throws -> CampaignSettings {
        try runtime.campaignSettings(from: try settings.mailFrom.map { try MailAddress(parsing: $0) }
            ?? MailAddress("news@shop.example.com", name: "Demo Shop"))
    }

    /// Delivers what the outbox holds into a file sink folder (one `.eml` per email), asking consent as a server would.
    func deliver(_ runtime: Runtime, into folder: String) async throws -> OutboxWorker.Summary {
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        var configuration = OutboxWorker.Configuration(workerID: "demo")
        configuration.consent = runtime.deliveryConsent
        return try await OutboxWorker(store: runtime.stores.mail, configuration: configuration, clock: runtime.clock)
            .drain(using: try FileSink(directory: URL(fileURLWithPath: folder)))
    }
}

/// The demo's email: conditional blocks per segment, first name with a fallback, city, a cart reminder and
/// recommendations (docs/CAMPAIGNS.md lists what a template can read).
enum DemoEmail {
    static let subject = #"{% if segments contains "cart-abandoners-over-50" %}{{ traits.first_name | default: "Hi" }}, your cart is waiting{% else %}Picked for you, {{ traits.first_name | default: "friend" }}{% endif %}"#
    static let preheader = #"{% if traits.city %}New this week, for {{ traits.city }}{% else %}New this week{% endif %}"#
    static let layout = """
        <!doctype html>
        <html><head><meta charset="utf-8"><title>Demo Shop</title></head>
        <body style="font-family:Helvetica,Arial,sans-serif;color:#222;max-width:600px;margin:auto">
        <p style="font-size:20px;font-weight:bold"><a href="https://shop.example.com/" style="color:#222;text-decoration:none">Demo Shop</a></p>
        {{ content }}
        <hr><p style="font-size:12px;color:#777">You get this email as a customer of Demo Shop.
        <a href="{{ unsubscribe_url }}">Unsubscribe or change your preferences</a>.</p>
        </body></html>
        """
    static let html = """
        <h1>Hello {{ traits.first_name | default: "there" }}!</h1>
        {% if segments contains "lapsed" %}<p>It has been a while{% if traits.city %} since we last saw you in {{ traits.city }}{% endif %}. Here is what is new.</p>
        {% elsif segments contains "frequent-buyers" %}<p>Thank you for being one of our best customers{% if traits.city %} in {{ traits.city }}{% endif %}.</p>
        {% else %}<p>Here are a few things we think you will like{% if traits.city %}, chosen for {{ traits.city }}{% endif %}.</p>{% endif %}
        {% if cart.items.size > 0 %}
        <h2>Still thinking it over?</h2>
        <p>Your cart holds {{ cart.item_count }} item{% if cart.item_count != 1 %}s{% endif %} worth {{ cart.value | money }}:</p>
        <ul>{% for item in cart.items %}<li>{% if item.url %}<a href="{{ item.url }}">{{ item.name | default: item.product_id }}</a>{% else %}{{ item.name | default: item.product_id }}{% endif %} × {{ item.quantity }}</li>{% endfor %}</ul>
        <p><a href="https://shop.example.com/cart">Back to your cart</a></p>
        {% endif %}
        {% if recommendations.size > 0 %}<h2>Picked for you</h2>
        <ul>{% for p in recommendations %}<li><a href="{{ p.url }}">{{ p.name }}</a>{% if p.price %} — {{ p.price | money }}{% endif %}</li>{% endfor %}</ul>{% endif %}
        {% if rfm.group == "Champions" %}<p>As one of our Champions, shipping is on us this week.</p>{% endif %}
        """
}
