public import Foundation
import Synchronization
public import TailorCore
public import TailorStore

/// Starts, restarts and ends journey runs in the transaction that stores their events (an event step):
/// a goal ends a run before any later step can fire, and a run exists exactly when its trigger is stored.
/// The decisions are ``JourneyTriggerPlanner``'s; this reads the active journeys and the runs of the
/// profiles concerned, and writes the plan. It wakes the runner when it sets an earlier due time.
public final class JourneyTriggerStep: EventStep {
    public let name = "journey-triggers"
    /// Told of every due time the step sets, so the runner sleeps no longer than to the earliest.
    let wakeups: JourneyWakeups
    /// Parsed definitions by id, kept while their `updated_at` holds.
    private let parsed = Mutex<[String: (updatedAt: Int64, definition: JourneyDefinition)]>([:])

    public init(wakeups: JourneyWakeups) {
        self.wakeups = wakeups
    }

    public func start(_ input: EventStepInput) -> (any EventStepRun)? {
        Run(step: self, input: input)
    }

    func definition(id: String, name: String, updatedAt: Int64, json: String) -> JourneyDefinition? {
        if let held = parsed.withLock({ $0[id] }), held.updatedAt == updatedAt { return held.definition }
        guard let value = try? JSONParser.parse(json), let d = try? JourneyDefinition(json: value, id: id, name: name) else { return nil }
        parsed.withLock { $0[id] = (updatedAt, d) }
        return d
    }

    struct Run: EventStepRun {
        let step: JourneyTriggerStep
        let input: EventStepInput
        var stage = 0
        var journeys: [JourneyDefinition] = []
        var paused: Set<String> = []

        init(step: JourneyTriggerStep, input: EventStepInput) {
            self.step = step
            self.input = input
        }

        mutating func next(_ rows: [StepRow]) throws -> StepAction {
            stage += 1
            switch stage {
            case 1:
                // Paused journeys too: their goals still end runs.
                return .read(StepSQL("SELECT id, name, updated_at, definition, state FROM journeys WHERE state IN ('active', 'paused')"))
            case 2:
                journeys = rows.compactMap { r in
                    guard let id = r[0].text, let name = r[1].text, let at = r[2].integer, let json = r[3].text else { return nil }
                    return step.definition(id: id, name: name, updatedAt: at, json: json)
                }
                paused = Set(rows.compactMap { $0[4] == .text("paused") ? $0[0].text : nil })
                // The profiles whose events start, end or move runs: with a wait for a condition, any event may.
                let names = Set(journeys.flatMap { j in [j.trigger.event, j.goal, j.trigger.notFollowedBy].compactMap { $0 } + j.awaitedEvents })
                let anyEvent = journeys.contains(where: \.awaitsConditions)
                let profiles = Array(Set(input.events.filter { anyEvent || names.contains($0.message.eventName) }.map(\.profile.rawValue))).sorted()
                guard !profiles.isEmpty else { return .done }
                let list = Array(repeating: "?", count: profiles.count).joined(separator: ", ")
                return .read(StepSQL("""
                    SELECT id, journey_id, profile_id, run_key, state, step, due_at, entered_at FROM journey_runs
                    WHERE profile_id IN (\(list))
                    """, profiles.map(StepValue.text)))
            case 3:
                let runs = rows.compactMap { r -> JourneyTriggerPlanner.Run? in
                    guard let id = r[0].integer, let journey = r[1].text, let profile = r[2].text, let key = r[3].text,
                          let state = r[4].text, let step = r[5].integer, let entered = r[7].integer else { return nil }
                    return JourneyTriggerPlanner.Run(id: id, journey: journey, profile: ProfileID(profile), key: key, active: state == "active",
                                                     step: Int(step), dueAt: r[6].integer.map(Date.init(millisecondsSince1970:)),
                                                     enteredAt: Date(millisecondsSince1970: entered))
                }
                let plan = JourneyTriggerPlanner.plan(journeys, paused: paused, events: input.events.map { ($0.profile, $0.message) }, runs: runs, now: input.now)
                guard !plan.isEmpty else { return .done }
                if let due = plan.earliestDue { step.wakeups.due(due) }
                return .write(Self.statements(plan, now: input.now) + Self.journeyEvents(plan, runs: runs, journeys: journeys, now: input.now))
            default:
                return .done
            }
        }

        /// `Journey Entered` and `Journey Exited` for what the plan starts and ends, recorded as pending events (this
        /// transaction may not write the event log) and appended to the profiles just after.
        static func journeyEvents(_ plan: JourneyTriggerPlanner.Plan, runs: [JourneyTriggerPlanner.Run], journeys: [JourneyDefinition],
                                  now: Date) -> [StepSQL] {
            var out: [StepSQL] = []
            for e in plan.entries {
                out.append(PendingEventRecord.insert(e.profile, JourneyEvents.entered(journey: e.journey, profile: e.profile, key: e.key, at: e.enteredAt),
                                                     now: now))
                if let reason = e.exitReason {
                    out.append(PendingEventRecord.insert(e.profile, JourneyEvents.exited(journey: e.journey, profile: e.profile, key: e.key,
                                                                                         enteredAt: e.enteredAt, reason: reason, at: now), now: now))
                }
            }
            let byId = Dictionary(runs.map { ($0.id, $0) }, uniquingKeysWith: { a, _ in a })
            for (id, reason) in plan.exits.sorted(by: { $0.key < $1.key }) {
                guard let r = byId[id] else { continue }
                out.append(PendingEventRecord.insert(r.profile, JourneyEvents.exited(journey: r.journey, profile: r.profile, key: r.key,
                                                                                     enteredAt: r.enteredAt, reason: reason, at: now), now: now))
            }
            // A wait that its event ended.
            for (id, advance) in plan.advances.sorted(by: { $0.key < $1.key }) {
                guard let r = byId[id], let j = journeys.first(where: { $0.id == r.journey }), advance.from < j.steps.count else { continue }
                out.append(PendingEventRecord.insert(r.profile, JourneyEvents.stepCompleted(journey: j.id, run: id, step: advance.from,
                                                                                            kind: j.steps[advance.from].kind, outcome: "event", at: now),
                                                     now: now))
            }
            return out
        }

        static func statements(_ plan: JourneyTriggerPlanner.Plan, now: Date) -> [StepSQL] {
            let nowMs = Int64(now.millisecondsSince1970)
            var out: [StepSQL] = []
            for (id, reason) in plan.exits.sorted(by: { $0.key < $1.key }) {
                out.append(StepSQL("""
                    UPDATE journey_runs SET state = 'exited', exit_reason = ?, due_at = NULL, claimed_until = NULL, updated_at = ?
                    WHERE id = ? AND state = 'active'
                    """, [.text(reason), .integer(nowMs), .integer(id)]))
            }
            for (id, due) in plan.restarts.sorted(by: { $0.key < $1.key }) {
                out.append(StepSQL("UPDATE journey_runs SET due_at = ?, claimed_until = NULL, updated_at = ? WHERE id = ? AND state = 'active' AND step = 0",
                                   [.integer(due.millisecondsSince1970), .integer(nowMs), .integer(id)]))
            }
            for (id, advance) in plan.advances.sorted(by: { $0.key < $1.key }) {
                out.append(StepSQL("""
                    UPDATE journey_runs SET step = ?, due_at = ?, deadline_at = NULL, claimed_until = NULL, updated_at = ?
                    WHERE id = ? AND state = 'active' AND step = ?
                    """, [.integer(Int64(advance.to)), .integer(nowMs), .integer(nowMs), .integer(id), .integer(Int64(advance.from))]))
            }
            for (id, step) in plan.rechecks.sorted(by: { $0.key < $1.key }) {
                out.append(StepSQL("UPDATE journey_runs SET due_at = ?, claimed_until = NULL, updated_at = ? WHERE id = ? AND state = 'active' AND step = ?",
                                   [.integer(nowMs), .integer(nowMs), .integer(id), .integer(Int64(step))]))
            }
            for e in plan.entries {
                out.append(StepSQL("""
                    INSERT INTO journey_runs (journey_id, profile_id, run_key, state, step, due_at, entered_at, trigger_message, exit_reason, updated_at)
                    VALUES (?, ?, ?, ?, 0, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING
                    """, [.text(e.journey), .text(e.profile.rawValue), .text(e.key), .text(e.exitReason == nil ? "active" : "exited"),
                          e.dueAt.map { .integer($0.millisecondsSince1970) } ?? .null, .integer(e.enteredAt.millisecondsSince1970),
                          .text(e.triggerMessage), e.exitReason.map(StepValue.text) ?? .null, .integer(nowMs)]))
            }
            return out
        }
    }
}

/// Due times set by the trigger step, for the runner to wake at (in-process; other processes find runs at
/// their next look). The runner says until when it sleeps; only an earlier due time wakes it, so a busy
/// ingest of carts due minutes from now does not wake it on every batch.
public final class JourneyWakeups: Sendable {
    private struct State {
        /// The earliest due time told since the runner last took it.
        var told: Date?
        var sleepsUntil: Date?
        var waiter: CheckedContinuation<Void, Never>?
    }

    private let state = Mutex(State())

    public init() {}

    /// A run is due at `date`: wakes a runner sleeping past it.
    public func due(_ date: Date) {
        let waiter = state.withLock { s -> CheckedContinuation<Void, Never>? in
            guard date < (s.sleepsUntil ?? .distantFuture) else { return nil }
            s.told = min(s.told ?? date, date)
            defer { s.waiter = nil }
            return s.waiter
        }
        waiter?.resume()
    }

    /// The earliest due time told since the last call. The trigger step tells it before its transaction
    /// commits, so the runner may not find the run yet: it looks again at that time instead of sleeping on.
    func take() -> Date? {
        state.withLock { s in
            defer { s.told = nil }
            return s.told
        }
    }

    /// Waits until told of a due time before `until`, or cancelled (returns at once if one was told and not
    /// taken yet).
    func wait(until: Date) async {
        await withTaskCancellationHandler {
            await withCheckedContinuation { (c: CheckedContinuation<Void, Never>) in
                let ready = state.withLock { s -> Bool in
                    if s.told != nil { return true }
                    s.sleepsUntil = until
                    s.waiter?.resume()
                    s.waiter = c
                    return false
                }
                if ready { c.resume() }
            }
        } onCancel: {
            let waiter = state.withLock { s -> CheckedContinuation<Void, Never>? in
                defer { s.waiter = nil }
                return s.waiter
            }
            waiter?.resume()
        }
        state.withLock { $0.sleepsUntil = nil }
    }
}
