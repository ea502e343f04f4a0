public import Foundation
import Liquid
public import TailorCore
public import TailorMail
public import TailorStore

/// Double opt-in (docs/PRIVACY.md): a grant of `email_marketing` recorded for a person under the
/// `double-opt-in` policy (by default, or for their country) is *pending* until they follow a link mailed to
/// their address. This workflow mails the confirmations (transactional, through the outbox) and records the
/// confirmed grant when the link is followed.
///
/// Confirmations are found by a cursor over the ledger (the setting `double_opt_in.cursor`), so a grant recorded
/// by any path (the API, an import, `identify` traits, a banner's `context.consent`) gets one, once: the outbox
/// key `double-opt-in:<profile>:<grant time>` keeps a grant to one email however often this runs.
public struct DoubleOptInService: Sendable {
    public struct Options: Sendable {
        public var policy: EmailConsentPolicy
        public var links: ConfirmationLinks
        public var from: MailAddress
        public var signer: DKIMSigner?
        /// How long a confirmation link may be followed (7 days by default). Grants recorded longer ago than this
        /// when first seen get no email (turning double opt-in on does not mail every past grant).
        public var linkLifetime: TimeInterval
        /// Entries recorded less than this long ago are left for the next pass: on PostgreSQL a transaction that
        /// commits late can hold a lower ledger id than one already read, and the cursor must not pass it.
        public var settle: TimeInterval

        public init(policy: EmailConsentPolicy, links: ConfirmationLinks, from: MailAddress, signer: DKIMSigner? = nil,
                    linkLifetime: TimeInterval = 7 * 86_400, settle: TimeInterval = 10) {
            self.policy = policy
            self.links = links
            self.from = from
            self.signer = signer
            self.linkLifetime = linkLifetime
            self.settle = settle
        }
    }

    /// What one pass did.
    public struct Summary: Sendable, Hashable {
        /// Confirmation emails queued.
        public var queued = 0
        /// Grants seen that need none (another policy, confirmed already, decided otherwise since, too old).
        public var skipped = 0
        /// Pending grants of profiles without a usable address.
        public var noEmail = 0
        public init() {}
    }

    /// What following a link did.
    public enum Outcome: String, Sendable {
        /// The grant is confirmed now (a `double_opt_in` entry was recorded).
        case confirmed
        /// It was confirmed before: nothing was recorded.
        case alreadyConfirmed = "already_confirmed"
        /// The person decided otherwise since (withdrew, or a newer decision replaced the grant): nothing recorded.
        case notPending = "not_pending"
    }

    /// The stored template that replaces the built-in confirmation email.
    public static let templateName = "double-opt-in"
    static let cursorSetting = "double_opt_in.cursor"

    public let stores: Stores
    public let options: Options
    public let clock: any WallClock

    public init(stores: Stores, options: Options, clock: any WallClock = SystemClock()) {
        self.stores = stores
        self.options = options
        self.clock = clock
    }

    // MARK: - Sending confirmations

    /// Queues a confirmation for every pending grant recorded since the last pass.
    @discardableResult
    public func sendConfirmations(pageSize: Int = 500) async throws -> Summary {
        var summary = Summary()
        guard options.policy.usesDoubleOptIn else { return summary }
        var cursor = Int64(try await stores.settings.setting(Self.cursorSetting) ?? "0") ?? 0
        let consent = LedgerConsent(store: stores.consent, policy: options.policy, profiles: stores.profiles, clock: clock)
        while true {
            let read = try await stores.consent.consentEntries(purpose: .emailMarketing, after: cursor, limit: pageSize)
            let now = clock.now()
            let page = read.prefix { ($0.entry.recordedAt ?? .distantPast) <= now.addingTimeInterval(-options.settle) }
            guard let last = page.last else { break }
            var grants: [ProfileID: ConsentEntry] = [:]
            for (_, e) in page {
                if e.status == .granted, !e.source.confirmsAddress, (e.recordedAt ?? now) > now.addingTimeInterval(-options.linkLifetime) {
                    grants[e.profileID] = e
                } else {
                    summary.skipped += 1
                }
            }
            let ids = Array(grants.keys)
            let latest = try await stores.consent.latestConsent(of: ids, purpose: .emailMarketing)
            let policies = try await consent.policies(of: ids)
            var outgoing: [OutboxMessage] = []
            for (id, grant) in grants.sorted(by: { $0.key.rawValue < $1.key.rawValue }) {
                let policy = policies[id] ?? options.policy.standard
                guard let current = latest[id], current.at == grant.at, policy.awaitsConfirmation(current, at: now),
                      let profile = try await stores.profiles.aggregate(id) else {
                    summary.skipped += 1
                    continue
                }
                guard let message = try await confirmation(for: EmailRecipient(profile: profile), grant: grant, at: now) else {
                    summary.noEmail += 1
                    continue
                }
                outgoing.append(message)
            }
            summary.queued += try await stores.outbox.enqueue(outgoing, at: now)
            cursor = last.id
            try await stores.settings.putSetting(Self.cursorSetting, value: String(cursor), at: now)
            if read.count < pageSize || page.count < read.count { break }
        }
        return summary
    }

    /// The confirmation email of a grant, or nil when the profile has no usable address.
    func confirmation(for recipient: EmailRecipient, grant: ConsentEntry, at now: Date) async throws -> OutboxMessage? {
        guard let address = recipient.email, let to = try? MailAddress(address) else { return nil }
        let token = ConfirmationToken(profileID: recipient.profile.id, grantedAt: grant.at.millisecondsSince1970,
                                      expiresAt: now.addingTimeInterval(options.linkLifetime))
        let prepared = try await template()
        var context = EmailContext.make(recipient, catalog: [:], send: EmailContext.Send())
        context["confirm_url"] = .string(options.links.url(token))
        context["confirm_expires_at"] = .string(ISO8601.format(token.expiresAt))
        let rendered = try prepared.render(context, timeZone: recipient.timeZone())
        let sender = try prepared.template.from.map { try MailAddress(parsing: $0) } ?? options.from
        var message = Message(from: sender, to: [to], subject: rendered.subject, text: rendered.plainText, html: rendered.html, date: now)
        message.headers.append(HeaderField("X-Tailor-Purpose", "double-opt-in"))
        let mail = try OutgoingMail(message, signer: options.signer, at: now)
        return OutboxMessage(idempotencyKey: "double-opt-in:\(recipient.profile.id.rawValue):\(token.grantedAt)", profileID: recipient.profile.id,
                             sender: mail.envelope.sender, recipient: to.address, data: mail.data)
    }

    /// The stored `double-opt-in` template when there is one, else the built-in email.
    func template() async throws -> PreparedEmail {
        if try await stores.templates.template(named: Self.templateName) != nil {
            return try await TemplateService(stores: stores, clock: clock).prepare(Self.templateName)
        }
        return PreparedEmail(template: Self.builtIn, layout: nil, environment: EmailEnvironment(templates: []))
    }

    /// The confirmation email when no template named `double-opt-in` is stored. Its context is a campaign
    /// email's (`traits`, `profile` …) plus `confirm_url` and `confirm_expires_at`.
    public static let builtIn = EmailTemplate(
        name: templateName, subject: "Please confirm your subscription",
        preheader: "One click and you are subscribed.",
        html: """
            <!doctype html><html><body style="font-family:sans-serif">
            <p>Hello{% if traits.first_name %} {{ traits.first_name }}{% endif %},</p>
            <p>Please confirm that you want to receive our emails:</p>
            <p><a href="{{ confirm_url }}">Confirm my subscription</a></p>
            <p>The link works until {{ confirm_expires_at | date: "%Y-%m-%d" }}. If you did not ask for this, ignore this email:
            you will not be subscribed.</p>
            </body></html>
            """,
        text: """
            Hello{% if traits.first_name %} {{ traits.first_name }}{% endif %},

            Please confirm that you want to receive our emails by opening this link:
            {{ confirm_url }}

            The link works until {{ confirm_expires_at | date: "%Y-%m-%d" }}. If you did not ask for this, ignore this email:
            you will not be subscribed.
            """,
        createdAt: Date(timeIntervalSince1970: 0))

    // MARK: - Following a link

    /// Checks a link without recording anything (the page shown before the person confirms).
    /// - Throws: ``ConfirmationLinkError``.
    public func check(_ text: String) throws -> ConfirmationToken {
        try options.links.verify(text, at: clock.now())
    }

    /// Records the confirmation of the link's grant: a `granted` entry with source `double_opt_in`, the grant's
    /// lawful basis and expiry, and the evidence (address, user agent, when, which grant it confirms). Following
    /// it again records nothing.
    /// - Throws: ``ConfirmationLinkError`` for a forged or expired link.
    public func confirm(_ text: String, by requester: MailEngagement.Requester) async throws -> Outcome {
        let now = clock.now()
        let token = try options.links.verify(text, at: now)
        let latest = try await stores.consent.latestConsent(of: [token.profileID], purpose: .emailMarketing)[token.profileID]
        guard let latest, latest.status == .granted else { return .notPending }
        if latest.source == .doubleOptIn, latest.proof["confirms"] == .number(Double(token.grantedAt)) { return .alreadyConfirmed }
        guard latest.at.millisecondsSince1970 == token.grantedAt, !latest.source.confirmsAddress else { return .notPending }
        var proof: JSONObject = ["form": "double opt-in confirmation link", "confirms": .number(Double(token.grantedAt)),
                                 "confirmed_at": .string(ISO8601.format(now))]
        if let address = requester.address { proof["ip"] = .string(address) }
        if let agent = requester.userAgent { proof["user_agent"] = .string(agent) }
        let entry = ConsentEntry(profileID: token.profileID, purpose: .emailMarketing, status: .granted, at: now, source: .doubleOptIn,
                                 lawfulBasis: latest.lawfulBasis, expiresAt: latest.expiresAt, proof: proof,
                                 key: "double_opt_in:\(token.profileID.rawValue):\(token.grantedAt)")
        return try await stores.consent.appendConsent([entry], at: now) > 0 ? .confirmed : .alreadyConfirmed
    }
}
