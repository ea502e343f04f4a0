public import Foundation

/// A journey: who enters (the trigger), what happens to them (the steps, in order), and what ends it early
/// (the goal). Runs are kept per profile and key (docs/JOURNEYS.md).
public struct JourneyDefinition: Sendable, Hashable {
    public var id: String
    public var name: String
    public var trigger: Trigger
    /// An event that ends a run at once, whatever step it waits in (`Order Completed`).
    public var goal: String?
    public var reentry: Reentry
    public var steps: [Step]

    public init(id: String, name: String, trigger: Trigger, goal: String? = nil, reentry: Reentry = .everyTime, steps: [Step]) {
        self.id = id
        self.name = name
        self.trigger = trigger
        self.goal = goal
        self.reentry = reentry
        self.steps = steps
    }

    /// What starts a run.
    public struct Trigger: Sendable, Hashable {
        /// The event that starts it.
        public var event: String
        /// "Event A not followed by event B within T": the run waits `within` after the trigger before its
        /// first step, leaves if `notFollowedBy` comes first, and a newer trigger restarts the wait.
        public var notFollowedBy: String?
        public var within: TimeInterval?
        /// What a run is kept per: the profile, or a property of the trigger event (`cart_id`).
        public var key: Key

        public init(event: String, notFollowedBy: String? = nil, within: TimeInterval? = nil, key: Key = .profile) {
            self.event = event
            self.notFollowedBy = notFollowedBy
            self.within = within
            self.key = key
        }
    }

    public enum Key: Sendable, Hashable {
        case profile
        case property(String)
    }

    /// When a profile may enter again.
    public enum Reentry: Sendable, Hashable {
        /// Whenever no run of theirs (for the key) is active.
        case everyTime
        /// Never after their first run.
        case once
        /// Not within this long of their last entry.
        case oncePer(TimeInterval)
    }

    public enum Step: Sendable, Hashable {
        case wait(TimeInterval)
        /// Send a stored email template; `transactional` skips frequency caps, quiet hours and marketing consent.
        case send(template: String, transactional: Bool)
        case exit
    }

    /// The key of a run started by this event (nil when the keying property is absent: no run).
    public func runKey(_ message: Message) -> String? {
        switch trigger.key {
        case .profile: return ""
        case .property(let name):
            switch message.properties[name] {
            case .string(let s)?: return s.isEmpty ? nil : s
            case .number(let n)?: return JSONWriter.string(.number(n))
            default: return nil
            }
        }
    }
}

/// Durations as journeys write them: a whole number and a unit, `90s`, `5m`, `2h`, `7d`.
public enum DurationText {
    public static func parse(_ text: String) -> TimeInterval? {
        guard let unit = text.last, let n = Int(text.dropLast()), n > 0 else { return nil }
        switch unit {
        case "s": return TimeInterval(n)
        case "m": return TimeInterval(n) * 60
        case "h": return TimeInterval(n) * 3600
        case "d": return TimeInterval(n) * 86_400
        default: return nil
        }
    }

    public static func format(_ seconds: TimeInterval) -> String {
        let s = Int(seconds)
        if s % 86_400 == 0 { return "\(s / 86_400)d" }
        if s % 3600 == 0 { return "\(s / 3600)h" }
        if s % 60 == 0 { return "\(s / 60)m" }
        return "\(s)s"
    }
}
