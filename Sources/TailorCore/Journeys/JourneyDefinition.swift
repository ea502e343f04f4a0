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
    /// How runs go from step to step: the steps' ids and the jumps written with `next`.
    public var flow: Flow

    public init(id: String, name: String, trigger: Trigger, goal: String? = nil, reentry: Reentry = .everyTime, steps: [Step],
                flow: Flow = Flow()) {
        self.id = id
        self.name = name
        self.trigger = trigger
        self.goal = goal
        self.reentry = reentry
        self.steps = steps
        self.flow = flow
    }

    /// The steps' ids (`"id"` in the JSON; a step without one cannot be jumped to) and the explicit `next` of
    /// steps that do not go on to the one written after them.
    public struct Flow: Sendable, Hashable {
        public var ids: [Int: String]
        public var next: [Int: Int]

        public init(ids: [Int: String] = [:], next: [Int: Int] = [:]) {
            self.ids = ids
            self.next = next
        }
    }

    /// Where a run goes after step `i` when the step itself does not say: its `next`, else the step written
    /// after it (`steps.count`: the journey is complete).
    public func successor(of i: Int) -> Int { flow.next[i] ?? i + 1 }

    /// The events some `wait_for` step waits for.
    public var awaitedEvents: [String] {
        steps.compactMap { if case .waitFor(let w) = $0, case .event(let name, _) = w.awaited { name } else { nil } }
    }

    /// Whether some `wait_for` step waits for a condition (any event of the profile may make it hold).
    public var awaitsConditions: Bool {
        steps.contains { if case .waitFor(let w) = $0, case .condition = w.awaited { true } else { false } }
    }

    /// The steps a run may go to from step `i`.
    public func targets(of i: Int) -> [Int] {
        switch steps[i] {
        case .exit: []
        case .branch(_, let then, let otherwise): [then, otherwise]
        case .split(let paths): paths.map(\.then)
        case .waitFor(let w): [w.then, w.onTimeout]
        default: [successor(of: i)]
        }
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

        public func holds(for message: Message) -> Bool {
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

    /// What a run does at a step. Steps are kept in the order written; a run goes on to the next one unless
    /// the step names another (``Flow``). Targets are step indices; `steps.count` is the end of the journey.
    public enum Step: Sendable, Hashable {
        case wait(TimeInterval)
        /// Wait until a local time of day in the recipient's time zone, or until a date trait (plus an offset).
        case waitUntil(WaitUntil)
        /// Wait for an event or a condition, at most `timeout`; then go on at `then`, or at `onTimeout`.
        case waitFor(WaitFor)
        /// Go on at `then` when the condition holds for the profile now, else at `otherwise`.
        case branch(condition: JourneyCondition, then: Int, otherwise: Int)
        /// Go on along one path, picked by weight and fixed per run (``JourneySplit``).
        case split([SplitPath])
        /// Send a stored email template; `transactional` skips frequency caps, quiet hours and marketing consent.
        case send(template: String, transactional: Bool)
        /// POST the run (profile, journey, step, trigger event) to a URL, signed with the secret.
        case webhook(url: String, secret: String)
        /// Set a trait on the profile: a value, or (`value` nil) a unique code for this run (a discount code).
        case setTrait(name: String, value: JSONValue?)
        case exit
    }

    public enum WaitUntil: Sendable, Hashable {
        /// The next time the recipient's clock shows this time of day.
        case timeOfDay(TimeOfDay)
        /// The date in a trait, moved by `offset` (negative: before it); a date without a time means `at` (or
        /// midnight) in the recipient's time zone. A missing, unreadable or past date goes on at once.
        case trait(name: String, offset: TimeInterval, at: TimeOfDay?)
    }

    public struct WaitFor: Sendable, Hashable {
        public enum Awaited: Sendable, Hashable {
            /// An event of the profile (with conditions on its properties), stored while the run waits.
            case event(name: String, filter: TriggerFilter?)
            /// A condition on the profile, checked on arrival and whenever the profile has a new event.
            case condition(JourneyCondition)
        }

        public var awaited: Awaited
        public var timeout: TimeInterval
        public var then: Int
        public var onTimeout: Int

        public init(awaited: Awaited, timeout: TimeInterval, then: Int, onTimeout: Int) {
            self.awaited = awaited
            self.timeout = timeout
            self.then = then
            self.onTimeout = onTimeout
        }
    }

    public struct SplitPath: Sendable, Hashable {
        public var name: String
        public var weight: Double
        public var then: Int

        public init(name: String, weight: Double, then: Int) {
            self.name = name
            self.weight = weight
            self.then = then
        }
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

    /// A duration that may be negative (`-3d`: three days before).
    public static func parse(signed text: String) -> TimeInterval? {
        text.hasPrefix("-") ? parse(String(text.dropFirst())).map { -$0 } : parse(text)
    }

    public static func format(signed seconds: TimeInterval) -> String {
        seconds < 0 ? "-" + format(-seconds) : format(seconds)
    }

    public static func format(_ seconds: TimeInterval) -> String {
        let s = Int(seconds)
        if s % 86_400 == 0 { return "\(s / 86_400)d" }
        if s % 3600 == 0 { return "\(s / 3600)h" }
        if s % 60 == 0 { return "\(s / 60)m" }
        return "\(s)s"
    }
}
