public import Foundation

/// Parses and formats the ISO-8601 timestamps of Segment messages, at millisecond precision.
///
/// Accepts `2024-05-01`, `2024-05-01T12:30:00Z`, fractions of any length (`.123456`), offsets
/// (`+02:00`, `+0200`, `-05`) and a space instead of `T`; a time without an offset is UTC.
/// Refuses what no clock shows: year 0000, a day the month does not have (`2023-02-29`), hours past 24,
/// and offsets beyond ±18:00 or with 60 minutes or more (`+99:99`).
public enum ISO8601 {
    public static func parse(_ string: String) -> Date? {
        var s = string.utf8[...]
        func digits(_ n: Int) -> Int? {
            guard s.count >= n else { return nil }
            var v = 0
            for b in s.prefix(n) {
                guard b >= 48 && b <= 57 else { return nil }
                v = v * 10 + Int(b - 48)
            }
            s = s.dropFirst(n)
            return v
        }
        func take(_ c: Character) -> Bool {
            guard let f = s.first, f == c.asciiValue! else { return false }
            s = s.dropFirst()
            return true
        }
        guard let year = digits(4), take("-"), let month = digits(2), take("-"), let day = digits(2) else { return nil }
        guard year >= 1, (1...12).contains(month), (1...daysIn(month: month, year: year)).contains(day) else { return nil }
        var hour = 0
        var minute = 0
        var second = 0
        var millis = 0
        var offsetSeconds = 0
        if !s.isEmpty {
            guard take("T") || take("t") || take(" ") else { return nil }
            guard let h = digits(2), take(":"), let m = digits(2) else { return nil }
            hour = h
            minute = m
            if take(":") {
                guard let sec = digits(2) else { return nil }
                second = sec
                if take(".") || take(",") {
                    var fraction = 0
                    var count = 0
                    while let b = s.first, b >= 48 && b <= 57 {
                        if count < 3 { fraction = fraction * 10 + Int(b - 48) }
                        count += 1
                        s = s.dropFirst()
                    }
                    guard count > 0 else { return nil }
                    var scale = min(count, 3)
                    while scale < 3 {
                        fraction *= 10
                        scale += 1
                    }
                    millis = fraction
                }
            }
            guard hour < 24 || (hour == 24 && minute == 0 && second == 0), minute < 60, second <= 60 else { return nil }
            if take("Z") || take("z") {
            } else if let sign = s.first, sign == UInt8(ascii: "+") || sign == UInt8(ascii: "-") {
                s = s.dropFirst()
                guard let oh = digits(2) else { return nil }
                var om = 0
                if take(":") {
                    guard let m = digits(2) else { return nil }
                    om = m
                } else if let m = digits(2) {
                    om = m
                }
                guard om < 60, oh * 60 + om <= 18 * 60 else { return nil }
                offsetSeconds = (oh * 3600 + om * 60) * (sign == UInt8(ascii: "+") ? 1 : -1)
            }
        }
        guard s.isEmpty else { return nil }
        let days = daysFromCivil(year: year, month: month, day: day)
        let seconds = Int64(days) * 86_400 + Int64(hour * 3600 + minute * 60 + second) - Int64(offsetSeconds)
        return Date(millisecondsSince1970: seconds * 1000 + Int64(millis))
    }

    /// `2024-05-01T12:30:00.123Z`.
    public static func format(_ date: Date) -> String {
        let ms = date.millisecondsSince1970
        let days = ms >= 0 ? ms / 86_400_000 : (ms - 86_399_999) / 86_400_000
        let msOfDay = ms - days * 86_400_000
        let (y, m, d) = civilFromDays(Int(days))
        let h = msOfDay / 3_600_000
        let mi = (msOfDay / 60_000) % 60
        let sec = (msOfDay / 1000) % 60
        let milli = msOfDay % 1000
        func pad(_ v: some BinaryInteger, _ n: Int) -> String {
            let s = String(v)
            return String(repeating: "0", count: max(0, n - s.count)) + s
        }
        return "\(pad(y, 4))-\(pad(m, 2))-\(pad(d, 2))T\(pad(h, 2)):\(pad(mi, 2)):\(pad(sec, 2)).\(pad(milli, 3))Z"
    }

    /// Days in a month of the proleptic Gregorian calendar.
    static func daysIn(month: Int, year: Int) -> Int {
        switch month {
        case 2: return year % 4 == 0 && (year % 100 != 0 || year % 400 == 0) ? 29 : 28
        case 4, 6, 9, 11: return 30
        default: return 31
        }
    }

    // Howard Hinnant's days-from-civil algorithm (proleptic Gregorian calendar).
    static func daysFromCivil(year: Int, month: Int, day: Int) -> Int {
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yoe = y - era * 400
        let mp = (month + 9) % 12
        let doy = (153 * mp + 2) / 5 + day - 1
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
        return era * 146_097 + doe - 719_468
    }

    static func civilFromDays(_ z0: Int) -> (Int, Int, Int) {
        let z = z0 + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let doe = z - era * 146_097
        let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365
        let y = yoe + era * 400
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        let d = doy - (153 * mp + 2) / 5 + 1
        let m = mp < 10 ? mp + 3 : mp - 9
        return (m <= 2 ? y + 1 : y, m, d)
    }
}
