public import Foundation

/// A time of day on the recipient's clock, `HH:MM` (24-hour).
public struct TimeOfDay: Sendable, Hashable, CustomStringConvertible {
    public var hour: Int
    public var minute: Int

    public init?(_ text: String) {
        let parts = text.split(separator: ":", omittingEmptySubsequences: false)
        guard parts.count == 2, parts[0].count <= 2, parts[1].count == 2, let h = Int(parts[0]), let m = Int(parts[1]),
              (0..<24).contains(h), (0..<60).contains(m) else { return nil }
        hour = h
        minute = m
    }

    public var description: String {
        (hour < 10 ? "0" : "") + "\(hour):" + (minute < 10 ? "0" : "") + "\(minute)"
    }

    /// The first instant at or after `date` when the clock in `timeZone` shows this time (a time a
    /// daylight-saving change skips is taken as the first instant after the gap).
    public func next(atOrAfter date: Date, in timeZone: TimeZone) -> Date {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = timeZone
        let day = calendar.startOfDay(for: date)
        for offset in 0...2 {
            guard let d = calendar.date(byAdding: .day, value: offset, to: day),
                  let t = calendar.date(bySettingHour: hour, minute: minute, second: 0, of: d, matchingPolicy: .nextTime) else { continue }
            if t >= date { return t }
        }
        return date
    }

    /// This time on the calendar day of `date` in `timeZone`.
    public func on(dayOf date: Date, in timeZone: TimeZone) -> Date {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = timeZone
        return calendar.date(bySettingHour: hour, minute: minute, second: 0, of: calendar.startOfDay(for: date), matchingPolicy: .nextTime) ?? date
    }
}
