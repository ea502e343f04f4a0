import Foundation

/// An error in a condition's text form, with where it is (1-based line and column).
public struct ConditionSyntaxError: Error, Sendable, Equatable, CustomStringConvertible {
    public var message: String
    public var line: Int
    public var column: Int

    public var description: String { "line \(line), column \(column): \(message)" }
}

// The text form of a condition: `ConditionPrinter` writes it, `ConditionLexer` and `ConditionParser` read it.
extension Condition {
    /// The text form; parsing it gives this condition back (``Condition/init(text:)``).
    public var text: String { ConditionPrinter.condition(self, parent: .top) }

    /// Parses the text form (grammar in docs/SEGMENTS.md).
    public init(text: String) throws(ConditionSyntaxError) {
        var parser = ConditionParser(scalars: Array(text.unicodeScalars), tokens: try ConditionLexer.tokens(text))
        self = try parser.parseAll()
    }
}
