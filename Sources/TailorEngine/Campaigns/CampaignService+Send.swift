public import Foundation
public import TailorCore
public import TailorMail
public import TailorStore

/// What sending needs beside the stores: the sender, the links, the signer and the send rules.
public struct CampaignSettings: Sendable {
    public var composer: EmailComposer
    /// Marketing sends per profile (`TAILOR_FREQUENCY_CAP`); nil: no cap.
    public var frequencyCap: FrequencyCap?
    /// Hours marketing email waits through (`TAILOR_QUIET_HOURS`); nil: none.
    public var quietHours: QuietHours?
    /// The time zone of recipients whose profile gives none.
    public var defaultTimeZone: TimeZone
    /// The `money` filter's default currency.
    public var currency: String
    /// The recommendation model's file; nil or missing: popular products.
    public var modelPath: String?
    /// Recipients handled per transaction.
    public var pageSize: Int
    /// Who may get marketing email; nil: everyone not suppressed (the opt-out policy).
    public var consent: (any MarketingConsent)?
    /// Who may be personalized (model traits, recommendations, behaviour-based audiences); nil: everyone.
    public var personalization: PersonalizationConsent?

    public init(composer: EmailComposer, frequencyCap: FrequencyCap? = nil, quietHours: QuietHours? = nil,
                defaultTimeZone: TimeZone = EmailEnvironment.utc, currency: String = "USD", modelPath: String? = nil, pageSize: Int = 250) {
        self.composer = composer
        self.frequencyCap = frequencyCap
        self.quietHours = quietHours
        self.defaultTimeZone = defaultTimeZone
        self.currency = currency
        self.modelPath = modelPath
        self.pageSize = pageSize
    }
}

extension CampaignSettings {
    /// For previews where mail is not configured: a placeholder sender and links that lead nowhere.
    public static var preview: CampaignSettings {
        let links = TrackingLinks(baseURL: "https://tailor.invalid", signer: LinkSigner(masterKey: FieldCipher.generateMasterKey()))
        return CampaignSettings(composer: EmailComposer(from: try! MailAddress("preview@tailor.invalid"), links: links))
    }
}

/// The consent check of marketing sends: the profiles (of those given) that may get marketing email now.
/// Transactional sends do not ask.
public protocol MarketingConsent: Sendable {
    func permitsMarketing(_ profiles: [ProfileID]) async throws -> Set<ProfileID>
}

extension CampaignService {
    /// The idempotency key of a campaign's message to a profile: one message per recipient per campaign,
    /// however often sending is started or resumed.
    public static func messageKey(campaign: String, profile: ProfileID) -> String { "campaign:\(campaign):\(profile.rawValue)" }

    /// Starts sending: takes the audience snapshot of a draft or scheduled campaign (once, whoever asks
    /// first) and returns the campaign, now `sending`. A campaign already sending or sent is returned as it is.
    /// - Throws: ``RequestError`` `.illegalState` for a paused or cancelled campaign, `.notFound`.
    @discardableResult
    public func start(_ idOrName: String) async throws -> Campaign {
        var c = try await campaign(idOrName)
        if CampaignLifecycle.allows(.send, from: c.state) {
            // When another process started it first, nothing changes here: go on beside it.
            _ = try await stores.campaigns.startCampaign(c.id, from: CampaignLifecycle.sources(of: .send), include: c.segments,
                                                         exclude: c.excluded, at: clock.now())
            c = try await campaign(c.id)
        }
        switch c.state {
        case .sending, .sent: return c
        default: throw CampaignLifecycle.refusal(.send, campaign: c.id, state: c.state)
        }
    }

    /// Sends a campaign: takes the audience snapshot (once), then renders and queues every pending
    /// recipient's email, a page per transaction, until none is pending or the campaign is paused or
    /// cancelled. Sending a campaign that is already sending goes on where it stopped (after a crash, or
    /// beside another process: the idempotency keys keep each recipient to one message); sending a sent
    /// campaign adds nothing.
    ///
    /// A recipient without an address, suppressed, unsubscribed, over the frequency cap, or whose email
    /// fails to render is skipped with that reason; nothing stops the campaign but a store failure.
    /// - Parameter progress: called after each page with (handled, audience).
    /// - Throws: ``RequestError`` `.illegalState` for a paused or cancelled campaign, `.notFound`.
    @discardableResult
    public func send(_ idOrName: String, settings: CampaignSettings, progress: (@Sendable (Int, Int) -> Void)? = nil) async throws -> Status {
        let c = try await start(idOrName)
        guard c.state == .sending, try await !stores.campaigns.pendingRecipients(of: c.id, after: nil, limit: 1).isEmpty else {
            return try await status(c.id)
        }
        let emails = try await variantEmails(c, settings: settings)
        let loader = try await RecipientLoader.make(stores: stores, modelPath: settings.modelPath,
                                                    needsRecommendations: emails.values.contains { $0.recommendations > 0 })
        let optimizer = emails.values.contains { $0.sendTime == .optimal } ? try await sendTimeOptimizer(c, settings: settings) : nil
        let behavioural = settings.personalization == nil ? false : try await readsBehaviour(c)
        let assignment = c.experiment?.assignment(campaign: c.id)
        let decision = c.experiment?.test == nil ? nil : try await stores.campaigns.experimentRecord(of: c.id)
        let audience = c.audience ?? 0
        var handled = audience - (try await stores.campaigns.campaignCounts(c.id).pending)
        var cursor: ProfileID?
        while true {
            let state = try await campaign(c.id).state
            guard state == .sending else { break }
            let page = try await stores.campaigns.pendingRecipients(of: c.id, after: cursor, limit: settings.pageSize)
            guard let last = page.last else { break }
            cursor = last
            let plans = page.map { Self.plan($0, campaign: c, assignment: assignment, decision: decision) }
            let (outcomes, messages) = try await prepare(page, plans: plans, position: handled, campaign: c, emails: emails, loader: loader,
                                                         optimizer: optimizer, settings: settings, behaviouralAudience: behavioural)
            _ = try await stores.campaigns.recordRecipients(of: c.id, outcomes, messages: messages, at: clock.now())
            handled += page.count
            progress?(handled, audience)
        }
        return try await status(c.id)
    }

    /// One variant's email ready to render (the campaign's own under the key "").
    struct VariantEmail: Sendable {
        var email: PreparedEmail
        var sender: MailAddress?
        var recommendations: Int
        var sendTime: SendTime
        var sendAt: Date?
    }

    /// The emails of a campaign: its own, or one per variant with the variant's template, subject, preheader and send time.
    func variantEmails(_ c: Campaign, settings: CampaignSettings) async throws -> [String: VariantEmail] {
        let all = try await stores.templates.templates()
        let catalog = try await stores.products.products()
        let urls = Dictionary(catalog.compactMap { p in p.url.map { (p.id, $0) } }, uniquingKeysWith: { a, _ in a })
        let service = TemplateService(stores: stores, clock: clock)
        func make(template: String, subject: String?, preheader: String?, sendTime: SendTime, sendAt: Date?) async throws -> VariantEmail {
            let prepared = try await service.prepare(template, currency: settings.currency, productURLs: urls, subject: subject, preheader: preheader)
            let needs = Self.readsRecommendations(template, in: all)
            return VariantEmail(email: prepared, sender: try prepared.template.from.map { try MailAddress(parsing: $0) },
                                recommendations: needs ? prepared.template.recommendationCount : 0, sendTime: sendTime, sendAt: sendAt)
        }
        guard let experiment = c.experiment else {
            return ["": try await make(template: c.template, subject: nil, preheader: nil, sendTime: c.sendTime, sendAt: nil)]
        }
        var out: [String: VariantEmail] = [:]
        for v in experiment.variants {
            out[v.name] = try await make(template: v.template ?? c.template, subject: v.subject, preheader: v.preheader,
                                         sendTime: v.sendTime ?? c.sendTime, sendAt: v.sendAt)
        }
        return out
    }

    /// The outcome of each recipient of a page, and the messages of those queued. `position` is how many
    /// recipients come before the page in the snapshot: with a rate, the k-th recipient's email is due k/rate
    /// seconds after sending started, so the outbox releases them at that pace however many workers send.
    ///
    /// Recipients are read several at once, and their emails rendered, composed and signed on every core; the
    /// eligibility rules run in between, in page order.
    func prepare(_ page: [ProfileID], plans: [RecipientPlan], position: Int, campaign c: Campaign, emails: [String: VariantEmail], loader: RecipientLoader,
                 optimizer: SendTimeOptimizer?, settings: CampaignSettings,
                 behaviouralAudience: Bool = false) async throws -> ([RecipientOutcome], [OutboxMessage]) {
        let now = clock.now()
        // Who is sent what: recipients held out, waiting or stopped are recorded without reading them.
        var planned: [ProfileID: (variant: String?, phase: RecipientPhase?)] = [:]
        var decided: [ProfileID: RecipientOutcome] = [:]
        for (id, plan) in zip(page, plans) {
            switch plan {
            case .send(let variant, let phase): planned[id] = (variant, phase)
            case .holdout(let phase): decided[id] = RecipientOutcome(id, .skipped(SkipReason.heldOut), variant: VariantAssignment.holdout, phase: phase)
            case .wait: decided[id] = RecipientOutcome(id, .waiting, phase: .rest)
            case .stop: decided[id] = RecipientOutcome(id, .skipped(SkipReason.experimentStopped), phase: .rest)
            }
        }
        let sending = page.filter { planned[$0] != nil }
        var chosen: [ProfileID: VariantEmail] = [:]
        for id in sending { chosen[id] = emails[planned[id]?.variant ?? ""] ?? emails.values.first }
        let emailOf = chosen
        // Without personalization consent: no model traits, RFM or recommendations from their history, no send
        // time from their opens, and no place in an audience that reads behaviour.
        let unpersonalized = try await settings.personalization?.refused(sending) ?? []
        let opens = optimizer == nil ? [:] : try await stores.interactions.humanOpenTimes(of: sending.filter { !unpersonalized.contains($0) },
                                                                                        limit: Self.opensPerRecipient)
        let loaded = try await Concurrently.map(sending, width: Self.readWidth) { id in
            (id, try await loader.load(id, recommendations: emailOf[id]?.recommendations ?? 0, personalized: !unpersonalized.contains(id)))
        }
        var recipients: [ProfileID: EmailRecipient] = [:]
        for case (let id, let recipient?) in loaded { recipients[id] = recipient }
        let addresses = recipients.compactMapValues(\.email)
        let keys = addresses.mapValues { stores.suppressions.suppressionKey(forAddress: $0) }
        let suppressed = try await stores.suppressions.suppressions(keys: Array(Set(keys.values)))
        var capped: [ProfileID: Int] = [:]
        if let cap = settings.frequencyCap, !c.transactional {
            capped = try await MarketingSends.counts(of: Array(addresses.keys), since: now.addingTimeInterval(-cap.window), stores: stores)
        }
        let permitted = try await settings.consent?.permitsMarketing(Array(addresses.keys)) ?? Set(addresses.keys)

        struct Work: Sendable {
            var index: Int, id: ProfileID, recipient: EmailRecipient, address: String, variant: String?, email: VariantEmail
        }
        var skipped: [ProfileID: String] = [:]
        var works: [Work] = []
        for (index, id) in page.enumerated() where planned[id] != nil {
            guard let recipient = recipients[id], let address = addresses[id] else {
                skipped[id] = SkipReason.noEmail
                continue
            }
            if let entry = keys[id].flatMap({ suppressed[$0] }) {
                skipped[id] = SkipReason.suppression(entry)
            } else if behaviouralAudience, unpersonalized.contains(id) {
                skipped[id] = SkipReason.noPersonalization
            } else if !c.transactional, !permitted.contains(id) {
                skipped[id] = SkipReason.noConsent
            } else if let cap = settings.frequencyCap, !c.transactional, (capped[id] ?? 0) >= cap.count {
                skipped[id] = SkipReason.frequencyCap
            } else {
                works.append(Work(index: index, id: id, recipient: recipient, address: address, variant: planned[id]?.variant, email: chosen[id]!))
            }
        }
        let catalog = loader.catalog
        let built = try await Concurrently.map(works, width: Self.renderWidth) { w -> (ProfileID, Result<OutboxMessage, SkipError>) in
            let timeZone = w.recipient.timeZone(fallback: settings.defaultTimeZone)
            var due = now
            if let optimizer, w.email.sendTime == .optimal { due = optimizer.due(opens: opens[w.id] ?? [], timeZone: timeZone, now: now) }
            if let at = w.email.sendAt { due = max(due, at) }
            if let rate = c.ratePerSecond, let started = c.startedAt {
                due = max(due, started.addingTimeInterval(Double(position + w.index) / Double(rate)))
            }
            if let quiet = settings.quietHours, !c.transactional { due = quiet.release(due, in: timeZone) }
            var send = EmailContext.Send(campaignID: c.id, campaignName: c.name)
            send.variant = w.variant
            return (w.id, settings.email(w.email.email, for: w.recipient, profile: w.id, address: w.address,
                                         key: Self.messageKey(campaign: c.id, profile: w.id), campaign: c.id, context: send, catalog: catalog,
                                         from: w.email.sender, notBefore: due > now ? due : nil, variant: w.variant, at: now))
        }
        var results: [ProfileID: Result<OutboxMessage, SkipError>] = [:]
        for (id, result) in built { results[id] = result }
        var outcomes: [RecipientOutcome] = []
        var messages: [OutboxMessage] = []
        for id in page {
            let variant = planned[id]?.variant, phase = planned[id]?.phase
            if let outcome = decided[id] {
                outcomes.append(outcome)
            } else if let reason = skipped[id] {
                outcomes.append(RecipientOutcome(id, .skipped(reason), variant: variant, phase: phase))
            } else if case .success(let message)? = results[id] {
                messages.append(message)
                outcomes.append(RecipientOutcome(id, .queued, variant: variant, phase: phase))
            } else if case .failure(let skip)? = results[id] {
                outcomes.append(RecipientOutcome(id, .skipped(skip.reason), variant: variant, phase: phase))
            }
        }
        return (outcomes, messages)
    }

    /// Whether the campaign's audience is a segment that reads behaviour (``SegmentCatalog/behavioural``).
    func readsBehaviour(_ c: Campaign) async throws -> Bool {
        guard !c.segments.isEmpty else { return false }
        let catalog = try SegmentCatalog(try await stores.segments.segments())
        return !catalog.behavioural.isDisjoint(with: c.segments)
    }

    /// Recipients read at once (SQLite's readers and PostgreSQL's pool serve them in parallel).
    static let readWidth = 8
    /// Emails rendered and signed at once: one a core.
    static let renderWidth = max(1, ProcessInfo.processInfo.activeProcessorCount)

    /// The opens of each recipient that send-time optimization reads (the newest).
    static let opensPerRecipient = 200

    /// The optimizer of a campaign: its audience's opens by UTC hour (read from the pending recipients,
    /// a page at a time) and every profile's.
    func sendTimeOptimizer(_ c: Campaign, settings: CampaignSettings) async throws -> SendTimeOptimizer {
        var audience: [Int: Int] = [:]
        var cursor: ProfileID?
        let utc = TimeZone(identifier: "UTC")!
        while true {
            let page = try await stores.campaigns.pendingRecipients(of: c.id, after: cursor, limit: 1000)
            guard let last = page.last else { break }
            cursor = last
            for (_, opens) in try await stores.interactions.humanOpenTimes(of: page, limit: Self.opensPerRecipient) {
                for (hour, n) in SendTimeOptimizer.hours(opens, in: utc) { audience[hour, default: 0] += n }
            }
        }
        return SendTimeOptimizer(audienceHours: audience, globalHours: try await stores.interactions.humanOpensByHour())
    }

    /// Whether an email may read `recommendations`: its text, its layout's or a partial's names them (a
    /// partial is counted whether it is rendered or not: a false yes only costs the ranking).
    static func readsRecommendations(_ name: String, in templates: [EmailTemplate]) -> Bool {
        guard let email = templates.first(where: { $0.name == name }) else { return false }
        let sources = [email.html, email.text ?? "", email.subject] + templates.filter { $0.kind != .email }.map(\.html)
        return sources.contains { $0.contains("recommendations") }
    }
}

/// A skip reason carried through a `Result`.
struct SkipError: Error, Sendable {
    var reason: String
    init(_ reason: String) { self.reason = reason }
}

/// The reasons a recipient is skipped, as `status` reports them.
public enum SkipReason {
    public static let noEmail = "no_email"
    public static let suppressed = "suppressed"
    public static let unsubscribed = "unsubscribed"
    public static let frequencyCap = "frequency_cap"
    public static let noConsent = "no_consent"
    /// The campaign's audience is a segment that reads behaviour, and the recipient refused `personalization`
    /// (they are left out of such segments).
    public static let noPersonalization = "no_personalization_consent"
    public static let renderFailed = "render_failed"
}
