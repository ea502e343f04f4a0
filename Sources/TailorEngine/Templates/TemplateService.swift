public import Foundation
public import Liquid
public import TailorCore
public import TailorStore
import TailorMail

/// Stored templates: checked on save, listed, deleted when nothing uses them, and prepared for rendering.
///
/// A template is checked as a whole before it is stored: its name, every Liquid field parsing (an error
/// names the field, line and column), its layout existing and being a layout that reads `content`, and
/// every partial it renders being stored. Nothing is stored when a check fails.
public struct TemplateService: Sendable {
    public let templates: any TemplateStore
    public let campaigns: any CampaignStore
    public let clock: any WallClock

    public init(templates: any TemplateStore, campaigns: any CampaignStore, clock: any WallClock = SystemClock()) {
        self.templates = templates
        self.campaigns = campaigns
        self.clock = clock
    }

    public init(stores: Stores, clock: any WallClock = SystemClock()) {
        self.init(templates: stores.templates, campaigns: stores.campaigns, clock: clock)
    }

    /// Checks and stores a new template (its times are set now).
    /// - Throws: ``RequestError`` `.invalid` (naming the field), `.exists`, `.notFound` for a missing layout or partial.
    @discardableResult
    public func create(_ template: EmailTemplate) async throws -> EmailTemplate {
        var t = template
        t.createdAt = clock.now()
        t.updatedAt = t.createdAt
        try await check(t)
        guard try await templates.insertTemplate(t) else { throw RequestError(.exists, "template \(t.name) exists; update it instead") }
        return t
    }

    /// Changes a stored template and stores it after checking it again.
    /// - Throws: ``RequestError`` `.notFound` when there is none of that name, and the errors of ``create(_:)``.
    @discardableResult
    public func update(_ name: String, _ change: (inout EmailTemplate) -> Void) async throws -> EmailTemplate {
        guard var t = try await templates.template(named: name) else { throw Self.notFound(name) }
        change(&t)
        t.name = name
        t.updatedAt = clock.now()
        try await check(t)
        guard try await templates.updateTemplate(t) else { throw Self.notFound(name) }
        return t
    }

    public func template(_ name: String) async throws -> EmailTemplate {
        guard let t = try await templates.template(named: name) else { throw Self.notFound(name) }
        return t
    }

    public func list() async throws -> [EmailTemplate] { try await templates.templates() }

    /// Deletes a template no campaign still to send, no email (as its layout) and no template (as a partial) uses.
    public func delete(_ name: String) async throws {
        guard try await templates.template(named: name) != nil else { throw Self.notFound(name) }
        if let c = try await campaigns.campaigns().first(where: { $0.template == name && !$0.state.isFinal }) {
            throw RequestError(.inUse, "template \(name) is used by campaign \(c.id), which is \(c.state.rawValue)")
        }
        for other in try await templates.templates() where other.name != name {
            if other.layout == name { throw RequestError(.inUse, "template \(name) is the layout of \(other.name)") }
            if Self.partials(of: other).contains(name) { throw RequestError(.inUse, "template \(name) is rendered by \(other.name)") }
        }
        _ = try await templates.deleteTemplate(named: name)
    }

    /// An email ready to render, with its layout and the partials stored now.
    /// - Parameters:
    ///   - subject: replaces the template's subject (a campaign variant's).
    ///   - preheader: replaces the template's preheader.
    /// - Throws: ``RequestError`` `.notFound`, or `.invalid` when the template is a layout or a partial.
    public func prepare(_ name: String, currency: String = "USD", productURLs: [String: String] = [:], subject: String? = nil,
                        preheader: String? = nil) async throws -> PreparedEmail {
        let all = try await templates.templates()
        guard var t = all.first(where: { $0.name == name }) else { throw Self.notFound(name) }
        guard t.kind == .email else { throw RequestError(.invalid, "template \(name) is a \(t.kind.rawValue), not an email") }
        if let subject { t.subject = subject }
        if let preheader { t.preheader = preheader }
        let layout = t.layout.flatMap { l in all.first { $0.name == l } }
        return PreparedEmail(template: t, layout: layout, environment: EmailEnvironment(templates: all, currency: currency, productURLs: productURLs))
    }

    // MARK: - Checks

    /// Letters, digits, `.`, `_` and `-`, starting with a letter or digit, at most 64 characters.
    public static func isValidName(_ name: String) -> Bool {
        guard let first = name.unicodeScalars.first, name.unicodeScalars.count <= 64, Self.nameStart.contains(first) else { return false }
        return name.unicodeScalars.allSatisfy { Self.nameStart.contains($0) || $0 == "." || $0 == "_" || $0 == "-" }
    }

    static let nameStart = CharacterSet(charactersIn: "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789")

    func check(_ t: EmailTemplate) async throws {
        guard Self.isValidName(t.name) else {
            throw RequestError(.invalid, "a template name is 1 to 64 letters, digits, '.', '_' or '-', starting with a letter or digit",
                                field: "name")
        }
        guard !t.html.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty else { throw RequestError(.invalid, "the HTML is empty", field: "html") }
        guard (0...50).contains(t.recommendationCount) else {
            throw RequestError(.invalid, "the number of recommendations is 0 to 50", field: "recommendations")
        }
        if t.kind == .email, t.subject.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty {
            throw RequestError(.invalid, "an email needs a subject", field: "subject")
        }
        if let from = t.from { _ = try Self.sender(from, field: "from") }
        let environment = Environment()
        var parsedHTML: Template?
        for (field, source) in [("subject", t.subject), ("preheader", t.preheader), ("html", t.html), ("text", t.text ?? "")] {
            do {
                let parsed = try environment.parse(source, name: field)
                if field == "html" { parsedHTML = parsed }
            } catch let error as LiquidError {
                throw RequestError(.invalid, Self.location(error), field: field)
            }
        }
        let stored = Dictionary(try await templates.templates().map { ($0.name, $0) }, uniquingKeysWith: { a, _ in a })
        if let layoutName = t.layout {
            guard t.kind == .email else { throw RequestError(.invalid, "only an email has a layout", field: "layout") }
            guard let layout = stored[layoutName] else { throw RequestError(.notFound, "no template named \(layoutName)", field: "layout") }
            guard layout.kind == .layout else { throw RequestError(.invalid, "template \(layoutName) is not a layout", field: "layout") }
        }
        let analysis = parsedHTML?.analyze()
        if t.kind == .layout, analysis?.variables.contains(where: { $0 == "content" || $0.hasPrefix("content.") }) != true {
            throw RequestError(.invalid, "a layout shows the email with {{ content }}", field: "html")
        }
        for partial in analysis?.partials.compactMap(\.name) ?? [] where partial != t.name && stored[partial] == nil {
            throw RequestError(.notFound, "the template renders \(partial), which is not a stored template", field: "html")
        }
    }

    /// The partials a template names in `render` and `include` tags.
    static func partials(of t: EmailTemplate) -> [String] {
        guard let parsed = try? Environment().parse(t.html) else { return [] }
        return parsed.analyze().partials.compactMap(\.name)
    }

    /// `line L, column C: message` of a Liquid error (its text only, never data).
    static func location(_ e: LiquidError) -> String {
        guard let line = e.line, let column = e.column else { return e.message }
        return "line \(line), column \(column): \(e.message)"
    }

    /// A sender address, checked as the message builder will read it.
    static func sender(_ text: String, field: String) throws -> MailAddress {
        do {
            return try MailAddress(parsing: text)
        } catch {
            throw RequestError(.invalid, "the sender is an address, like Shop <news@shop.example>", field: field)
        }
    }

    static func notFound(_ name: String) -> RequestError { RequestError(.notFound, "no template named \(name)") }
}
