import Foundation

extension StandardFilters {
    static let dates: [Filter] = [
        Filter("date", arguments: 1...1) { v, a, env in
            guard let format = a.positional[0].stringValue, !format.isEmpty else { return v }
            if v.isNil { return .null }
            guard let date = parseDate(v, timeZone: env.timeZone), representable.contains(date.timeIntervalSince1970) else { return v }
            return .string(strftime(date, format, calendar: env.calendar))
        }
    ]

    /// The instants the filter formats: years 1 to 9999 (what four-digit years and the calendar
    /// arithmetic handle). Other timestamps (`1e300`, `9223372036854775807`) are not dates, so
    /// they are returned unchanged, as any other value that is not a date.
    static let representable: ClosedRange<TimeInterval> = -62_135_596_800...253_402_300_799

    static let monthNames = ["january", "february", "march", "april", "may", "june", "july", "august", "september", "october", "november", "december"]
    static let dayNames = ["Sunday", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday"]

    /// Accepts timestamps, `now`/`today`, ISO 8601 dates and times, and English dates such as
    /// `March 14, 2016` or `14 Mar 2016 10:00`.
    static func parseDate(_ v: Value, timeZone: TimeZone) -> Date? {
        switch v {
        case .int(let i): return Date(timeIntervalSince1970: TimeInterval(i))
        case .double(let d): return Date(timeIntervalSince1970: d)
        case .string(let raw), .safe(let raw):
            if raw == "now" || raw == "today" { return Date() }
            let s = raw.trimmingSpaces()
            if s == "now" || s == "today" { return Date() }
            if !s.isEmpty, s.allSatisfy({ $0.isASCII && $0.isNumber }), let i = Int(s) { return Date(timeIntervalSince1970: TimeInterval(i)) }
            return parseDateString(s, timeZone: timeZone)
        default: return nil
        }
    }

    static func parseDateString(_ s: String, timeZone: TimeZone) -> Date? {
        var year: Int?, month: Int?, day: Int?
        var hour = 0, minute = 0, second = 0
        var offset: Int?
        var numbers: [Int] = []
        // Tokenize into words and numbers.
        var tokens: [String] = []
        var cur = ""
        for c in s {
            if c.isLetter || c.isNumber || c == ":" || c == "+" || (c == "-" && !cur.isEmpty && cur.allSatisfy({ $0.isNumber }) == false) {
                cur.append(c)
            } else {
                if !cur.isEmpty { tokens.append(cur) }
                cur = ""
                if c == "-" || c == "/" { tokens.append(String(c)) }
            }
        }
        if !cur.isEmpty { tokens.append(cur) }
        // ISO-like: YYYY-MM-DD[THH:MM[:SS]][Z|±HH:MM]
        let iso = s.replacingOccurrences(of: "T", with: " ")
        let isoParts = iso.split(separator: " ", omittingEmptySubsequences: true)
        if let first = isoParts.first {
            let ymd = first.split(separator: "-").compactMap { Int($0) }
            let slash = first.split(separator: "/").compactMap { Int($0) }
            if ymd.count == 3, first.split(separator: "-").count == 3, ymd[0] > 31 {
                (year, month, day) = (ymd[0], ymd[1], ymd[2])
            } else if slash.count == 3, first.split(separator: "/").count == 3 {
                if slash[0] > 31 { (year, month, day) = (slash[0], slash[1], slash[2]) } else { (year, month, day) = (slash[2], slash[0], slash[1]) }
            }
            if year != nil {
                for part in isoParts.dropFirst() {
                    var p = String(part)
                    if p == "Z" || p == "UTC" || p == "GMT" { offset = 0; continue }
                    if p.hasSuffix("Z") { p.removeLast(); offset = 0 }
                    if let zoneStart = p.lastIndex(where: { $0 == "+" || $0 == "-" }), p.contains(":") || p.count > 5 {
                        let zone = String(p[zoneStart...])
                        p = String(p[..<zoneStart])
                        offset = parseOffset(zone)
                    } else if p.first == "+" || p.first == "-" {
                        offset = parseOffset(p)
                        continue
                    }
                    let hms = p.split(separator: ":").map { Double($0) }
                    if hms.count >= 2, let h = hms[0], let m = hms[1] {
                        // Out-of-range fields make the string no date (below), never a trap.
                        hour = Value.clampedInt(h)
                        minute = Value.clampedInt(m)
                        if hms.count > 2, let sec = hms[2] { second = Value.clampedInt(sec) }
                    }
                }
            }
        }
        if year == nil {
            for t in tokens {
                let lower = t.lowercased()
                if let m = monthNames.firstIndex(where: { lower.count >= 3 && $0.hasPrefix(lower) }) {
                    month = m + 1
                } else if t.contains(":") {
                    let hms = t.split(separator: ":").compactMap { Int($0) }
                    if hms.count >= 2 { hour = hms[0]; minute = hms[1]; if hms.count > 2 { second = hms[2] } }
                } else if (t.first == "+" || t.first == "-"), t.count == 5 {
                    offset = parseOffset(t)
                } else if lower == "pm" {
                    if hour < 12 { hour += 12 }
                } else if lower == "am" {
                    if hour == 12 { hour = 0 }
                } else if lower == "utc" || lower == "gmt" || lower == "z" {
                    offset = 0
                } else if let n = Int(t) {
                    numbers.append(n)
                }
            }
            guard month != nil else { return nil }
            for n in numbers {
                if n > 31 || (day != nil && year == nil) { year = n } else if day == nil { day = n }
            }
        }
        guard let y = year, let m = month, let d = day, (1...9999).contains(y), (1...12).contains(m), (1...31).contains(d),
            (0...24).contains(hour), (0...59).contains(minute), (0...60).contains(second)
        else { return nil }
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = offset.flatMap { TimeZone(secondsFromGMT: $0) } ?? timeZone
        return calendar.date(from: DateComponents(year: y, month: m, day: d, hour: hour, minute: minute, second: second))
    }

    static func parseOffset(_ s: String) -> Int? {
        guard let sign = s.first, sign == "+" || sign == "-" else { return nil }
        let digits = s.dropFirst().filter(\.isNumber)
        guard digits.count == 4 || digits.count == 2, let v = Int(digits) else { return nil }
        let h = digits.count == 4 ? v / 100 : v, m = digits.count == 4 ? v % 100 : 0
        return (sign == "-" ? -1 : 1) * (h * 3600 + m * 60)
    }

    /// C `strftime` directives, with the `-` (no padding), `_` (space padding), `0` and `^` (upcase) flags.
    static func strftime(_ date: Date, _ format: String, calendar: Calendar) -> String {
        let timeZone = calendar.timeZone
        let c = calendar.dateComponents([.year, .month, .day, .hour, .minute, .second, .weekday, .nanosecond], from: date)
        let year = c.year!, month = c.month!, day = c.day!, hour = c.hour!, minute = c.minute!, second = c.second!
        let weekday = c.weekday! - 1
        var yday: Int { calendar.ordinality(of: .day, in: .year, for: date) ?? 1 }
        let offsetSeconds = timeZone.secondsFromGMT(for: date)
        var out = ""
        var chars = Array(format)[...]
        while let ch = chars.first {
            chars = chars.dropFirst()
            guard ch == "%", let next = chars.first else {
                out.append(ch)
                continue
            }
            var flag: Character?
            var spec = next
            chars = chars.dropFirst()
            if "-_0^#".contains(spec), let after = chars.first {
                flag = spec
                spec = after
                chars = chars.dropFirst()
            }
            func num(_ n: Int, _ width: Int, pad: Character = "0") -> String {
                let s = String(n)
                switch flag {
                case "-": return s
                case "_": return String(repeating: " ", count: max(0, width - s.count)) + s
                case "0": return String(repeating: "0", count: max(0, width - s.count)) + s
                default: return String(repeating: pad, count: max(0, width - s.count)) + s
                }
            }
            func text(_ s: String) -> String { flag == "^" ? s.uppercased() : s }
            var monthName: String { monthNames[month - 1].capitalized }
            switch spec {
            case "Y": out += String(year)
            case "C": out += num(year / 100, 2)
            case "y": out += num(year % 100, 2)
            case "m": out += num(month, 2)
            case "d": out += num(day, 2)
            case "e": out += num(day, 2, pad: " ")
            case "j": out += num(yday, 3)
            case "H": out += num(hour, 2)
            case "k": out += num(hour, 2, pad: " ")
            case "I": out += num(hour % 12 == 0 ? 12 : hour % 12, 2)
            case "l": out += num(hour % 12 == 0 ? 12 : hour % 12, 2, pad: " ")
            case "M": out += num(minute, 2)
            case "S": out += num(second, 2)
            case "L": out += num((c.nanosecond ?? 0) / 1_000_000, 3)
            case "p": out += flag == "#" ? (hour < 12 ? "am" : "pm") : (hour < 12 ? "AM" : "PM")
            case "P": out += hour < 12 ? "am" : "pm"
            case "b", "h": out += text(String(monthName.prefix(3)))
            case "B": out += text(monthName)
            case "a": out += text(String(dayNames[weekday].prefix(3)))
            case "A": out += text(dayNames[weekday])
            case "u": out += String(weekday == 0 ? 7 : weekday)
            case "w": out += String(weekday)
            case "s": out += String(Int(date.timeIntervalSince1970.rounded(.down)))
            case "z":
                let sign = offsetSeconds < 0 ? "-" : "+"
                let a = abs(offsetSeconds)
                out += sign + String(format: "%02d%02d", a / 3600, (a % 3600) / 60)
            case "Z": out += timeZone.abbreviation(for: date) ?? "UTC"
            case "F": out += strftime(date, "%Y-%m-%d", calendar: calendar)
            case "T", "X": out += strftime(date, "%H:%M:%S", calendar: calendar)
            case "D", "x": out += strftime(date, "%m/%d/%y", calendar: calendar)
            case "R": out += strftime(date, "%H:%M", calendar: calendar)
            case "r": out += strftime(date, "%I:%M:%S %p", calendar: calendar)
            case "c": out += strftime(date, "%a %b %e %H:%M:%S %Y", calendar: calendar)
            case "n": out += "\n"
            case "t": out += "\t"
            case "%": out += "%"
            default:
                out.append("%")
                if let flag { out.append(flag) }
                out.append(spec)
            }
        }
        return out
    }
}
