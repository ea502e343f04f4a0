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
        /// Conditions on the trigger event's properties, in the condition language's `where` form
        /// (`total >= 100 and currency = "USD"`); nil: every such event.
        public var filter: TriggerFilter?

        public init(event: String, notFollowedBy: String? = nil, within: TimeInterval? = nil, key: Key = .profile, filter: TriggerFilter? = nil) {
            self.event = event
            self.notFollowedBy = notFollowedBy
            self.within = within
            self.key = key
            self.filter = filter
        }

        /// Whether a stored message starts (or restarts) a run.
        public func matches(_ message: Message) -> Bool {
            guard message.eventName == event else { return false }
            return filter?.holds(for: message) ?? true
        }
    }

    /// A trigger's conditions on its event's properties, kept as written and compiled once.
    public struct TriggerFilter: Sendable, Hashable {
        /// As written: `total >= 100 and currency = "USD"`.
        public var text: String
        let condition: Condition

        /// - Throws: ``SegmentDefinitionError`` with the place in `text`.
        public init(event: String, text: String) throws {
            self.text = text
            let quoted = JSONWriter.string(.string(event))
            condition = try Condition(text: "count(\(quoted) where \(text)) >= 1")
        }

        /// The filter of a segment trigger: the segment's id.
        static func segment(_ id: String, event: String) throws -> TriggerFilter {
            try TriggerFilter(event: event, text: "segment_id = \(JSONWriter.string(.string(id)))")
        }

        func holds(for message: Message) -> Bool {
            let subject = SegmentSubject(profileId: ProfileID(""), createdAt: message.timestamp, traits: [:], state: ProfileState(),
                                         events: [SubjectEvent(message)])
            return SegmentEvaluator().evaluate(condition, subject, now: message.timestamp)
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
        /// Set a trait on the profile: a value, or (`value` nil) a unique code for this run (a discount code).
        case setTrait(name: String, value: JSONValue?)
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
