public import Foundation

/// A condition on the profile a run belongs to (a branch, a wait for a condition), in the condition
/// language segments use (`traits.vip = true and profile.order_count >= 2`), kept as written and compiled once.
public struct JourneyCondition: Sendable, Hashable {
    /// As written.
    public var text: String
    public let condition: Condition

    /// - Throws: ``ConditionSyntaxError`` with the line and column in `text`.
    public init(text: String) throws(ConditionSyntaxError) {
        self.text = text
        condition = try Condition(text: text)
    }
}

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

/// Picks a run's path at a random split with ``VariantAssignment`` (the experiments' assignment): the
/// experiment is the journey and the step, the unit the profile (and the run's key), so a run's path is fixed
/// however often the step runs, and the shares follow the paths' weights.
public enum JourneySplit {
    public static func pick(_ paths: [JourneyDefinition.SplitPath], journey: String, step: Int, profile: ProfileID, key: String) -> Int {
        guard paths.count > 1 else { return 0 }
        let assignment = VariantAssignment(experiment: "journey:\(journey):\(step)", arms: paths.map { .init($0.name, weight: $0.weight) })
        let arm = assignment.arm(for: key.isEmpty ? profile.rawValue : "\(profile.rawValue)\u{0}\(key)")
        return paths.firstIndex { $0.name == arm } ?? 0
    }
}
