/// A token of template source: literal text, `{{ output }}`, `{% tag %}`, or the body of `raw`/`doc`.
struct Token: Sendable {
    enum Kind: Sendable { case text, output, tag, raw, doc }
    var kind: Kind
    /// Offset of the token's first byte (the `{` of a delimiter) in the source.
    var start: Int
    /// Byte range of the content: text, or the markup between the delimiters and `-` markers.
    var contentStart: Int
    var contentEnd: Int
    /// `{{-` / `{%-`: strip whitespace before this token.
    var trimLeft = false
    /// `-}}` / `-%}`: strip whitespace after this token.
    var trimRight = false
}

@inline(__always) func isSpace(_ c: UInt8) -> Bool { c == 0x20 || (c >= 0x09 && c <= 0x0D) }

/// Splits template source into tokens. `raw` and `doc` bodies are captured verbatim here, so that
/// nothing inside them is tokenized (this also applies inside `comment` blocks).
struct Lexer {
    let src: [UInt8]

    func tokenize() throws -> [Token] {
        var tokens: [Token] = []
        var pos = 0
        let n = src.count
        while pos < n {
            // Find the next `{{` or `{%`.
            var i = pos
            var found = -1
            while i + 1 < n {
                if src[i] == UInt8(ascii: "{") {
                    let c = src[i + 1]
                    if c == UInt8(ascii: "{") || c == UInt8(ascii: "%") { found = i; break }
                }
                i += 1
            }
            if found < 0 {
                tokens.append(Token(kind: .text, start: pos, contentStart: pos, contentEnd: n))
                break
            }
            if found > pos { tokens.append(Token(kind: .text, start: pos, contentStart: pos, contentEnd: found)) }
            let isOutput = src[found + 1] == UInt8(ascii: "{")
            var cs = found + 2
            var trimLeft = false
            if cs < n, src[cs] == UInt8(ascii: "-") { trimLeft = true; cs += 1 }
            let closer: UInt8 = isOutput ? UInt8(ascii: "}") : UInt8(ascii: "%")
            var j = cs
            var end = -1
            while j + 1 < n {
                if src[j] == closer && src[j + 1] == UInt8(ascii: "}") { end = j; break }
                j += 1
            }
            guard end >= 0 else {
                throw LiquidError(.syntax, isOutput ? "output was not closed with '}}'" : "tag was not closed with '%}'", offset: found)
            }
            var ce = end
            var trimRight = false
            if ce > cs, src[ce - 1] == UInt8(ascii: "-") { trimRight = true; ce -= 1 }
            pos = end + 2
            var token = Token(kind: isOutput ? .output : .tag, start: found, contentStart: cs, contentEnd: ce, trimLeft: trimLeft, trimRight: trimRight)
            if !isOutput {
                let name = tagName(cs, ce)
                if name == "raw" || name == "doc" {
                    let (bodyEnd, closeEnd, closeTrimRight) = try findEnd(name == "raw" ? "endraw" : "enddoc", from: pos, openAt: found)
                    if name == "doc" {
                        if !markupAfterName(cs, ce).allSatisfy(isSpace) {
                            throw LiquidError(.syntax, "'doc' takes no arguments", offset: found)
                        }
                        if containsTag("doc", pos, bodyEnd) {
                            throw LiquidError(.syntax, "'doc' blocks cannot be nested", offset: found)
                        }
                    }
                    token = Token(kind: name == "raw" ? .raw : .doc, start: found, contentStart: pos, contentEnd: bodyEnd, trimLeft: trimLeft, trimRight: closeTrimRight)
                    pos = closeEnd
                }
            }
            tokens.append(token)
        }
        return tokens
    }

    /// The tag name at the start of a markup range (`#` counts as a name).
    func tagName(_ start: Int, _ end: Int) -> String {
        var i = start
        while i < end, isSpace(src[i]) { i += 1 }
        if i < end, src[i] == UInt8(ascii: "#") { return "#" }
        let s = i
        while i < end, isWordByte(src[i]) { i += 1 }
        return String(decoding: src[s..<i], as: UTF8.self)
    }

    func markupAfterName(_ start: Int, _ end: Int) -> ArraySlice<UInt8> {
        var i = start
        while i < end, isSpace(src[i]) { i += 1 }
        while i < end, isWordByte(src[i]) { i += 1 }
        return src[i..<end]
    }

    /// Finds `{%-? endname -?%}`; returns (body end, offset after the closing tag, close trims right).
    func findEnd(_ endName: String, from: Int, openAt: Int) throws -> (Int, Int, Bool) {
        let n = src.count
        var i = from
        while i + 1 < n {
            if src[i] == UInt8(ascii: "{") && src[i + 1] == UInt8(ascii: "%") {
                var j = i + 2
                if j < n, src[j] == UInt8(ascii: "-") { j += 1 }
                while j < n, isSpace(src[j]) { j += 1 }
                let s = j
                while j < n, isWordByte(src[j]) { j += 1 }
                if String(decoding: src[s..<j], as: UTF8.self) == endName {
                    while j < n, isSpace(src[j]) { j += 1 }
                    var trim = false
                    if j < n, src[j] == UInt8(ascii: "-") { trim = true; j += 1 }
                    if j + 1 < n, src[j] == UInt8(ascii: "%"), src[j + 1] == UInt8(ascii: "}") {
                        return (i, j + 2, trim)
                    }
                }
            }
            i += 1
        }
        throw LiquidError(.syntax, "'\(endName.dropFirst(3))' block was never closed (expected '{% \(endName) %}')", offset: openAt)
    }

    func containsTag(_ name: String, _ from: Int, _ to: Int) -> Bool {
        var i = from
        while i + 1 < to {
            if src[i] == UInt8(ascii: "{") && src[i + 1] == UInt8(ascii: "%") {
                var j = i + 2
                if j < to, src[j] == UInt8(ascii: "-") { j += 1 }
                while j < to, isSpace(src[j]) { j += 1 }
                let s = j
                while j < to, isWordByte(src[j]) { j += 1 }
                if String(decoding: src[s..<j], as: UTF8.self) == name { return true }
            }
            i += 1
        }
        return false
    }
}

@inline(__always) func isWordByte(_ c: UInt8) -> Bool {
    (c >= UInt8(ascii: "a") && c <= UInt8(ascii: "z")) || (c >= UInt8(ascii: "A") && c <= UInt8(ascii: "Z"))
        || (c >= UInt8(ascii: "0") && c <= UInt8(ascii: "9")) || c == UInt8(ascii: "_") || c >= 0x80
}
