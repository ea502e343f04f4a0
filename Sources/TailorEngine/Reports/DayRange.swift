public import Foundation

/// A calendar day, `YYYY-MM-DD`.
public struct LocalDay: Sendable, Hashable, Comparable {
    public var year: Int
    public var month: Int
    public var day: Int

    public init(year: Int, month: Int, day: Int) {
        self.year = year
        self.month = month
        self.day = day
    }

    /// `2026-11-05`; nil for anything else (a day that does not exist included).
    public init?(_ text: String) {
        let parts = text.split(separator: "-", omittingEmptySubsequences: false)
        guard parts.count == 3, parts[0].count == 4, parts[1].count == 2, parts[2].count == 2,
              parts.allSatisfy({ $0.allSatisfy(\.isASCII) && $0.allSatisfy(\.isNumber) }),
              let y = Int(parts[0]), let m = Int(parts[1]), let d = Int(parts[2]), (1...12).contains(m), d >= 1 else { return nil }
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC")!
        guard let date = calendar.date(from: DateComponents(year: y, month: m, day: 1)),
              let days = calendar.range(of: .day, in: .month, for: date), days.contains(d) else { return nil }
        self.init(year: y, month: m, day: d)
    }

    public var text: String { String(format: "%04d-%02d-%02d", year, month, day) }

    public static func < (a: LocalDay, b: LocalDay) -> Bool { (a.year, a.month, a.day) < (b.year, b.month, b.day) }
}

/// The days from one date to another (both included) on the clock of a time zone; each day runs from its
/// midnight to the next, so a day of a daylight-saving change has 23 or 25 hours.
public struct DayRange: Sendable, Hashable {
    public var from: LocalDay
    public var to: LocalDay
    public var timeZone: TimeZone
    public let days: [LocalDay]
    /// The instants that start each day, and the one that ends the last: `days.count + 1` of them.
    public let bounds: [Date]

    /// The longest range: a leap year.
    public static let maximumDays = 366

    /// - Throws: ``RequestError`` `.invalid` naming `from` or `to`: not a date, or the range is backwards or too long.
    public init(from: String, to: String, timeZone: TimeZone) throws {
        guard let a = LocalDay(from) else { throw RequestError(.invalid, "from is a date like 2026-11-01", field: "from") }
        guard let b = LocalDay(to) else { throw RequestError(.invalid, "to is a date like 2026-11-30", field: "to") }
        try self.init(from: a, to: b, timeZone: timeZone)
    }

    public init(from: LocalDay, to: LocalDay, timeZone: TimeZone) throws {
        guard from <= to else { throw RequestError(.invalid, "to comes before from", field: "to") }
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = timeZone
        var days: [LocalDay] = []
        var bounds: [Date] = []
        var current = calendar.date(from: DateComponents(year: from.year, month: from.month, day: from.day))!
        current = calendar.startOfDay(for: current)
        while true {
            let c = calendar.dateComponents([.year, .month, .day], from: current)
            let day = LocalDay(year: c.year!, month: c.month!, day: c.day!)
            bounds.append(current)
            if day > to { break }
            guard days.count < Self.maximumDays else {
                throw RequestError(.invalid, "a range has at most \(Self.maximumDays) days", field: "to")
            }
            days.append(day)
            current = calendar.startOfDay(for: calendar.date(byAdding: .hour, value: 36, to: current)!)
        }
        self.from = from
        self.to = to
        self.timeZone = timeZone
        self.days = days
        self.bounds = bounds
    }

    /// The `count` days that end with the day of `now` (the dashboard's default: the last 30 days).
    public static func last(_ count: Int, now: Date, timeZone: TimeZone) -> DayRange {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = timeZone
        func day(_ d: Date) -> LocalDay {
            let c = calendar.dateComponents([.year, .month, .day], from: d)
            return LocalDay(year: c.year!, month: c.month!, day: c.day!)
        }
        let start = calendar.date(byAdding: .day, value: -(max(1, count) - 1), to: now)!
        return try! DayRange(from: day(start), to: day(now), timeZone: timeZone)
    }

    public var count: Int { days.count }
    public var start: Date { bounds[0] }
    public var end: Date { bounds[bounds.count - 1] }

    /// The index of the day an instant falls in; nil outside the range.
    public func day(of date: Date) -> Int? {
        guard date >= start, date < end else { return nil }
        var lo = 0, hi = days.count - 1
        while lo < hi {
            let mid = (lo + hi + 1) / 2
            if bounds[mid] <= date { lo = mid } else { hi = mid - 1 }
        }
        return lo
    }
}
