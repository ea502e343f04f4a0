public import Foundation

/// Decides, for the events one transaction stored, which journey runs start, restart their wait, or end
/// (goal reached, or the awaited "not followed by" event came). Pure: the event step reads the runs of the
/// profiles concerned and writes what this returns (docs/JOURNEYS.md).
public enum JourneyTriggerPlanner {
    /// A run as stored.
    public struct Run: Sendable, Hashable {
        public var id: Int64
        public var journey: String
        public var profile: ProfileID
        public var key: String
        public var active: Bool
        /// The index of the step it waits to run (0: the first; with a "not followed by" trigger, the wait
        /// before it).
        public var step: Int
        public var dueAt: Date?
        public var enteredAt: Date

        public init(id: Int64, journey: String, profile: ProfileID, key: String, active: Bool, step: Int, dueAt: Date?, enteredAt: Date) {
            self.id = id
            self.journey = journey
            self.profile = profile
            self.key = key
            self.active = active
            self.step = step
            self.dueAt = dueAt
            self.enteredAt = enteredAt
        }
    }

    /// A run to store: a new one (`id` nil), with the state it ends the transaction in.
    public struct Entry: Sendable, Hashable {
        public var journey: String
        public var profile: ProfileID
        public var key: String
        public var enteredAt: Date
        public var dueAt: Date?
        public var triggerMessage: String
        /// Set when the same transaction already ended it.
        public var exitReason: String?
    }

    public struct Plan: Sendable, Hashable {
        public var entries: [Entry] = []
        /// Stored runs whose wait starts again: id → new due time.
        public var restarts: [Int64: Date] = [:]
        /// Stored runs that end: id → reason.
        public var exits: [Int64: String] = [:]
        /// Stored runs whose awaited event came (`wait_for` an event): they go on at once to the step the wait
        /// names for it.
        public var advances: [Int64: Advance] = [:]
        /// Stored runs waiting for a condition on a profile that changed: due at once, for the runner to check.
        public var rechecks: [Int64: Int] = [:]
        /// When the transaction happens: what advances and rechecks are due at.
        public var now: Date = .distantPast

        public var isEmpty: Bool { entries.isEmpty && restarts.isEmpty && exits.isEmpty && advances.isEmpty && rechecks.isEmpty }
        /// The earliest due time it sets (for waking the runner).
        public var earliestDue: Date? {
            let moved: [Date] = advances.isEmpty && rechecks.isEmpty ? [] : [now]
            return (entries.filter { $0.exitReason == nil }.compactMap(\.dueAt) + restarts.values + moved).min()
        }
    }

    /// A run at a `wait_for` step moving on because the event came.
    public struct Advance: Sendable, Hashable {
        public var from: Int
        public var to: Int
    }

    /// How old a trigger event may be (against the transaction's clock) and still start a run: imports of
    /// history do not send yesterday's abandoned-cart emails.
    public static let freshness: TimeInterval = 86_400

    /// `paused` journeys start no run and restart no wait, but their goals still end runs.
    public static func plan(_ journeys: [JourneyDefinition], paused: Set<String> = [], events: [(profile: ProfileID, message: Message)],
                            runs: [Run], now: Date) -> Plan {
        var plan = Plan()
        plan.now = now
        var stored = runs
        // New runs live here until the end, addressed by a negative index.
        var fresh: [Entry] = []
        func activeRuns(_ journey: String, _ profile: ProfileID) -> [Int] {
            stored.indices.filter { stored[$0].active && stored[$0].journey == journey && stored[$0].profile == profile }
        }
        func activeFresh(_ journey: String, _ profile: ProfileID) -> [Int] {
            fresh.indices.filter { fresh[$0].exitReason == nil && fresh[$0].journey == journey && fresh[$0].profile == profile }
        }
        for (profile, message) in events {
            let name = message.eventName
            for j in journeys {
                // The goal ends every active run of the profile at once.
                if j.goal == name {
                    for i in activeRuns(j.id, profile) {
                        stored[i].active = false
                        plan.exits[stored[i].id] = "goal"
                        plan.restarts[stored[i].id] = nil
                        plan.advances[stored[i].id] = nil
                        plan.rechecks[stored[i].id] = nil
                    }
                    for i in activeFresh(j.id, profile) { fresh[i].exitReason = "goal" }
                }
                // The awaited event ends the runs still in their trigger's wait (for the event's key when it has one).
                if let b = j.trigger.notFollowedBy, b == name {
                    let key = j.runKey(message)
                    for i in activeRuns(j.id, profile) where stored[i].step == 0 && (key == nil || key == stored[i].key) {
                        stored[i].active = false
                        plan.exits[stored[i].id] = "not_followed_by"
                        plan.restarts[stored[i].id] = nil
                    }
                    for i in activeFresh(j.id, profile) where key == nil || key == fresh[i].key { fresh[i].exitReason = "not_followed_by" }
                }
                // A run waiting for this event (or for a condition on this profile) goes on, or is checked, now.
                for i in activeRuns(j.id, profile) where stored[i].step < j.steps.count && plan.advances[stored[i].id] == nil {
                    guard case .waitFor(let w) = j.steps[stored[i].step] else { continue }
                    switch w.awaited {
                    case .event(let awaited, let filter):
                        guard awaited == name, filter?.holds(for: message) ?? true else { continue }
                        plan.advances[stored[i].id] = Advance(from: stored[i].step, to: w.then)
                        plan.rechecks[stored[i].id] = nil
                    case .condition:
                        plan.rechecks[stored[i].id] = stored[i].step
                    }
                }
                guard j.trigger.matches(message), !paused.contains(j.id), let key = j.runKey(message), message.timestamp >= now - freshness else {
                    continue
                }
                let due = message.timestamp + (j.trigger.within ?? 0)
                if let i = activeRuns(j.id, profile).first(where: { stored[$0].key == key }) {
                    // A newer trigger restarts the wait of a run still in it.
                    if j.trigger.within != nil, stored[i].step == 0, let current = plan.restarts[stored[i].id] ?? stored[i].dueAt, due > current {
                        plan.restarts[stored[i].id] = due
                    }
                    continue
                }
                if let i = activeFresh(j.id, profile).first(where: { fresh[$0].key == key }) {
                    if j.trigger.within != nil, let current = fresh[i].dueAt, due > current { fresh[i].dueAt = due }
                    continue
                }
                // Re-entry is counted per profile and key, as runs are kept.
                let entered = stored.filter { $0.journey == j.id && $0.profile == profile && $0.key == key }.map(\.enteredAt)
                    + fresh.filter { $0.journey == j.id && $0.profile == profile && $0.key == key }.map(\.enteredAt)
                switch j.reentry {
                case .everyTime: break
                case .once: if !entered.isEmpty { continue }
                case .oncePer(let period): if let last = entered.max(), message.timestamp < last + period { continue }
                }
                fresh.append(Entry(journey: j.id, profile: profile, key: key, enteredAt: message.timestamp, dueAt: due,
                                   triggerMessage: message.messageId))
            }
        }
        plan.entries = fresh
        for i in plan.entries.indices where plan.entries[i].exitReason != nil { plan.entries[i].dueAt = nil }
        return plan
    }
}
