public import Foundation

/// At most `count` marketing emails per profile in any `window` (`TAILOR_FREQUENCY_CAP`, e.g. `2/7d`).
public struct FrequencyCap: Sendable, Hashable {
    public var count: Int
    /// Seconds.
    public var window: TimeInterval

    public init(count: Int, window: TimeInterval) {
        self.count = count
        self.window = window
    }

    /// Parses `N/<duration>`, the duration written `90s`, `30m`, `12h`, `7d` or `2w`.
    /// - Throws: ``RequestError`` `.configuration` saying what is expected.
    public init(parsing text: String) throws {
        let parts = text.split(separator: "/", maxSplits: 1).map { $0.trimmingCharacters(in: .whitespaces) }
        guard parts.count == 2, let count = Int(parts[0]), count >= 1, let window = Self.seconds(parts[1]), window > 0 else {
            throw RequestError(.configuration, "TAILOR_FREQUENCY_CAP is N/duration, like 2/7d (units s, m, h, d, w)")
        }
        self.init(count: count, window: window)
    }

    /// `90s`, `5m`, `2h`, `7d`, `2w` in seconds.
    public static func seconds(_ text: String) -> TimeInterval? {
        guard let unit = text.last, let amount = Int(text.dropLast()), amount >= 0 else { return nil }
        switch unit {
        case "s": return TimeInterval(amount)
        case "m": return TimeInterval(amount) * 60
        case "h": return TimeInterval(amount) * 3600
        case "d": return TimeInterval(amount) * 86_400
        case "w": return TimeInterval(amount) * 604_800
        default: return nil
        }
    }
}

/// Hours of the recipient's day when marketing email waits (`TAILOR_QUIET_HOURS`, e.g. `21:00-08:00`):
/// an email due inside them is held until they end, in the recipient's time zone and calendar time, so a
/// daylight-saving change moves the end with the clock on the wall.
public struct QuietHours: Sendable, Hashable {
    /// Minutes after local midnight.
    public var start: Int
    public var end: Int

    public init(start: Int, end: Int) {
        self.start = start
        self.end = end
    }

    /// Parses `HH:MM-HH:MM` (the range may cross midnight).
    /// - Throws: ``RequestError`` `.configuration` saying what is expected.
    public init(parsing text: String) throws {
        let parts = text.split(separator: "-").map { $0.trimmingCharacters(in: .whitespaces) }
        guard parts.count == 2, let start = Self.minutes(parts[0]), let end = Self.minutes(parts[1]), start != end else {
            throw RequestError(.configuration, "TAILOR_QUIET_HOURS is HH:MM-HH:MM, like 21:00-08:00")
        }
        self.init(start: start, end: end)
    }

    static func minutes(_ text: String) -> Int? {
        let hm = text.split(separator: ":")
        guard hm.count == 2, let h = Int(hm[0]), let m = Int(hm[1]), (0..<24).contains(h), (0..<60).contains(m) else { return nil }
        return h * 60 + m
    }

    /// Whether a local time of day (minutes after midnight) is quiet.
    public func contains(minute: Int) -> Bool {
        start < end ? (minute >= start && minute < end) : (minute >= start || minute < end)
    }

    /// When an email due at `date` may leave: `date` itself outside quiet hours, else the end of the quiet
    /// hours it falls in, in `timeZone`.
    public func release(_ date: Date, in timeZone: TimeZone) -> Date {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = timeZone
        let parts = calendar.dateComponents([.hour, .minute], from: date)
        let minute = (parts.hour ?? 0) * 60 + (parts.minute ?? 0)
        guard contains(minute: minute) else { return date }
        // The end is today when it is still ahead on the clock, else tomorrow.
        let day = calendar.startOfDay(for: date)
        let endDay = minute < end ? day : calendar.date(byAdding: .day, value: 1, to: day) ?? day
        return calendar.date(bySettingHour: end / 60, minute: end % 60, second: 0, of: endDay) ?? date
    }
}
