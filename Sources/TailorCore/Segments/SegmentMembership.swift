public import Foundation

/// One profile entering or leaving one segment.
public struct MembershipChange: Sendable, Hashable {
    public var profile: ProfileID
    public var segmentId: String
    public var segmentName: String
    public var entered: Bool
    public var at: Date
    /// Why: `event <messageId>`, `time`, `definition`, `rfm`, `computed`, `merge`, `deleted`.
    public var reason: String

    public init(profile: ProfileID, segmentId: String, segmentName: String, entered: Bool, at: Date, reason: String) {
        self.profile = profile
        self.segmentId = segmentId
        self.segmentName = segmentName
        self.entered = entered
        self.at = at
        self.reason = reason
    }

    /// The `Segment Entered` / `Segment Exited` event that goes into the profile's event stream. Its
    /// message id is derived from the change, so writing it twice stores it once.
    public var message: Message {
        let name = entered ? TailorEvent.segmentEntered : TailorEvent.segmentExited
        let ms = at.millisecondsSince1970
        return Message(type: .track, messageId: "segment:\(segmentId):\(profile.rawValue):\(entered ? "entered" : "exited"):\(ms)",
                       event: name, properties: ["segment_id": .string(segmentId), "segment_name": .string(segmentName)],
                       timestamp: at, receivedAt: at)
    }
}

/// What the membership step knows of one profile.
public struct MembershipInput: Sendable {
    public var subject: SegmentSubject
    /// The segments the profile is in now.
    public var current: Set<String>
    /// The segments to evaluate; nil: all of them.
    public var affected: Set<String>?
    /// The profile's pending timer.
    public var timer: Date?

    public init(subject: SegmentSubject, current: Set<String>, affected: Set<String>?, timer: Date?) {
        self.subject = subject
        self.current = current
        self.affected = affected
        self.timer = timer
    }
}

/// The membership step's decisions for a set of profiles: who enters and leaves what, and each profile's
/// next timer (nil: none).
public struct MembershipOutcome: Sendable {
    public var changes: [MembershipChange] = []
    public var timers: [ProfileID: Date?] = [:]
    public init() {}
}

/// Decides membership changes (pure; the stores read the inputs and write the outcome in their transaction).
public enum MembershipPlanner {
    public static func plan(_ catalog: SegmentCatalog, _ inputs: [MembershipInput], now: Date, reason: String) -> MembershipOutcome {
        var outcome = MembershipOutcome()
        let nowMs = now.millisecondsSince1970
        for input in inputs {
            var next: Date?
            if input.affected != nil, let t = input.timer, t.millisecondsSince1970 > nowMs { next = t }
            for id in catalog.order {
                guard input.affected?.contains(id) ?? true, let def = catalog.definitions[id] else { continue }
                let (held, change) = catalog.evaluator.evaluateWithNextChange(def.condition, input.subject, now: now)
                if let change { next = min(next ?? change, change) }
                let was = input.current.contains(id)
                if held != was {
                    outcome.changes.append(MembershipChange(profile: input.subject.profileId, segmentId: id, segmentName: def.name,
                                                            entered: held, at: now, reason: reason))
                }
            }
            if next != input.timer { outcome.timers[input.subject.profileId] = .some(next) }
        }
        return outcome
    }

    /// What an ingest plan asks of the membership step: for each touched profile the segments to evaluate
    /// and the reason to record; the profiles merged away (they leave every segment).
    public struct Touched: Sendable {
        public var affected: [ProfileID: Set<String>] = [:]
        public var reasons: [ProfileID: String] = [:]
        public var mergedAway: [ProfileID] = []
    }

    /// Survivors of a merge are evaluated for every segment; other profiles for the segments their new
    /// messages can change. `live` are the profiles as saved by the plan.
    public static func touched(_ catalog: SegmentCatalog, plan: IngestPlan, live: Set<ProfileID>) -> Touched {
        var t = Touched()
        t.mergedAway = plan.merges.map(\.from)
        var byProfile: [ProfileID: [Message]] = [:]
        for (profile, message) in plan.events { byProfile[profile, default: []].append(message) }
        let survivors = Set(plan.merges.map(\.into))
        for (id, messages) in byProfile where live.contains(id) {
            let set = survivors.contains(id) ? Set(catalog.order) : affected(catalog, by: messages)
            if !set.isEmpty {
                t.affected[id] = set
                t.reasons[id] = "event " + (messages.last?.messageId ?? "")
            }
        }
        for id in survivors where t.affected[id] == nil && live.contains(id) {
            t.affected[id] = Set(catalog.order)
            t.reasons[id] = "merge"
        }
        return t
    }

    /// Plans each profile with its own reason.
    public static func plan(_ catalog: SegmentCatalog, _ inputs: [MembershipInput], now: Date, reasons: [ProfileID: String]) -> MembershipOutcome {
        var outcome = MembershipOutcome()
        for input in inputs {
            let one = plan(catalog, [input], now: now, reason: reasons[input.subject.profileId] ?? "merge")
            outcome.changes += one.changes
            outcome.timers.merge(one.timers) { $1 }
        }
        return outcome
    }

    /// The segments a batch's messages for one profile may change.
    public static func affected(_ catalog: SegmentCatalog, by messages: [Message]) -> Set<String> {
        var out = Set<String>()
        for (id, deps) in catalog.dependencies where messages.contains(where: deps.affected(by:)) { out.insert(id) }
        return out
    }
}
