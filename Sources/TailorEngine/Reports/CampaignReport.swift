public import Foundation
public import TailorCore
public import TailorStore

/// What a campaign earned, computed from its email events and its recipients' orders (pure: the events are
/// read by ``ReportService``). Definitions (docs/REPORTS.md):
/// - `sent`, `delivered`, `bounced`, `unique_opens`, `unique_clicks`, `unsubscribes`: distinct recipients
///   with such an event of the campaign. Opens flagged as machine opens (privacy proxies) are left out of
///   `unique_opens` and counted in `machine_opens` (recipients with one); clicks flagged as a scanner's, or
///   made within 2 seconds of the delivery, are left out and counted in `bot_clicks`.
/// - A **conversion** is an `Order Completed` within the attribution window after a human click on the
///   campaign's email (or an open, when opens count), when no later click on another email came between:
///   the last touch gets it. Its value is the order's (the revenue rule). Machine opens and bot clicks never
///   earn one.
/// - `revenue_per_recipient` is revenue ÷ emails sent; `click_through_rate` unique clicks ÷ delivered;
///   `click_to_open_rate` unique clicks ÷ unique opens.
public struct CampaignReport: Sendable, Hashable {
    public var campaign: String
    public var recipients = 0
    public var sent = 0
    public var delivered = 0
    public var bounced = 0
    public var uniqueOpens = 0
    public var machineOpens = 0
    public var uniqueClicks = 0
    public var botClicks = 0
    public var unsubscribes = 0
    public var conversions = 0
    public var revenue = 0.0
    /// Seconds after a touch in which an order counts.
    public var window: TimeInterval
    public var opensCount: Bool

    public var revenuePerRecipient: Double { sent > 0 ? revenue / Double(sent) : 0 }
    public var clickThroughRate: Double { delivered > 0 ? Double(uniqueClicks) / Double(delivered) : 0 }
    public var clickToOpenRate: Double { uniqueOpens > 0 ? Double(uniqueClicks) / Double(uniqueOpens) : 0 }

    /// A click this soon after the delivery is a link scanner's, not a person's.
    public static let botClickDelay: TimeInterval = 2

    /// - Parameters:
    ///   - events: the campaign's email events.
    ///   - otherClicks: human clicks of the recipients on every email (this campaign's included or not).
    ///   - orders: the recipients' orders.
    public static func compute(campaign: String, recipients: Int, events: [EmailEvent], otherClicks: [EmailEvent], orders: [OrderEvent],
                               window: TimeInterval, opensCount: Bool) -> CampaignReport {
        var r = CampaignReport(campaign: campaign, recipients: recipients, window: window, opensCount: opensCount)
        func distinct(_ name: String, _ keep: (EmailEvent) -> Bool = { _ in true }) -> Set<ProfileID> {
            Set(events.filter { $0.name == name && keep($0) }.map(\.profileID))
        }
        var deliveredAt: [ProfileID: Date] = [:]
        for e in events where e.name == TailorEvent.emailDelivered { deliveredAt[e.profileID] = min(deliveredAt[e.profileID] ?? e.timestamp, e.timestamp) }
        func isBot(_ e: EmailEvent) -> Bool {
            e.machine || deliveredAt[e.profileID].map { e.timestamp.timeIntervalSince($0) < botClickDelay && e.timestamp >= $0 } == true
        }
        r.sent = distinct(TailorEvent.emailSent).count
        r.delivered = distinct(TailorEvent.emailDelivered).count
        r.bounced = distinct(TailorEvent.emailBounced).count
        r.uniqueOpens = distinct(TailorEvent.emailOpened) { !$0.machine }.count
        r.machineOpens = distinct(TailorEvent.emailOpened) { $0.machine }.count
        let humanClicks = events.filter { $0.name == TailorEvent.emailClicked && !isBot($0) }
        r.uniqueClicks = Set(humanClicks.map(\.profileID)).count
        r.botClicks = events.filter { $0.name == TailorEvent.emailClicked && isBot($0) }.count
        r.unsubscribes = distinct(TailorEvent.unsubscribed).count

        // Touches per profile: this campaign's human clicks (and opens, when they count), and other emails' clicks.
        var touches: [ProfileID: [(at: Date, ours: Bool)]] = [:]
        for e in humanClicks { touches[e.profileID, default: []].append((e.timestamp, true)) }
        if opensCount {
            for e in events where e.name == TailorEvent.emailOpened && !e.machine { touches[e.profileID, default: []].append((e.timestamp, true)) }
        }
        for e in otherClicks where e.campaign != campaign { touches[e.profileID, default: []].append((e.timestamp, false)) }
        for order in orders {
            let before = (touches[order.profileID] ?? []).filter { $0.at <= order.timestamp && order.timestamp.timeIntervalSince($0.at) <= window }
            guard let last = before.max(by: { $0.at < $1.at }), last.ours else { continue }
            r.conversions += 1
            r.revenue += order.value
        }
        return r
    }

    /// The report as JSON (money to the cent, rates to 4 decimals).
    public var json: JSONObject {
        func cents(_ v: Double) -> JSONValue { .number((v * 100).rounded() / 100) }
        func rate(_ v: Double) -> JSONValue { .number((v * 10_000).rounded() / 10_000) }
        return [
            "campaign": .string(campaign), "recipients": .number(Double(recipients)), "sent": .number(Double(sent)),
            "delivered": .number(Double(delivered)), "bounced": .number(Double(bounced)), "unique_opens": .number(Double(uniqueOpens)),
            "machine_opens": .number(Double(machineOpens)), "unique_clicks": .number(Double(uniqueClicks)), "bot_clicks": .number(Double(botClicks)),
            "unsubscribes": .number(Double(unsubscribes)), "conversions": .number(Double(conversions)), "revenue": cents(revenue),
            "revenue_per_recipient": cents(revenuePerRecipient), "click_through_rate": rate(clickThroughRate),
            "click_to_open_rate": rate(clickToOpenRate),
            "attribution": .object(["window_days": .number(window / 86_400), "opens_count": .bool(opensCount)]),
        ]
    }
}

/// Campaign reports on the store.
public struct ReportService: Sendable {
    public let stores: Stores

    public init(stores: Stores) { self.stores = stores }

    /// The report of a campaign (by id or name).
    /// - Parameters:
    ///   - window: how long after a touch an order counts (default 5 days).
    ///   - opensCount: whether a (human) open is a touch, as a click is.
    /// - Throws: ``RequestError`` `.notFound`.
    public func campaign(_ idOrName: String, window: TimeInterval = 5 * 86_400, opensCount: Bool = false) async throws -> CampaignReport {
        guard let c = try await stores.campaigns.campaign(idOrName) else { throw RequestError(.notFound, "no campaign named \(idOrName)") }
        let events = try await stores.reports.emailEvents(ofCampaign: c.id)
        let profiles = Array(Set(events.map(\.profileID)))
        var clicks: [EmailEvent] = []
        var orders: [OrderEvent] = []
        if let first = events.first?.timestamp, let last = events.last?.timestamp {
            let end = last.addingTimeInterval(window)
            clicks = try await stores.reports.emailClicks(of: profiles, from: first, to: end)
            orders = try await stores.reports.orders(of: profiles, from: first, to: end)
        }
        let recipients = try await stores.campaigns.campaignCounts(c.id).audience
        return CampaignReport.compute(campaign: c.id, recipients: recipients, events: events, otherClicks: clicks, orders: orders,
                                      window: window, opensCount: opensCount)
    }
}
