import Foundation

/// A token of a condition's text form, with its offset in Unicode scalars (for error positions).
struct ConditionToken: Sendable, Equatable {
    enum Kind: Sendable, Equatable {
        case word(String)
        case string(String)
        case number(Double)
        case date(Date)
        case symbol(String)
        case end
    }

    var kind: Kind
    var offset: Int
}

/// Splits a condition's text into tokens: words, strings, numbers, dates and symbols.
enum ConditionLexer {
    static let keywords: Set<String> = [
        "and", "or", "not", "in", "segment", "last", "ever", "between", "since", "where", "of", "within", "more", "than",
        "ago", "exists", "contains", "starts", "with", "equals", "ignoring", "case", "followed", "by", "true", "false",
        "activity", "count", "sum", "avg", "min", "max", "first",
    ]

    static func tokens(_ text: String) throws(ConditionSyntaxError) -> [ConditionToken] {
        let s = Array(text.unicodeScalars)
        var i = 0
        var out: [ConditionToken] = []
        func fail(_ message: String, at offset: Int) -> ConditionSyntaxError {
            position(of: offset, in: s, message)
        }
        while i < s.count {
            let c = s[i]
            if c.properties.isWhitespace {
                i += 1
                continue
            }
            let start = i
            if c == "\"" {
                i += 1
                var value = String.UnicodeScalarView()
                var closed = false
                while i < s.count {
                    let d = s[i]
                    if d == "\"" {
                        closed = true
                        i += 1
                        break
                    }
                    if d == "\\" {
                        guard i + 1 < s.count else { break }
                        let e = s[i + 1]
                        i += 2
                        switch e {
                        case "\"": value.append("\"")
                        case "\\": value.append("\\")
                        case "n": value.append("\n")
                        case "r": value.append("\r")
                        case "t": value.append("\t")
                        case "u":
                            guard i + 4 <= s.count, let code = UInt32(String(String.UnicodeScalarView(s[i..<(i + 4)])), radix: 16),
                                  let scalar = Unicode.Scalar(code)
                            else { throw fail("invalid \\u escape in a string", at: i - 2) }
                            value.append(scalar)
                            i += 4
                        default: throw fail("unknown escape \\\(e) in a string", at: i - 2)
                        }
                        continue
                    }
                    value.append(d)
                    i += 1
                }
                guard closed else { throw fail("unterminated string", at: start) }
                out.append(ConditionToken(kind: .string(String(value)), offset: start))
                continue
            }
            if c.isASCII && (("0"..."9").contains(c) || (c == "-" && i + 1 < s.count && ("0"..."9").contains(s[i + 1]))) {
                // A date literal (2024-05-01, 2024-05-01T10:00:00Z) or a number.
                var j = i
                while j < s.count, !s[j].properties.isWhitespace, !"()[],".unicodeScalars.contains(s[j]) { j += 1 }
                let word = String(String.UnicodeScalarView(s[i..<j]))
                if c != "-", word.count >= 10, word.unicodeScalars.dropFirst(4).first == "-" {
                    guard let date = ISO8601.parse(word) else { throw fail("invalid date \(word.prefix(40))", at: start) }
                    out.append(ConditionToken(kind: .date(date), offset: start))
                } else {
                    guard let n = Double(word), n.isFinite else { throw fail("invalid number \(word.prefix(40))", at: start) }
                    out.append(ConditionToken(kind: .number(n), offset: start))
                }
                i = j
                continue
            }
            if c == "_" || (c.isASCII && c.properties.isAlphabetic) {
                var j = i
                while j < s.count, s[j] == "_" || (s[j].isASCII && (s[j].properties.isAlphabetic || ("0"..."9").contains(s[j]))) { j += 1 }
                out.append(ConditionToken(kind: .word(String(String.UnicodeScalarView(s[i..<j]))), offset: start))
                i = j
                continue
            }
            let two = i + 1 < s.count ? String(String.UnicodeScalarView([c, s[i + 1]])) : ""
            if ["!=", "<=", ">="].contains(two) {
                out.append(ConditionToken(kind: .symbol(two), offset: start))
                i += 2
                continue
            }
            if "()[],.=<>".unicodeScalars.contains(c) {
                out.append(ConditionToken(kind: .symbol(String(c)), offset: start))
                i += 1
                continue
            }
            throw fail("unexpected character '\(c)'", at: start)
        }
        out.append(ConditionToken(kind: .end, offset: s.count))
        return out
    }

    static func position(of offset: Int, in scalars: [Unicode.Scalar], _ message: String) -> ConditionSyntaxError {
        var line = 1
        var column = 1
        for u in scalars.prefix(offset) {
            if u == "\n" {
                line += 1
                column = 1
            } else {
                column += 1
            }
        }
        return ConditionSyntaxError(message: message, line: line, column: column)
    }
}
