public import Foundation

/// Send-time optimization (`--send-time optimal`): each recipient's email is due, within the next 24 hours,
/// at the hour of day at which they most often opened email (people only: machine opens are left out), in
/// their time zone; a recipient without opens gets the campaign audience's best hour, else every profile's
/// (both in UTC). Pure: the opens are read by the caller.
public struct SendTimeOptimizer: Sendable {
    /// The audience's opens by UTC hour, and every profile's.
    public var audienceHours: [Int: Int]
    public var globalHours: [Int: Int]

    public init(audienceHours: [Int: Int], globalHours: [Int: Int]) {
        self.audienceHours = audienceHours
        self.globalHours = globalHours
    }

    /// The hour with the most opens (ties: the earliest hour); nil without any.
    public static func bestHour(_ counts: [Int: Int]) -> Int? {
        counts.filter { $0.value > 0 }.max { a, b in a.value != b.value ? a.value < b.value : a.key > b.key }?.key
    }

    /// Opens by hour of day in a time zone.
    public static func hours(_ opens: [Date], in timeZone: TimeZone) -> [Int: Int] {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = timeZone
        var counts: [Int: Int] = [:]
        for open in opens { counts[calendar.component(.hour, from: open), default: 0] += 1 }
        return counts
    }

    /// When a recipient's email is due: the next start of their best hour after `now` (`now` itself when it
    /// is that hour already), else the audience's or everyone's best UTC hour; `now` when nobody ever opened.
    public func due(opens: [Date], timeZone: TimeZone, now: Date) -> Date {
        if let hour = Self.bestHour(Self.hours(opens, in: timeZone)) { return Self.next(hour: hour, after: now, in: timeZone) }
        let utc = TimeZone(identifier: "UTC")!
        if let hour = Self.bestHour(audienceHours) ?? Self.bestHour(globalHours) { return Self.next(hour: hour, after: now, in: utc) }
        return now
    }

    /// The next time the wall clock in `timeZone` shows `hour`:00 at or after `now` (now itself within that hour).
    public static func next(hour: Int, after now: Date, in timeZone: TimeZone) -> Date {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = timeZone
        if calendar.component(.hour, from: now) == hour { return now }
        let start = calendar.nextDate(after: now, matching: DateComponents(hour: hour, minute: 0, second: 0), matchingPolicy: .nextTime)
        return start ?? now
    }
}
