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

    /// Moves every due run on, as far as it goes now: a wait sets the next due time, a send renders and
    /// queues its email in the same transaction that moves the run past it (so it is queued exactly once,
    /// whatever crashes), an exit or the last step ends the run. Returns how many steps ran.
    @discardableResult
    public func runDue(settings: CampaignSettings, limit: Int = 500) async throws -> Int {
        let now = clock.now()
        let due = try await stores.journeys.dueJourneyRuns(at: now, limit: limit)
        guard !due.isEmpty else { return 0 }
        let journeys = Dictionary(try await stores.journeys.journeys().map { ($0.id, $0.definition) }, uniquingKeysWith: { a, _ in a })
        var sender = Sender(service: self, settings: settings)
        var ran = 0
        for var run in due {
            guard let journey = journeys[run.journey] else { continue }
            // A run goes on through the steps that are due now (a send, then the next wait).
            while run.state == .active, let at = run.dueAt, at <= now {
                let move = try await sender.move(run, in: journey, now: now)
                guard try await stores.journeys.advanceJourneyRun(move.move, mail: move.mail, at: now) else { break }
                ran += 1
                run.step = move.move.to
                run.dueAt = move.move.dueAt
                run.state = move.move.endState ?? .active
            }
        }
        return ran
    }

    /// What running a run's due step does.
    struct Sender {
        let service: JourneyService
        let settings: CampaignSettings
        var loader: RecipientLoader?
        var prepared: [String: PreparedEmail] = [:]

        init(service: JourneyService, settings: CampaignSettings) {
            self.service = service
            self.settings = settings
        }

        mutating func move(_ run: JourneyRun, in journey: JourneyDefinition, now: Date) async throws -> (move: JourneyMove, mail: [OutboxMessage]) {
            let i = run.step
            guard i < journey.steps.count else {
                return (JourneyMove(run: run.id, from: i, to: i, dueAt: nil, endState: .completed), [])
            }
            let next = i + 1
            let last = next >= journey.steps.count
            func onward(due: Date?) -> JourneyMove {
                last && due == nil ? JourneyMove(run: run.id, from: i, to: next, dueAt: nil, endState: .completed)
                    : JourneyMove(run: run.id, from: i, to: next, dueAt: due ?? now)
            }
            switch journey.steps[i] {
            case .wait(let duration):
                // Waits chain from the time the step was due, so a journey's times do not drift with the runner.
                return (onward(due: (run.dueAt ?? now).addingTimeInterval(duration)), [])
            case .exit:
                return (JourneyMove(run: run.id, from: i, to: next, dueAt: nil, endState: .exited, endReason: "exit_step"), [])
            case .setTrait(let name, let value):
                // An identify appended to the profile, keyed by the run and step: stored once, however often the
                // step runs again after a crash; a generated code is derived from them the same way.
                let key = JourneyService.messageKey(run: run.id, journey: journey.id, step: i)
                let trait = value ?? .string(JourneyService.code(for: key, links: settings.composer.links))
                let message = Message(type: .identify, messageId: key, traits: [name: trait], timestamp: now, receivedAt: now)
                _ = try await service.stores.mail.appendEvents([(run.profile, message)])
                return (onward(due: nil), [])
            case .send(let template, let transactional):
                switch try await email(run, journey: journey, step: i, template: template, transactional: transactional, now: now) {
                case .success(let message): return (onward(due: nil), [message])
                case .failure(let skip): return (JourneyMove(run: run.id, from: i, to: next, dueAt: nil, endState: .exited, endReason: skip.reason), [])
                }
            }
        }

        mutating func email(_ run: JourneyRun, journey: JourneyDefinition, step: Int, template: String, transactional: Bool,
                            now: Date) async throws -> Result<OutboxMessage, SkipError> {
            let stores = service.stores
            if loader == nil {
                loader = try await RecipientLoader.make(stores: stores, modelPath: settings.modelPath, needsRecommendations: true)
            }
            guard let loader else { return .failure(SkipError(SkipReason.renderFailed)) }
            if prepared[template] == nil {
                // A template deleted or broken since the journey was saved ends the run, not the runner.
                prepared[template] = try? await TemplateService(stores: stores, clock: service.clock)
                    .prepare(template, currency: settings.currency, productURLs: loader.catalog.compactMapValues(\.url))
            }
            guard let email = prepared[template] else { return .failure(SkipError(SkipReason.renderFailed)) }
            guard let recipient = try await loader.load(run.profile, recommendations: email.template.recommendationCount),
                  let address = recipient.email else { return .failure(SkipError(SkipReason.noEmail)) }
            let key = stores.suppressions.suppressionKey(forAddress: address)
            if let entry = try await stores.suppressions.suppressions(keys: [key])[key] {
                return .failure(SkipError(entry.reason == .unsubscribe ? SkipReason.unsubscribed : SkipReason.suppressed))
            }
            if !transactional, let consent = settings.consent, try await !consent.permitsMarketing([run.profile]).contains(run.profile) {
                return .failure(SkipError(SkipReason.noConsent))
            }
            let timeZone = recipient.timeZone(fallback: settings.defaultTimeZone)
            let messageKey = JourneyService.messageKey(run: run.id, journey: journey.id, step: step)
            let token = TrackingToken(profileID: run.profile, campaign: nil, messageKey: messageKey)
            let context = EmailContext.make(recipient, catalog: loader.catalog, send: EmailContext.Send(
                unsubscribeURL: settings.composer.links.unsubscribeURL(token), viewURL: settings.composer.links.viewURL(token),
                currency: settings.currency))
            guard let rendered = try? email.render(context, timeZone: timeZone) else { return .failure(SkipError(SkipReason.renderFailed)) }
            var notBefore: Date?
            if !transactional, let quiet = settings.quietHours {
                let release = quiet.release(now, in: timeZone)
                if release > now { notBefore = release }
            }
            do {
                let sender = try email.template.from.map { try MailAddress($0) }
                return .success(try settings.composer.compose(rendered, to: address, profile: run.profile, campaign: nil, key: messageKey,
                                                              from: sender, headers: [HeaderField("X-Tailor-Journey", journey.id)],
                                                              notBefore: notBefore, at: now))
            } catch let error as MailError where error.code == .invalidAddress {
                return .failure(SkipError(SkipReason.noEmail))
            } catch {
                return .failure(SkipError(SkipReason.renderFailed))
            }
        }
    }
}
