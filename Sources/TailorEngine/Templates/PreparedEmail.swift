public import Foundation
public import Liquid
import TailorMail
import Synchronization
public import TailorStore

/// What rendering an email gives: the four parts of a message.
public struct RenderedEmail: Sendable, Hashable {
    public var subject: String
    public var preheader: String
    public var html: String
    /// The template's own text part, rendered; nil when it has none (the message builder generates one).
    public var text: String?

    /// The text part a message gets: the template's, else one generated from the HTML.
    public var plainText: String { text ?? HTMLText.plainText(fromHTML: html) }
}

/// A stored email with its layout, ready to render for many recipients: each part is parsed once per
/// time zone (``EmailEnvironment``) and the parsed templates are shared by every render.
public final class PreparedEmail: Sendable {
    public let template: EmailTemplate
    public let layout: EmailTemplate?
    public let environment: EmailEnvironment
    private let parsed = Mutex<[String: Parts]>([:])

    struct Parts: Sendable {
        var subject: Template, preheader: Template, html: Template, text: Template?, layout: Template?
    }

    public init(template: EmailTemplate, layout: EmailTemplate?, environment: EmailEnvironment) {
        self.template = template
        self.layout = layout
        self.environment = environment
    }

    /// Renders the email for one recipient's context, in their time zone.
    /// - Throws: `LiquidError` when a part fails to render (a limit, a strict error, a partial that is gone).
    public func render(_ context: LiquidObject, timeZone: TimeZone = EmailEnvironment.utc) throws -> RenderedEmail {
        let parts = try self.parts(timeZone)
        let data = Value.object(context)
        var html = try parts.html.render(data)
        if let layout = parts.layout {
            var wrapped = context
            wrapped["content"] = .safe(html)
            html = try layout.render(.object(wrapped))
        }
        let preheader = try parts.preheader.render(data)
        return RenderedEmail(subject: Self.oneLine(try parts.subject.render(data)), preheader: preheader,
                             html: Self.inserting(preheader: preheader, into: html), text: try parts.text?.render(data))
    }

    func parts(_ timeZone: TimeZone) throws -> Parts {
        if let found = parsed.withLock({ $0[timeZone.identifier] }) { return found }
        let (htmlEnvironment, textEnvironment) = environment.environments(timeZone: timeZone)
        let t = template
        let parts = Parts(
            subject: try textEnvironment.parse(t.subject, name: "subject"), preheader: try textEnvironment.parse(t.preheader, name: "preheader"),
            html: try htmlEnvironment.parse(t.html, name: "html"), text: try t.text.map { try textEnvironment.parse($0, name: "text") },
            layout: try layout.map { try htmlEnvironment.parse($0.html, name: "layout \($0.name)") })
        parsed.withLock { $0[timeZone.identifier] = parts }
        return parts
    }

    /// A subject is one line: line breaks a template leaves become spaces, and the ends are trimmed.
    static func oneLine(_ text: String) -> String {
        text.split(whereSeparator: \.isNewline).map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }.joined(separator: " ")
    }

    /// The preheader as the hidden first text of the body, where mail clients take their preview line from.
    static func inserting(preheader: String, into html: String) -> String {
        let trimmed = preheader.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !trimmed.isEmpty else { return html }
        let span = "<div style=\"display:none;max-height:0;overflow:hidden;mso-hide:all\">" + HTMLEscape.text(trimmed) + "</div>"
        if let body = html.range(of: "<body", options: .caseInsensitive), let close = html[body.upperBound...].firstIndex(of: ">") {
            var out = html
            out.insert(contentsOf: span, at: html.index(after: close))
            return out
        }
        return span + html
    }
}

/// Escaping for text put into HTML.
enum HTMLEscape {
    static func text(_ s: String) -> String {
        var out = ""
        out.reserveCapacity(s.utf8.count)
        for c in s {
            switch c {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "'": out += "&#39;"
            default: out.append(c)
            }
        }
        return out
    }
}
