public import Foundation
public import TailorCore
public import TailorStore

/// What one recipient did with a campaign's email (pure: computed from the campaign's email events, the
/// recipients' clicks on other emails and their orders).
public struct RecipientActivity: Sendable, Hashable {
    public var sent = false
    public var delivered = false
    public var bounced = false
    public var humanOpen = false
    public var machineOpen = false
    public var humanClick = false
    /// Clicks left out as a scanner's or made within 2 seconds of the delivery.
    public var botClicks = 0
    public var unsubscribed = false
    /// Orders attributed to the campaign, and their value.
    public var conversions = 0
    public var revenue = 0.0

    public init() {}
}

/// The figures of a campaign, or of one of its variants or segments (docs/REPORTS.md).
public struct CampaignFigures: Sendable, Hashable {
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

    public var revenuePerRecipient: Double { sent > 0 ? revenue / Double(sent) : 0 }
    public var clickThroughRate: Double { delivered > 0 ? Double(uniqueClicks) / Double(delivered) : 0 }
    public var clickToOpenRate: Double { uniqueOpens > 0 ? Double(uniqueClicks) / Double(uniqueOpens) : 0 }

    public init() {}

    /// The figures of `recipients` recipients, of whom those in `activities` did something.
    public init(recipients: Int, activities: some Sequence<RecipientActivity>) {
        self.recipients = recipients
        for a in activities {
            if a.sent { sent += 1 }
            if a.delivered { delivered += 1 }
            if a.bounced { bounced += 1 }
            if a.humanOpen { uniqueOpens += 1 }
            if a.machineOpen { machineOpens += 1 }
            if a.humanClick { uniqueClicks += 1 }
            botClicks += a.botClicks
            if a.unsubscribed { unsubscribes += 1 }
            conversions += a.conversions
            revenue += a.revenue
        }
    }

    /// The names of the figures, in the order of the JSON and CSV.
    public static let names = ["recipients", "sent", "delivered", "bounced", "unique_opens", "machine_opens", "unique_clicks", "bot_clicks",
                               "unsubscribes", "conversions", "revenue", "revenue_per_recipient", "click_through_rate", "click_to_open_rate"]

    /// The figures in the order of ``names`` (money to the cent, rates to 4 decimals).
    public var values: [Double] {
        [Double(recipients), Double(sent), Double(delivered), Double(bounced), Double(uniqueOpens), Double(machineOpens), Double(uniqueClicks),
         Double(botClicks), Double(unsubscribes), Double(conversions), Self.cents(revenue), Self.cents(revenuePerRecipient),
         Self.rate(clickThroughRate), Self.rate(clickToOpenRate)]
    }

    public var json: JSONObject {
        var out: JSONObject = [:]
        for (name, value) in zip(Self.names, values) { out[name] = .number(value) }
        return out
    }

    static func cents(_ v: Double) -> Double { (v * 100).rounded() / 100 }
    static func rate(_ v: Double) -> Double { (v * 10_000).rounded() / 10_000 }
}

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
@dynamicMemberLookup
public struct CampaignReport: Sendable, Hashable {
    public var campaign: String
    public var figures: CampaignFigures
    /// Seconds after a touch in which an order counts.
    public var window: TimeInterval
    public var opensCount: Bool
    /// The same figures by variant or by segment, when asked.
    public var breakdown: CampaignBreakdown?

    public subscript<T>(dynamicMember path: KeyPath<CampaignFigures, T>) -> T { figures[keyPath: path] }

    /// A click this soon after the delivery is a link scanner's, not a person's.
    public static let botClickDelay: TimeInterval = 2

    /// - Parameters:
    ///   - events: the campaign's email events.
    ///   - otherClicks: human clicks of the recipients on every email (this campaign's included or not).
    ///   - orders: the recipients' orders.
    public static func compute(campaign: String, recipients: Int, events: [EmailEvent], otherClicks: [EmailEvent], orders: [OrderEvent],
                               window: TimeInterval, opensCount: Bool) -> CampaignReport {
        let activity = activities(campaign: campaign, events: events, otherClicks: otherClicks, orders: orders, window: window, opensCount: opensCount)
        return CampaignReport(campaign: campaign, figures: CampaignFigures(recipients: recipients, activities: activity.values), window: window,
                              opensCount: opensCount)
    }

    /// What each recipient with an event of the campaign did.
    public static func activities(campaign: String, events: [EmailEvent], otherClicks: [EmailEvent], orders: [OrderEvent], window: TimeInterval,
                                  opensCount: Bool) -> [ProfileID: RecipientActivity] {
        var out: [ProfileID: RecipientActivity] = [:]
        var deliveredAt: [ProfileID: Date] = [:]
        for e in events where e.name == TailorEvent.emailDelivered { deliveredAt[e.profileID] = min(deliveredAt[e.profileID] ?? e.timestamp, e.timestamp) }
        func isBot(_ e: EmailEvent) -> Bool {
            e.machine || deliveredAt[e.profileID].map { e.timestamp.timeIntervalSince($0) < botClickDelay && e.timestamp >= $0 } == true
        }
        // Touches per profile: this campaign's human clicks (and opens, when they count), and other emails' clicks.
        var touches: [ProfileID: [(at: Date, ours: Bool)]] = [:]
        for e in events {
            var a = out[e.profileID] ?? RecipientActivity()
            switch e.name {
            case TailorEvent.emailSent: a.sent = true
            case TailorEvent.emailDelivered: a.delivered = true
            case TailorEvent.emailBounced: a.bounced = true
            case TailorEvent.emailOpened:
                if e.machine {
                    a.machineOpen = true
                } else {
                    a.humanOpen = true
                    if opensCount { touches[e.profileID, default: []].append((e.timestamp, true)) }
                }
            case TailorEvent.emailClicked:
                if isBot(e) {
                    a.botClicks += 1
                } else {
                    a.humanClick = true
                    touches[e.profileID, default: []].append((e.timestamp, true))
                }
            case TailorEvent.unsubscribed: a.unsubscribed = true
            default: break
            }
            out[e.profileID] = a
        }
        for e in otherClicks where e.campaign != campaign { touches[e.profileID, default: []].append((e.timestamp, false)) }
        for order in orders {
            let before = (touches[order.profileID] ?? []).filter { $0.at <= order.timestamp && order.timestamp.timeIntervalSince($0.at) <= window }
            guard let last = before.max(by: { $0.at < $1.at }), last.ours else { continue }
            out[order.profileID, default: RecipientActivity()].conversions += 1
            out[order.profileID, default: RecipientActivity()].revenue += order.value
        }
        return out
    }

    /// The report as JSON: the figures at the top (money to the cent, rates to 4 decimals), the attribution
    /// settings, and the breakdown when there is one (`variants` or `segments`).
    public var json: JSONObject {
        var out = figures.json
        out["campaign"] = .string(campaign)
        out["attribution"] = .object(["window_days": .number(window / 86_400), "opens_count": .bool(opensCount)])
        if let breakdown { out[breakdown.dimension.plural] = .array(breakdown.groups.map { .object($0.json(dimension: breakdown.dimension)) }) }
        return out
    }

    /// The report as CSV: a header, the campaign's row (`all`), then a row per variant or segment.
    public var csv: String {
        let dimension = breakdown?.dimension.rawValue ?? "group"
        let withLift = breakdown?.groups.contains { $0.itt != nil } == true
        var header = [dimension] + CampaignFigures.names
        if withLift { header += CampaignGroup.liftNames }
        var lines = [header.joined(separator: ",")]
        func number(_ v: Double) -> String { v == v.rounded() && abs(v) < 1e15 ? String(Int(v)) : String(v) }
        func row(_ name: String, _ figures: CampaignFigures, _ group: CampaignGroup?) -> String {
            var cells = [Self.csvField(name)] + figures.values.map(number)
            if withLift { cells += (group?.liftValues ?? Array(repeating: nil, count: CampaignGroup.liftNames.count)).map { $0.map(number) ?? "" } }
            return cells.joined(separator: ",")
        }
        lines.append(row("all", figures, nil))
        for group in breakdown?.groups ?? [] { lines.append(row(group.name, group.figures, group)) }
        return lines.joined(separator: "\n") + "\n"
    }

    static func csvField(_ text: String) -> String {
        guard text.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" }) else { return text }
        return "\"" + text.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }
}
