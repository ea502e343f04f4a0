import TailorCore

/// The shop's past email campaigns: three sends a week (a Tuesday newsletter, a Thursday promotion of a
/// category, a Sunday weekend offer), each to a share of the subscribers that grows with how engaged
/// they are, as shops that target by engagement do.
struct DemoCampaigns: Sendable {
    struct Campaign: Sendable {
        var time: Int64
        /// Base share of subscribers it goes to, before engagement targeting.
        var audience: Double
        /// Featured category (index into ``DemoCategory/all``).
        var category: Int
        var properties: JSONObject
        var clickProperties: JSONObject
    }

    var list: [Campaign]

    init(startMs: Int64, nowMs: Int64) {
        var list: [Campaign] = []
        let firstDay = startMs / DemoTime.day
        let lastDay = nowMs / DemoTime.day
        var number = 0
        var newsletters = 0
        for day in firstDay...lastDay {
            let weekday = DemoTime.weekday(day: day)
            let slot: (hour: Int64, audience: Double, kind: String)
            switch weekday {
            case 2: slot = (15, 0.15, "newsletter")
            case 4: slot = (16, 0.12, "promo")
            case 0: slot = (17, 0.08, "weekend")
            default: continue
            }
            let time = day * DemoTime.day + slot.hour * DemoTime.hour
            guard time > startMs, time <= nowMs else { continue }
            number += 1
            if slot.kind == "newsletter" { newsletters += 1 }
            let category = Int(SplitMix64.mix(UInt64(day)) % UInt64(DemoCategory.all.count))
            let title = DemoCategory.all[category].title
            let id = "cmp_" + DemoCatalog.zeroPadded(number, width: 4)
            let (name, subject): (String, String) =
                switch slot.kind {
                case "newsletter": ("Newsletter #\(newsletters)", "This week at the shop: new in \(title)")
                case "promo": ("\(title) Promotion", "20% off \(title) until Sunday")
                default: ("Weekend Offer", "Free shipping this weekend, plus picks in \(title)")
                }
            let properties: JSONObject = [
                "campaign_id": .string(id), "campaign_name": .string(name), "subject": .string(subject),
                "email_type": .string(slot.kind),
            ]
            var click = properties
            click["link_url"] = .string("https://shop.example.com/c/\(DemoCategory.all[category].name)?utm_source=email&utm_campaign=\(id)")
            list.append(Campaign(time: time, audience: slot.audience, category: category, properties: properties, clickProperties: click))
        }
        self.list = list
    }

    /// The first campaign sent after `time`.
    func firstIndex(after time: Int64) -> Int {
        var lo = 0
        var hi = list.count
        while lo < hi {
            let mid = (lo + hi) >> 1
            if list[mid].time <= time { lo = mid + 1 } else { hi = mid }
        }
        return lo
    }
}

/// Calendar arithmetic on milliseconds since 1970 (UTC), without Foundation's calendars in the hot loop.
enum DemoTime {
    static let second: Int64 = 1000
    static let minute: Int64 = 60_000
    static let hour: Int64 = 3_600_000
    static let day: Int64 = 86_400_000

    /// 0 = Sunday … 6 = Saturday (1970-01-01 was a Thursday).
    static func weekday(day: Int64) -> Int {
        Int(((day + 4) % 7 + 7) % 7)
    }

    /// (month 1–12, day of month) of a day number, by Howard Hinnant's civil-from-days algorithm.
    static func monthDay(day z0: Int64) -> (month: Int, day: Int) {
        let z = z0 + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let doe = z - era * 146_097
        let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        let d = doy - (153 * mp + 2) / 5 + 1
        let m = mp < 10 ? mp + 3 : mp - 9
        return (Int(m), Int(d))
    }

    /// How much busier than usual the shop is on a day: holiday season, Black Friday week, quiet January.
    static func season(day: Int64) -> Double {
        let (m, d) = monthDay(day: day)
        switch (m, d) {
        case (11, 20...30): return 2.2
        case (12, 1...20): return 1.6
        case (12, _): return 1.1
        case (1, _): return 0.8
        case (7, _), (8, _): return 0.9
        default: return 1.0
        }
    }

    static let maxSeason = 2.2

    /// When people shop, by local hour: a lunch bump and an evening peak.
    static let hourTable = WeightedTable([1, 0.5, 0.3, 0.2, 0.2, 0.4, 1, 2, 3, 3.5, 4, 4.5, 5.5, 5, 4.5, 4.5, 4.5, 5, 6, 7, 8, 7.5, 5, 2.5])
}
