/// Tokens of tag and output markup.
enum ExprToken: Equatable, Sendable {
    case identifier(String)
    case string(String)
    case int(Int)
    case double(Double)
    case dot, dotDot, leftBracket, rightBracket, leftParen, rightParen
    case pipe, colon, comma, assign
    case op(Comparison)
    case end
}

/// Tokenizes markup lazily; positions are offsets into the template source.
struct ExpressionLexer {
    let src: [UInt8]
    var pos: Int
    let end: Int

    init(src: [UInt8], start: Int, end: Int) {
        self.src = src
        self.pos = start
        self.end = end
    }

    mutating func skipSpace() {
        while pos < end, isSpace(src[pos]) { pos += 1 }
    }

    /// Returns the next token and its starting offset.
    mutating func next() throws -> (ExprToken, Int) {
        skipSpace()
        let start = pos
        guard pos < end else { return (.end, pos) }
        let c = src[pos]
        switch c {
        case UInt8(ascii: "."):
            if pos + 1 < end, src[pos + 1] == UInt8(ascii: ".") { pos += 2; return (.dotDot, start) }
            pos += 1
            return (.dot, start)
        case UInt8(ascii: "["): pos += 1; return (.leftBracket, start)
        case UInt8(ascii: "]"): pos += 1; return (.rightBracket, start)
        case UInt8(ascii: "("): pos += 1; return (.leftParen, start)
        case UInt8(ascii: ")"): pos += 1; return (.rightParen, start)
        case UInt8(ascii: "|"): pos += 1; return (.pipe, start)
        case UInt8(ascii: ":"): pos += 1; return (.colon, start)
        case UInt8(ascii: ","): pos += 1; return (.comma, start)
        case UInt8(ascii: "="):
            if pos + 1 < end, src[pos + 1] == UInt8(ascii: "=") { pos += 2; return (.op(.equal), start) }
            pos += 1
            return (.assign, start)
        case UInt8(ascii: "!"):
            if pos + 1 < end, src[pos + 1] == UInt8(ascii: "=") { pos += 2; return (.op(.notEqual), start) }
        case UInt8(ascii: "<"):
            if pos + 1 < end, src[pos + 1] == UInt8(ascii: ">") { pos += 2; return (.op(.notEqual), start) }
            if pos + 1 < end, src[pos + 1] == UInt8(ascii: "=") { pos += 2; return (.op(.lessOrEqual), start) }
            pos += 1
            return (.op(.less), start)
        case UInt8(ascii: ">"):
            if pos + 1 < end, src[pos + 1] == UInt8(ascii: "=") { pos += 2; return (.op(.greaterOrEqual), start) }
            pos += 1
            return (.op(.greater), start)
        case UInt8(ascii: "'"), UInt8(ascii: "\""):
            var j = pos + 1
            while j < end, src[j] != c { j += 1 }
            guard j < end else { throw LiquidError(.syntax, "unterminated string literal", offset: start) }
            let s = String(decoding: src[(pos + 1)..<j], as: UTF8.self)
            pos = j + 1
            return (.string(s), start)
        case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"):
            if c == UInt8(ascii: "-") {
                guard pos + 1 < end, src[pos + 1] >= UInt8(ascii: "0"), src[pos + 1] <= UInt8(ascii: "9") else { break }
            }
            var j = pos + 1
            while j < end, src[j] >= UInt8(ascii: "0") && src[j] <= UInt8(ascii: "9") { j += 1 }
            var isFloat = false
            if j + 1 < end, src[j] == UInt8(ascii: "."), src[j + 1] >= UInt8(ascii: "0") && src[j + 1] <= UInt8(ascii: "9") {
                isFloat = true
                j += 1
                while j < end, src[j] >= UInt8(ascii: "0") && src[j] <= UInt8(ascii: "9") { j += 1 }
            }
            // Digits followed by word characters form an identifier (e.g. `123abc`).
            if j < end, isWordByte(src[j]) || src[j] == UInt8(ascii: "-"), c != UInt8(ascii: "-"), !isFloat {
                return (try identifier(), start)
            }
            let text = String(decoding: src[pos..<j], as: UTF8.self)
            pos = j
            if isFloat { return (.double(Double(text) ?? 0), start) }
            if let i = Int(text) { return (.int(i), start) }
            return (.double(Double(text) ?? 0), start)
        default:
            if isWordByte(c) { return (try identifier(), start) }
        }
        throw LiquidError(.syntax, "unexpected character '\(String(decoding: [c], as: UTF8.self))'", offset: start)
    }

    mutating func identifier() throws -> ExprToken {
        let s = pos
        while pos < end, isWordByte(src[pos]) || src[pos] == UInt8(ascii: "-") { pos += 1 }
        if pos < end, src[pos] == UInt8(ascii: "?") { pos += 1 }
        return .identifier(String(decoding: src[s..<pos], as: UTF8.self))
    }
}
