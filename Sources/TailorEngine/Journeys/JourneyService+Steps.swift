public import Foundation
public import TailorCore
public import TailorStore

// The steps that read the profile a run belongs to (waits until a local time or a date trait, waits for a
// condition, branches, webhooks) and the split: where each sends its run next.
extension JourneyService {
    /// Whether a step reads the profile (its traits, state and events) to decide.
    static func readsProfile(_ step: JourneyDefinition.Step) -> Bool {
        switch step {
        case .waitUntil, .branch, .webhook: true
        case .waitFor(let w): if case .condition = w.awaited { true } else { false }
        default: false
        }
    }

    /// What the profiles of a page of runs are now, for the steps that read them (nil: the profile is gone).
    func subjects(of runs: [JourneyRun], in journeys: [String: JourneyDefinition]) async throws
        -> (subjects: [ProfileID: SegmentSubject], evaluator: SegmentEvaluator?)
    {
        let profiles = Array(Set(runs.filter { run in
            guard let j = journeys[run.journey], run.step < j.steps.count else { return false }
            return Self.readsProfile(j.steps[run.step])
        }.map(\.profile)))
        guard !profiles.isEmpty else { return ([:], nil) }
        let loaded = try await Concurrently.map(profiles, width: CampaignService.readWidth) { try await stores.segments.segmentSubject($0) }
        var subjects: [ProfileID: SegmentSubject] = [:]
        for (p, s) in zip(profiles, loaded) { if let s { subjects[p] = s } }
        // `in segment` in a condition reads the stored segments' definitions.
        let evaluator = (try? SegmentCatalog(try await stores.segments.segments()))?.evaluator ?? SegmentEvaluator()
        return (subjects, evaluator)
    }

    /// The move of a run at a step that decides where it goes, or waits, without sending anything.
    static func decide(_ run: JourneyRun, in journey: JourneyDefinition, subject: SegmentSubject?, evaluator: SegmentEvaluator?,
                       settings: CampaignSettings, now: Date) -> JourneyMove? {
        let i = run.step
        let base = run.dueAt ?? now
        func holds(_ c: JourneyCondition) -> Bool {
            guard let subject, let evaluator else { return false }
            return evaluator.evaluate(c.condition, subject, now: now)
        }
        let zone = EmailRecipient.timeZone(traits: subject?.traits ?? [:], fallback: settings.defaultTimeZone)
        switch journey.steps[i] {
        case .wait(let duration):
            // Waits chain from the time the step was due, so a journey's times do not drift with the runner.
            return onward(run, in: journey, to: journey.successor(of: i), due: base.addingTimeInterval(duration), now: now)
        case .waitUntil(.timeOfDay(let time)):
            return onward(run, in: journey, to: journey.successor(of: i), due: time.next(atOrAfter: base, in: zone), now: now)
        case .waitUntil(.trait(let name, let offset, let at)):
            let due = subject.flatMap { traitDate($0.traits[name], at: at, in: zone) }.map { $0.addingTimeInterval(offset) }
            return onward(run, in: journey, to: journey.successor(of: i), due: due.map { max($0, now) }, now: now)
        case .waitFor(let w):
            if let deadline = run.deadlineAt, now >= deadline {
                return onward(run, in: journey, to: w.onTimeout, due: nil, now: now, outcome: "timeout")
            }
            if case .condition(let c) = w.awaited, holds(c) {
                return onward(run, in: journey, to: w.then, due: nil, now: now, outcome: "condition")
            }
            // Waits on: until the timeout, unless the event comes (the trigger step moves the run) or the
            // profile changes (the trigger step makes the run due for another look).
            let deadline = run.deadlineAt ?? base.addingTimeInterval(w.timeout)
            return JourneyMove(run: run.id, from: i, to: i, dueAt: deadline, deadlineAt: deadline, expectedDue: run.dueAt)
        case .branch(let c, let then, let otherwise):
            let yes = holds(c)
            return onward(run, in: journey, to: yes ? then : otherwise, due: nil, now: now, outcome: yes ? "then" : "else")
        case .split(let paths):
            let k = JourneySplit.pick(paths, journey: journey.id, step: i, profile: run.profile, key: run.key)
            return onward(run, in: journey, to: paths[k].then, due: nil, now: now, outcome: paths[k].name)
        case .exit:
            return JourneyMove(run: run.id, from: i, to: i + 1, dueAt: nil, endState: .exited, endReason: "exit_step")
        case .send, .webhook, .setTrait:
            return nil
        }
    }

    /// A date trait as an instant: an ISO 8601 time, or a calendar date (`2026-12-24`) at `at` (or midnight)
    /// in the recipient's time zone.
    static func traitDate(_ value: JSONValue?, at: TimeOfDay?, in zone: TimeZone) -> Date? {
        guard let text = value?.stringValue?.trimmingCharacters(in: .whitespaces), !text.isEmpty else { return nil }
        if text.count > 10, let date = ISO8601.parse(text) { return date }
        let parts = text.split(separator: "-")
        guard text.count == 10, parts.count == 3, let y = Int(parts[0]), let m = Int(parts[1]), let d = Int(parts[2]) else { return nil }
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = zone
        guard let day = calendar.date(from: DateComponents(year: y, month: m, day: d)),
              calendar.component(.month, from: day) == m, calendar.component(.day, from: day) == d else { return nil }
        return (at ?? TimeOfDay("00:00")!).on(dayOf: day, in: zone)
    }

    /// What a journey's webhook step POSTs: the run, the profile's traits and the event that started it.
    static func webhookBody(_ run: JourneyRun, journey: JourneyDefinition, step: Int, key: String, subject: SegmentSubject?, trigger: Message?,
                            now: Date) -> JSONObject {
        var body: JSONObject = [
            "id": .string(key), "type": "journey.step", "journey_id": .string(journey.id), "journey_name": .string(journey.name),
            "step": .number(Double(step)), "run_id": .number(Double(run.id)), "profile_id": .string(run.profile.rawValue),
            "timestamp": .string(ISO8601.format(now)), "traits": .object(subject?.traits ?? [:]),
        ]
        if let id = journey.flow.ids[step] { body["step_id"] = .string(id) }
        if !run.key.isEmpty { body["key"] = .string(run.key) }
        if let trigger {
            body["event"] = .object(["name": .string(trigger.eventName), "message_id": .string(trigger.messageId),
                                     "timestamp": .string(ISO8601.format(trigger.timestamp)), "properties": .object(trigger.properties)])
        }
        return body
    }
}
