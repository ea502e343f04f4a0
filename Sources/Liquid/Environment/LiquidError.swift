/// An error from parsing or rendering a template, with enough context for a template author to fix it:
/// the kind, the template name, `line:column`, the source line and a caret under the offending spot.
///
/// Descriptions never include variable values (which may be personal data), only template text.
public struct LiquidError: Error, Sendable, CustomStringConvertible {
    /// What went wrong, broadly.
    public enum Kind: String, Sendable {
        /// Malformed markup: unclosed blocks, bad expressions, unexpected tokens.
        case syntax
        /// A tag that is not registered in the environment.
        case unknownTag
        /// A filter that is not registered (strict mode only; lax mode passes the value through).
        case unknownFilter
        /// A variable that does not exist, with the strict undefined policy.
        case undefinedVariable
        /// A filter was given arguments of the wrong number or type.
        case filterArgument
        /// A value of the wrong type for an operation (e.g. comparing a string with a number).
        case type
        /// A resource limit was exceeded (see ``ResourceLimits``: loop iterations, output or value
        /// size, work, render time, nesting or partial depth); the message names it.
        case limitExceeded
        /// A partial could not be found by the loader.
        case templateNotFound
    }

    /// What went wrong, broadly.
    public var kind: Kind
    /// A short explanation (template text only, never data values).
    public var message: String
    /// The name of the template where the error is, when known.
    public var templateName: String?
    /// 1-based line, when known.
    public var line: Int?
    /// 1-based column (in characters), when known.
    public var column: Int?
    /// The source line the error is on, when known.
    public var sourceLine: String?
    /// UTF-8 offset into the template source; used to compute line and column.
    var offset: Int?

    init(_ kind: Kind, _ message: String, offset: Int? = nil) {
        self.kind = kind
        self.message = message
        self.offset = offset
    }

    /// `name:line:col: kind: message`, then the source line and a caret.
    public var description: String {
        var head = templateName ?? "<string>"
        if let line, let column { head += ":\(line):\(column)" }
        var text = "\(head): \(kind.rawValue): \(message)"
        if let sourceLine, let column {
            text += "\n  " + sourceLine + "\n  " + String(repeating: " ", count: max(0, column - 1)) + "^"
        }
        return text
    }

    /// Fills in location details from `source` if they are not set yet.
    mutating func locate(in source: [UInt8], name: String?) {
        guard line == nil else { return }
        if templateName == nil { templateName = name }
        guard let offset else { return }
        let clamped = min(max(0, offset), source.count)
        var lineStart = 0
        var lineNumber = 1
        var i = 0
        while i < clamped {
            if source[i] == 0x0A {
                lineNumber += 1
                lineStart = i + 1
            }
            i += 1
        }
        var lineEnd = lineStart
        while lineEnd < source.count, source[lineEnd] != 0x0A { lineEnd += 1 }
        let prefix = String(decoding: source[lineStart..<clamped], as: UTF8.self)
        line = lineNumber
        column = prefix.count + 1
        var text = String(decoding: source[lineStart..<lineEnd], as: UTF8.self)
        if text.hasSuffix("\r") { text.removeLast() }
        sourceLine = text
    }
}

/// An error thrown by a filter implementation; the renderer adds the filter name and location.
public struct FilterError: Error, Sendable {
    public var message: String
    public var kind: LiquidError.Kind
    /// - Parameter message: explanation without data values.
    public init(_ message: String, kind: LiquidError.Kind = .filterArgument) {
        self.message = message
        self.kind = kind
    }
}
