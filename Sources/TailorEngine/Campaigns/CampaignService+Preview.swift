public import Foundation
import Liquid
public import TailorCore
public import TailorStore

extension CampaignService {
    /// A stored email rendered for one profile, as a campaign would render it (without tracking links).
    /// - Throws: ``RequestError`` `.notFound` for the template or the profile, `.invalid` when it fails to render.
    public func preview(template name: String, profile reference: ProfileReference, settings: CampaignSettings) async throws -> RenderedEmail {
        try await render(template: name, profile: reference, campaign: nil, settings: settings)
    }

    /// A campaign's email as its recipient got it (links to their own unsubscribe and web version; the
    /// experiment's variant they got), for the web version (`/t/v/<token>`).
    /// - Throws: ``RequestError`` `.notFound` for the campaign or the profile.
    public func webVersion(campaign idOrName: String, profile: ProfileID, variant: String? = nil,
                           settings: CampaignSettings) async throws -> RenderedEmail {
        let c = try await campaign(idOrName)
        let v = variant.flatMap { c.experiment?.variant(named: $0) }
        return try await render(template: v?.template ?? c.template, profile: .id(profile), campaign: c, settings: settings, variant: v)
    }

    func render(template name: String, profile reference: ProfileReference, campaign c: Campaign?, settings: CampaignSettings,
                journey: (id: String, name: String, event: Message?)? = nil, variant: CampaignExperiment.Variant? = nil) async throws -> RenderedEmail {
        guard let view = try await stores.profiles.profile(reference) else { throw RequestError(.notFound, "no such profile", field: "profile") }
        let needs = Self.readsRecommendations(name, in: try await stores.templates.templates())
        let loader = try await RecipientLoader.make(stores: stores, modelPath: settings.modelPath, needsRecommendations: needs)
        let prepared = try await TemplateService(stores: stores, clock: clock)
            .prepare(name, currency: settings.currency, productURLs: loader.catalog.compactMapValues(\.url), subject: variant?.subject,
                     preheader: variant?.preheader)
        // Previews and web versions render as the email would be: unpersonalized for who refused it.
        let personalized = try await settings.personalization?.allows(view.id) ?? true
        guard let recipient = try await loader.load(view.id, recommendations: needs ? prepared.template.recommendationCount : 0,
                                                    personalized: personalized) else {
            throw RequestError(.notFound, "no such profile", field: "profile")
        }
        let token = TrackingToken(profileID: view.id, campaign: c?.id, messageKey: c.map { Self.messageKey(campaign: $0.id, profile: view.id) },
                                  variant: variant?.name)
        let links = settings.composer.links
        var send = EmailContext.Send(
            campaignID: c?.id, campaignName: c?.name, unsubscribeURL: links.unsubscribeURL(token), viewURL: links.viewURL(token),
            currency: settings.currency, journeyID: journey?.id, journeyName: journey?.name, event: journey?.event ?? nil)
        send.variant = variant?.name
        let context = EmailContext.make(recipient, catalog: loader.catalog, send: send)
        do {
            return try prepared.render(context, timeZone: recipient.timeZone(fallback: settings.defaultTimeZone))
        } catch let e as LiquidError {
            throw RequestError(.invalid, "the template does not render for this profile: \(TemplateService.location(e))")
        }
    }

    /// The pre-send fallback report: for the members of a segment, how many lack each variable the email
    /// reads from `traits`, `profile`, `computed`, `rfm` and `cart` (absent, null, an empty text or an empty
    /// list), and whether every use of it has a `default`.
    public func fallbackReport(template name: String, segment: String) async throws -> FallbackReport {
        let all = try await stores.templates.templates()
        guard let email = all.first(where: { $0.name == name }) else { throw TemplateService.notFound(name) }
        guard let definition = try await stores.segments.segment(segment) else { throw RequestError(.notFound, "no segment named \(segment)") }
        var uses: [String: Bool] = [:]  // path → every use has a default
        var order: [String] = []
        let layout = email.layout.flatMap { l in all.first { $0.name == l } }
        let partials = Set(TemplateService.partials(of: email))
        let sources = [email.subject, email.preheader, email.html, email.text ?? "", layout?.html ?? ""]
            + all.filter { partials.contains($0.name) }.map(\.html)
        for source in sources {
            guard let parsed = try? Environment().parse(source) else { continue }
            for use in parsed.analyze().variableUses where FallbackReport.roots.contains(use.root) {
                if uses[use.path] == nil { order.append(use.path) }
                uses[use.path] = (uses[use.path] ?? true) && use.hasDefault
            }
        }
        let loader = try await RecipientLoader.make(stores: stores, modelPath: nil, needsRecommendations: false)
        var report = FallbackReport(variables: order.map { FallbackReport.Variable(path: $0, missing: 0, hasDefault: uses[$0] ?? false) })
        var cursor: ProfileID?
        while true {
            let page = try await stores.segments.members(of: definition.id, after: cursor, limit: 1000)
            guard let last = page.last else { break }
            cursor = last
            for id in page {
                report.recipients += 1
                guard let recipient = try await loader.load(id, recommendations: 0) else {
                    for i in report.variables.indices { report.variables[i].missing += 1 }
                    continue
                }
                let context = Value.object(EmailContext.make(recipient, catalog: loader.catalog, send: EmailContext.Send()))
                for i in report.variables.indices where FallbackReport.isMissing(context, path: report.variables[i].path) {
                    report.variables[i].missing += 1
                }
            }
        }
        return report
    }
}

/// How many recipients of a segment lack each variable an email reads.
public struct FallbackReport: Sendable {
    public struct Variable: Sendable {
        public var path: String
        public var missing: Int
        /// Every use of it has a `default` filter.
        public var hasDefault: Bool
    }

    public var recipients = 0
    public var variables: [Variable]

    /// The context's families the report covers.
    static let roots: Set<String> = ["traits", "profile", "computed", "rfm", "cart"]

    /// `{"recipients": N, "variables": {path: {"missing": K, "has_default": B}}}`.
    public var json: JSONObject {
        var variables: JSONObject = [:]
        for v in self.variables { variables[v.path] = .object(["missing": .number(Double(v.missing)), "has_default": .bool(v.hasDefault)]) }
        return ["recipients": .number(Double(recipients)), "variables": .object(variables)]
    }

    /// Whether a dotted path (`traits.address.city`, `cart.items[0].name`) leads nowhere, to null, to an
    /// empty text or to an empty list.
    static func isMissing(_ root: Value, path: String) -> Bool {
        var current = root
        for part in Self.segments(path) {
            switch (current, part) {
            case (.object(let o), .key(let k)):
                guard let next = o[k] else { return true }
                current = next
            case (.array(let a), .index(let i)):
                guard i >= 0 ? i < a.count : -i <= a.count else { return true }
                current = a[i >= 0 ? i : a.count + i]
            case (.array(let a), .key("size")):
                current = .int(a.count)
            case (.array(let a), .key("first")):
                guard let f = a.first else { return true }
                current = f
            case (.array(let a), .key("last")):
                guard let l = a.last else { return true }
                current = l
            default:
                return true
            }
        }
        switch current {
        case .null: return true
        case .string(let s), .safe(let s): return s.isEmpty
        case .array(let a): return a.isEmpty
        default: return false
        }
    }

    enum Segment: Equatable { case key(String), index(Int) }

    static func segments(_ path: String) -> [Segment] {
        var out: [Segment] = []
        for piece in path.split(separator: ".") {
            var rest = Substring(piece)
            if let bracket = rest.firstIndex(of: "[") {
                if bracket > rest.startIndex { out.append(.key(String(rest[..<bracket]))) }
                rest = rest[bracket...]
                while rest.hasPrefix("["), let close = rest.firstIndex(of: "]") {
                    let inner = rest[rest.index(after: rest.startIndex)..<close].trimmingCharacters(in: CharacterSet(charactersIn: "\"' "))
                    out.append(Int(inner).map(Segment.index) ?? .key(inner))
                    rest = rest[rest.index(after: close)...]
                }
            } else {
                out.append(.key(String(rest)))
            }
        }
        return out
    }
}
