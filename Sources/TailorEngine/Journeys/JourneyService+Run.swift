public import Foundation
import TailorMail
public import TailorCore
public import TailorStore

extension JourneyService {
    /// The idempotency key of the email a run's step sends (and the message id of a trait it sets).
    public static func messageKey(run: Int64, journey: String, step: Int) -> String { "journey:\(journey):\(run):\(step)" }

    /// A run's unique code (`set_trait` with `code`): ten characters from a keyed signature of the step's key,
    /// so it cannot be guessed from the run and is the same each time the step runs.
    static func code(for key: String, links: TrackingLinks) -> String {
        let alphabet = Array("ABCDEFGHJKLMNPQRSTUVWXYZ23456789")
        let bytes = Array(links.signer.signature("journey-code:" + key).utf8)
        var out = ""
        for b in bytes.prefix(10) { out.append(alphabet[Int(b) % alphabet.count]) }
        return out
    }

    /// Moves every due run on, as far as it goes now, a page at a time; returns how many steps ran.
    @discardableResult
    public func runDue(settings: CampaignSettings, limit: Int = 500) async throws -> Int {
        var total = 0
        while true {
            let moved = try await runPage(settings: settings, limit: limit)
            if moved == 0 { return total }
            total += moved
        }
    }

    /// Moves a page of due runs one step on: a wait sets the next due time, a branch, split or awaited
    /// condition picks the step to go on at, a send renders and queues its email, a webhook queues its call,
    /// a trait step appends it to the profile, an exit or the last step ends the run. Mail and calls are
    /// queued in the same transaction that moves their runs past the step, and only for runs still at that
    /// step (a compare-and-set), so a crash, a restart or a second runner never queues one twice. Recipients
    /// are read several at once and emails rendered on every core. Returns how many runs moved (a run whose
    /// next step is due at once moves again on the next page).
    func runPage(settings: CampaignSettings, limit: Int) async throws -> Int {
        let now = clock.now()
        let due = try await stores.journeys.dueJourneyRuns(at: now, limit: limit)
        guard !due.isEmpty else { return 0 }
        let journeys = Dictionary(try await stores.journeys.journeys().map { ($0.id, $0.definition) }, uniquingKeysWith: { a, _ in a })
        let (subjects, evaluator) = try await self.subjects(of: due, in: journeys)
        var moves: [JourneyMove] = []
        var effects: [Int64: JourneyEffects] = [:]
        var sends: [PendingSend] = []
        var hooks: [(run: JourneyRun, journey: JourneyDefinition, step: Int, url: String, secret: String)] = []
        var traits: [(profile: ProfileID, message: TailorCore.Message)] = []
        for run in due {
            guard let journey = journeys[run.journey] else { continue }
            let i = run.step
            guard i < journey.steps.count else {
                moves.append(JourneyMove(run: run.id, from: i, to: i, dueAt: nil, endState: .completed))
                continue
            }
            if let move = Self.decide(run, in: journey, subject: subjects[run.profile], evaluator: evaluator, settings: settings, now: now) {
                moves.append(move)
                continue
            }
            switch journey.steps[i] {
            case .setTrait(let name, let value):
                // An identify appended to the profile, keyed by the run and step: stored once however often the
                // step runs again after a crash; a generated code is derived from the same key.
                let key = Self.messageKey(run: run.id, journey: journey.id, step: i)
                let trait = value ?? .string(Self.code(for: key, links: settings.composer.links))
                traits.append((run.profile, TailorCore.Message(type: .identify, messageId: key, traits: [name: trait], timestamp: now, receivedAt: now)))
                moves.append(Self.onward(run, in: journey, to: journey.successor(of: i), due: nil, now: now))
            case .send(let template, let transactional):
                sends.append(PendingSend(run: run, journey: journey.id, journeyName: journey.name, step: i, template: template,
                                         transactional: transactional,
                                         segmentTrigger: journey.trigger.event == TailorEvent.segmentEntered ? journey.trigger : nil))
            case .webhook(let url, let secret):
                hooks.append((run, journey, i, url, secret))
                moves.append(Self.onward(run, in: journey, to: journey.successor(of: i), due: nil, now: now))
            default:
                continue
            }
        }
        if !traits.isEmpty { _ = try await stores.mail.appendEvents(traits) }
        if !hooks.isEmpty {
            let triggers = try await stores.events.events(messageIds: hooks.compactMap(\.run.triggerMessage))
            for h in hooks {
                let key = Self.messageKey(run: h.run.id, journey: h.journey.id, step: h.step)
                let body = Self.webhookBody(h.run, journey: h.journey, step: h.step, key: key, subject: subjects[h.run.profile],
                                            trigger: h.run.triggerMessage.flatMap { triggers[$0]?.message }, now: now)
                effects[h.run.id, default: JourneyEffects()].webhooks.append(WebhookCall(key: key, webhook: nil, journey: h.journey.id, profile: h.run.profile, url: h.url,
                                                                                          secret: h.secret, body: body))
            }
        }
        if !sends.isEmpty {
            let results = try await emails(sends, settings: settings, now: now)
            for send in sends {
                let run = send.run
                switch results[run.id] {
                case .success(let message)?:
                    effects[run.id, default: JourneyEffects()].mail.append(message)
                    moves.append(Self.onward(run, in: journeys[run.journey]!, to: journeys[run.journey]!.successor(of: run.step), due: nil, now: now))
                case .failure(let skip)? where skip.reason == SkipReason.frequencyCap:
                    // Over the cap, the email is left out and the run goes on: the journey is not ended by it.
                    moves.append(Self.onward(run, in: journeys[run.journey]!, to: journeys[run.journey]!.successor(of: run.step), due: nil, now: now,
                                             outcome: SkipReason.frequencyCap))
                case .failure(let skip)?:
                    moves.append(JourneyMove(run: run.id, from: run.step, to: run.step + 1, dueAt: nil, endState: .exited, endReason: skip.reason))
                case nil:
                    continue
                }
            }
        }
        // Each move's `Journey Step Completed` (a step that ran), and `Journey Exited` when it ends the run; a run
        // that only waits on at its step records nothing.
        let byId = Dictionary(due.map { ($0.id, $0) }, uniquingKeysWith: { a, _ in a })
        for move in moves {
            guard let run = byId[move.run], let journey = journeys[run.journey] else { continue }
            var list: [TailorCore.Message] = []
            if move.from < journey.steps.count, move.to != move.from || move.endState != nil, move.endReason == nil || move.endReason == "exit_step" {
                list.append(JourneyEvents.stepCompleted(journey: journey.id, run: run.id, step: move.from, kind: journey.steps[move.from].kind,
                                                        outcome: move.outcome, at: now))
            }
            if let end = move.endState {
                list.append(JourneyEvents.exited(journey: journey.id, profile: run.profile, key: run.key, enteredAt: run.enteredAt,
                                                 reason: move.endReason ?? end.rawValue, at: now))
            }
            effects[run.id, default: JourneyEffects()].events = list.map { (run.profile, $0) }
        }
        return try await stores.journeys.advanceJourneyRuns(moves, effects: effects, at: now).count
    }

    /// Appends the events journeys recorded (`Journey Entered`, `Journey Step Completed`, `Journey Exited`) to
    /// their profiles' streams, where segments and reports read them, and removes them; returns how many.
    @discardableResult
    public func appendPendingEvents(limit: Int = 1000) async throws -> Int {
        var total = 0
        while true {
            let pending = try await stores.pendingEvents.pendingEvents(limit: limit)
            guard !pending.isEmpty else { return total }
            _ = try await stores.mail.appendEvents(pending.map { ($0.profile, $0.message) })
            try await stores.pendingEvents.removePendingEvents(pending.map(\.id))
            total += pending.count
            if pending.count < limit { return total }
        }
    }

    /// The move past a run's step to step `to`, due at `due` (now when nil), or the end of the journey
    /// when `to` is past the last step and nothing is left to wait for.
    static func onward(_ run: JourneyRun, in journey: JourneyDefinition, to next: Int, due: Date?, now: Date, outcome: String? = nil) -> JourneyMove {
        if next >= journey.steps.count, due == nil {
            return JourneyMove(run: run.id, from: run.step, to: next, dueAt: nil, endState: .completed, outcome: outcome)
        }
        return JourneyMove(run: run.id, from: run.step, to: next, dueAt: due ?? now, outcome: outcome)
    }

    struct PendingSend: Sendable {
        var run: JourneyRun
        var journey: String
        var journeyName: String
        var step: Int
        var template: String
        var transactional: Bool
        /// The journey's trigger when it is a segment entry (a run started by entering a segment that reads
        /// behaviour does not send to who refused personalization).
        var segmentTrigger: JourneyDefinition.Trigger? = nil
    }

    /// Whether a segment-entry trigger accepts the entry into one of these segments.
    static func entersOneOf(_ trigger: JourneyDefinition.Trigger, _ segments: Set<String>) -> Bool {
        segments.contains { id in
            trigger.filter?.holds(for: TailorCore.Message(type: .track, messageId: "", event: TailorEvent.segmentEntered,
                                                          properties: ["segment_id": .string(id)], timestamp: Date(timeIntervalSince1970: 0))) ?? true
        }
    }

    /// The emails of a page of send steps, each rendered for its run's profile, or why it cannot be sent.
    func emails(_ sends: [PendingSend], settings: CampaignSettings, now: Date) async throws -> [Int64: Result<OutboxMessage, SkipError>] {
        let loader = try await loaders.loader(at: now) {
            try await RecipientLoader.make(stores: stores, modelPath: settings.modelPath, needsRecommendations: true)
        }
        var prepared: [String: PreparedEmail] = [:]
        for name in Set(sends.map(\.template)) {
            // A template deleted or broken since the journey was saved ends those runs, not the runner.
            prepared[name] = try? await TemplateService(stores: stores, clock: clock)
                .prepare(name, currency: settings.currency, productURLs: loader.catalog.compactMapValues(\.url))
        }
        // The events that started the runs, for `event` in the context (an event no longer stored leaves it empty).
        let triggers = try await stores.events.events(messageIds: sends.compactMap(\.run.triggerMessage))
        let counts = prepared.mapValues(\.template.recommendationCount)
        let unpersonalized = try await settings.personalization?.refused(Array(Set(sends.map(\.run.profile)))) ?? []
        // Runs started by entering a segment that reads behaviour: who refused personalization is not in it.
        var behaviouralEntry: Set<Int64> = []
        if !unpersonalized.isEmpty, sends.contains(where: { $0.segmentTrigger != nil }) {
            let behavioural = try SegmentCatalog(try await stores.segments.segments()).behavioural
            for send in sends {
                if let trigger = send.segmentTrigger, Self.entersOneOf(trigger, behavioural) { behaviouralEntry.insert(send.run.id) }
            }
        }
        let loaded = try await Concurrently.map(sends, width: CampaignService.readWidth) { send -> EmailRecipient? in
            try await loader.load(send.run.profile, recommendations: counts[send.template] ?? 0,
                                  personalized: !unpersonalized.contains(send.run.profile))
        }
        var recipients: [Int64: EmailRecipient] = [:]
        for (send, recipient) in zip(sends, loaded) { if let recipient { recipients[send.run.id] = recipient } }
        let keys = recipients.compactMapValues { $0.email.map { stores.suppressions.suppressionKey(forAddress: $0) } }
        let suppressed = try await stores.suppressions.suppressions(keys: Array(Set(keys.values)))
        let marketing = Array(Set(sends.filter { !$0.transactional }.map(\.run.profile)))
        let permitted = marketing.isEmpty ? [] : try await settings.consent?.permitsMarketing(marketing) ?? Set(marketing)
        var capped: [ProfileID: Int] = [:]
        if let cap = settings.frequencyCap, !marketing.isEmpty {
            capped = try await MarketingSends.counts(of: marketing, since: now.addingTimeInterval(-cap.window), stores: stores)
        }

        var out: [Int64: Result<OutboxMessage, SkipError>] = [:]
        var ready: [(send: PendingSend, recipient: EmailRecipient, address: String, email: PreparedEmail)] = []
        for send in sends {
            let id = send.run.id
            guard let email = prepared[send.template] else { out[id] = .failure(SkipError(SkipReason.renderFailed)); continue }
            guard let recipient = recipients[id], let address = recipient.email else { out[id] = .failure(SkipError(SkipReason.noEmail)); continue }
            if let entry = keys[id].flatMap({ suppressed[$0] }) {
                out[id] = .failure(SkipError(SkipReason.suppression(entry)))
            } else if behaviouralEntry.contains(id), unpersonalized.contains(send.run.profile) {
                out[id] = .failure(SkipError(SkipReason.noPersonalization))
            } else if !send.transactional, !permitted.contains(send.run.profile) {
                out[id] = .failure(SkipError(SkipReason.noConsent))
            } else if let cap = settings.frequencyCap, !send.transactional, capped[send.run.profile, default: 0] >= cap.count {
                out[id] = .failure(SkipError(SkipReason.frequencyCap))
            } else {
                // Two sends of one page to the same person count against the cap one after the other.
                if !send.transactional { capped[send.run.profile, default: 0] += 1 }
                ready.append((send, recipient, address, email))
            }
        }
        let catalog = loader.catalog
        let built = try await Concurrently.map(ready, width: CampaignService.renderWidth) { w -> (Int64, Result<OutboxMessage, SkipError>) in
            let run = w.send.run
            let timeZone = w.recipient.timeZone(fallback: settings.defaultTimeZone)
            var notBefore: Date?
            if !w.send.transactional, let quiet = settings.quietHours {
                let release = quiet.release(now, in: timeZone)
                if release > now { notBefore = release }
            }
            // A sender the template names that does not parse fails the email, not the page.
            let sender: MailAddress?
            do {
                sender = try w.email.template.from.map { try MailAddress(parsing: $0) }
            } catch {
                return (run.id, .failure(SkipError(SkipReason.renderFailed)))
            }
            let context = EmailContext.Send(journeyID: w.send.journey, journeyName: w.send.journeyName,
                                            event: run.triggerMessage.flatMap { triggers[$0]?.message })
            return (run.id, settings.email(w.email, for: w.recipient, profile: run.profile, address: w.address,
                                           key: Self.messageKey(run: run.id, journey: w.send.journey, step: w.send.step), campaign: nil,
                                           context: context, catalog: catalog, from: sender,
                                           headers: [HeaderField("X-Tailor-Journey", w.send.journey)], notBefore: notBefore, at: now))
        }
        for (id, result) in built { out[id] = result }
        return out
    }
}
