public import Foundation

/// Stored email templates, their layouts and partials (docs/CAMPAIGNS.md).
///
/// The store keeps what it is given; checking a template (its Liquid parses, its layout exists, nothing
/// uses a template that is deleted) is the engine's `TemplateService`.
public protocol TemplateStore: Sendable {
    /// Stores a new template. Returns false, changing nothing, when one of that name exists.
    func insertTemplate(_ template: EmailTemplate) async throws -> Bool
    /// Replaces the stored template of that name (its creation time is kept). Returns false when there is none.
    func updateTemplate(_ template: EmailTemplate) async throws -> Bool
    func template(named name: String) async throws -> EmailTemplate?
    /// Every template, by name.
    func templates() async throws -> [EmailTemplate]
    /// Returns false when there was none of that name.
    func deleteTemplate(named name: String) async throws -> Bool
}

/// A stored template: an email, a layout that wraps emails (through `{{ content }}`), or a partial that
/// emails include (`{% render 'name' %}`).
public struct EmailTemplate: Sendable, Hashable {
    public enum Kind: String, Sendable, Hashable, CaseIterable {
        case email, layout, partial
    }

    /// Letters, digits, `-`, `_` and `.`; names partials in `render` tags.
    public var name: String
    public var kind: Kind
    /// Liquid, like every text field below. Emails only.
    public var subject: String
    /// The preview line mail clients show after the subject (a hidden span at the top of the HTML).
    public var preheader: String
    public var html: String
    /// The plain-text part; generated from the HTML when nil.
    public var text: String?
    /// The layout that wraps this email.
    public var layout: String?
    /// The sender (`Name <address>`); `TAILOR_MAIL_FROM` when nil.
    public var from: String?
    /// How many `recommendations` the render context offers.
    public var recommendationCount: Int
    public var createdAt: Date
    public var updatedAt: Date

    public init(name: String, kind: Kind = .email, subject: String = "", preheader: String = "", html: String, text: String? = nil,
                layout: String? = nil, from: String? = nil, recommendationCount: Int = 4, createdAt: Date, updatedAt: Date? = nil) {
        self.name = name
        self.kind = kind
        self.subject = subject
        self.preheader = preheader
        self.html = html
        self.text = text
        self.layout = layout
        self.from = from
        self.recommendationCount = recommendationCount
        self.createdAt = createdAt
        self.updatedAt = updatedAt ?? createdAt
    }
}
