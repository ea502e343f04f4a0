/// Markup that is safe to send: text interpolated into it is escaped, markup interpolated stays markup.
///
/// This is the one place the dashboard escapes. A view builds pages only from `HTML` literals, so a value
/// (a trait, an event property, a segment name) cannot become markup by mistake:
///
///     let row: HTML = "<td>\(profile.name)</td>"   // the name is escaped
///     let page: HTML = "<tr>\(row)</tr>"          // the row stays markup
///
/// Escaping covers element content and quoted attribute values (`&`, `<`, `>`, `"`, `'`).
struct HTML: Sendable, ExpressibleByStringInterpolation, CustomStringConvertible {
    private(set) var text: String

    init(stringLiteral value: String) { text = value }
    init(stringInterpolation: Interpolation) { text = stringInterpolation.text }

    /// Markup from a string known to hold no outside value. The name says what it is.
    init(unsafeRaw text: String) { self.text = text }

    var description: String { text }

    static let empty: HTML = ""

    struct Interpolation: StringInterpolationProtocol {
        var text = ""
        init(literalCapacity: Int, interpolationCount: Int) { text.reserveCapacity(literalCapacity + interpolationCount * 16) }
        mutating func appendLiteral(_ literal: String) { text += literal }
        mutating func appendInterpolation(_ value: String) { text += HTML.escape(value) }
        mutating func appendInterpolation(_ value: String?) { if let value { text += HTML.escape(value) } }
        mutating func appendInterpolation(_ value: some BinaryInteger) { text += String(value) }
        mutating func appendInterpolation(_ html: HTML) { text += html.text }
        mutating func appendInterpolation(_ list: [HTML]) { for html in list { text += html.text } }
    }

    /// Text as element content or a quoted attribute value.
    static func escape(_ value: String) -> String {
        var out = ""
        out.reserveCapacity(value.utf8.count)
        for c in value.unicodeScalars {
            switch c {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "'": out += "&#39;"
            case "\u{0}": out += "\u{FFFD}"
            default: out.unicodeScalars.append(c)
            }
        }
        return out
    }

    /// Joins markup.
    static func join(_ parts: [HTML], separator: HTML = "") -> HTML {
        HTML(unsafeRaw: parts.map(\.text).joined(separator: separator.text))
    }

    /// A URL path segment or query value, percent-encoded (RFC 3986's unreserved bytes stay).
    static func urlComponent(_ value: String) -> String {
        let hex = Array("0123456789ABCDEF".utf8)
        var out: [UInt8] = []
        for b in value.utf8 {
            if unreserved.contains(b) {
                out.append(b)
            } else {
                out += [UInt8(ascii: "%"), hex[Int(b >> 4)], hex[Int(b & 0xF)]]
            }
        }
        return String(decoding: out, as: UTF8.self)
    }

    private static let unreserved: Set<UInt8> = Set("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~".utf8)
}
