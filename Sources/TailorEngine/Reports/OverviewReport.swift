public import Foundation
public import TailorCore
public import TailorStore

/// What happened over a range of days, in total and day by day (docs/REPORTS.md, "The overview"): new profiles,
/// events, emails sent, unique opens and clicks (machine opens and bot clicks counted apart), and the conversions
/// and revenue email earned, by the rules of ``CampaignReport``.
public struct OverviewReport: Sendable, Hashable {
    /// The figures, in the order of the JSON and CSV.
    public enum Metric: String, Sendable, Hashable, CaseIterable {
        case newProfiles = "new_profiles"
        case events
        case emailsSent = "emails_sent"
        case uniqueOpens = "unique_opens"
        case machineOpens = "machine_opens"
        case uniqueClicks = "unique_clicks"
        case botClicks = "bot_clicks"
        case conversions
        case revenue

        public var title: String {
            switch self {
            case .newProfiles: "New profiles"
            case .events: "Events"
            case .emailsSent: "Emails sent"
            case .uniqueOpens: "Unique opens"
            case .machineOpens: "Machine opens"
            case .uniqueClicks: "Unique clicks"
            case .botClicks: "Bot clicks"
            case .conversions: "Conversions"
            case .revenue: "Revenue"
            }
        }
    }

    public var range: DayRange
    /// Seconds after a touch in which an order counts.
    public var window: TimeInterval
    public var opensCount: Bool
    /// Each metric's value per day of the range, in order.
    public var daily: [Metric: [Double]]

    /// A metric over the whole range (the sum of its days; money to the cent).
    public func total(_ metric: Metric) -> Double {
        let sum = (daily[metric] ?? []).reduce(0, +)
        return metric == .revenue ? CampaignFigures.cents(sum) : sum
    }

    public func series(_ metric: Metric) -> [Double] { daily[metric] ?? Array(repeating: 0, count: range.count) }

    // MARK: - Computing

    /// The figures from what the store counted and read (pure).
    /// - Parameters:
    ///   - counts: quarter-hour counts of new profiles, events and emails sent in the range.
    ///   - engagement: deliveries, opens and clicks from `window` + 2 s before the range to its end.
    ///   - orders: the orders in the range.
    public static func compute(range: DayRange, counts: [OverviewCount: [Int64: Int]], engagement: [EmailEvent], orders: [OrderEvent],
                               window: TimeInterval, opensCount: Bool) -> OverviewReport {
        let n = range.count
        var daily: [Metric: [Double]] = [:]
        for m in Metric.allCases { daily[m] = Array(repeating: 0, count: n) }
        func add(_ m: Metric, _ day: Int?, _ v: Double = 1) { if let day { daily[m]![day] += v } }

        for (kind, metric) in [(OverviewCount.newProfiles, Metric.newProfiles), (.events, .events), (.emailsSent, .emailsSent)] {
            for (quarter, count) in counts[kind] ?? [:] {
                add(metric, range.day(of: Date(millisecondsSince1970: quarter * OverviewCount.quarter)), Double(count))
            }
        }

        // One email is a profile and a campaign; its first human open (and click) in the range counts, on its day.
        struct Email: Hashable { var profile: ProfileID; var campaign: String? }
        var deliveredAt: [Email: Date] = [:]
        for e in engagement where e.name == TailorEvent.emailDelivered {
            let key = Email(profile: e.profileID, campaign: e.campaign)
            deliveredAt[key] = min(deliveredAt[key] ?? e.timestamp, e.timestamp)
        }
        func isBot(_ e: EmailEvent) -> Bool {
            e.machine || deliveredAt[Email(profile: e.profileID, campaign: e.campaign)].map {
                e.timestamp >= $0 && e.timestamp.timeIntervalSince($0) < CampaignReport.botClickDelay
            } == true
        }
        var opened = Set<Email>(), machineOpened = Set<Email>(), clicked = Set<Email>()
        var touches: [ProfileID: [Touch]] = [:]
        for e in engagement {
            let key = Email(profile: e.profileID, campaign: e.campaign)
            let day = range.day(of: e.timestamp)
            switch e.name {
            case TailorEvent.emailOpened:
                if e.machine {
                    if day != nil, machineOpened.insert(key).inserted { add(.machineOpens, day) }
                } else {
                    if day != nil, opened.insert(key).inserted { add(.uniqueOpens, day) }
                    if opensCount { touches[e.profileID, default: []].append(Touch(at: e.timestamp, campaign: e.campaign, human: true, click: false)) }
                }
            case TailorEvent.emailClicked:
                let bot = isBot(e)
                if bot { add(.botClicks, day) } else if day != nil, clicked.insert(key).inserted { add(.uniqueClicks, day) }
                // A flagged click is no touch; one within 2 s of the delivery is no touch for its own campaign, but
                // competes with the others' (as in each campaign's report).
                if !e.machine { touches[e.profileID, default: []].append(Touch(at: e.timestamp, campaign: e.campaign, human: !bot, click: true)) }
            default: break
            }
        }
        for order in orders {
            guard let day = range.day(of: order.timestamp) else { continue }
            let near = (touches[order.profileID] ?? []).filter { $0.at <= order.timestamp && order.timestamp.timeIntervalSince($0.at) <= window }
            guard Self.claimant(near) != nil else { continue }
            add(.conversions, day)
            add(.revenue, day, order.value)
        }
        return OverviewReport(range: range, window: window, opensCount: opensCount, daily: daily)
    }

    struct Touch {
        var at: Date
        var campaign: String?
        /// A person's click (or open, when opens count) on the campaign's email.
        var human: Bool
        var click: Bool
    }

    /// The campaign that gets an order, as its own report decides: its latest own touch is no earlier than every
    /// other email's click.
    static func claimant(_ touches: [Touch]) -> String?? {
        let campaigns = Set(touches.filter(\.human).map(\.campaign))
        for c in campaigns.sorted(by: { ($0 ?? "") < ($1 ?? "") }) {
            guard let own = touches.filter({ $0.human && $0.campaign == c }).map(\.at).max() else { continue }
            let other = touches.filter { $0.click && $0.campaign != c }.map(\.at).max()
            if other.map({ own >= $0 }) ?? true { return .some(c) }
        }
        return nil
    }

    // MARK: - Output

    /// `{"from", "to", "time_zone", "window_days", "opens_count", <totals>, "daily": [{"date", <figures>}]}`.
    public var json: JSONObject {
        var out: JSONObject = ["from": .string(range.from.text), "to": .string(range.to.text), "time_zone": .string(range.timeZone.identifier),
                               "window_days": .number(window / 86_400), "opens_count": .bool(opensCount)]
        for m in Metric.allCases { out[m.rawValue] = .number(total(m)) }
        out["daily"] = .array(range.days.enumerated().map { i, day in
            var row: JSONObject = ["date": .string(day.text)]
            for m in Metric.allCases { row[m.rawValue] = .number(m == .revenue ? CampaignFigures.cents(series(m)[i]) : series(m)[i]) }
            return .object(row)
        })
        return out
    }

    /// A header, a row per day, then the totals (`total`).
    public var csv: String {
        func number(_ v: Double) -> String { v == v.rounded() && abs(v) < 1e15 ? String(Int(v)) : String(format: "%.2f", v) }
        var lines = [(["date"] + Metric.allCases.map(\.rawValue)).joined(separator: ",")]
        for (i, day) in range.days.enumerated() {
            lines.append(([day.text] + Metric.allCases.map { number(series($0)[i]) }).joined(separator: ","))
        }
        lines.append((["total"] + Metric.allCases.map { number(total($0)) }).joined(separator: ","))
        return lines.joined(separator: "\n") + "\n"
    }
}
