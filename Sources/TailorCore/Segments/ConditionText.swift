import Foundation

/// An error in a condition's text form, with where it is (1-based line and column).
public struct ConditionSyntaxError: Error, Sendable, Equatable, CustomStringConvertible {
    public var message: String
    public var line: Int
    public var column: Int

    public var description: String { "line \(line), column \(column): \(message)" }
}

// MARK: - Printing

extension Condition {
    /// The text form; parsing it gives this condition back (``Condition/init(text:)``).
    public var text: String { ConditionPrinter.condition(self, parent: .top) }
}

enum ConditionPrinter {
    enum Parent { case top, and, or, not }

    static func condition(_ c: Condition, parent: Parent) -> String {
        switch c {
        case .all(let cs):
            let s = cs.map { condition($0, parent: .and) }.joined(separator: " and ")
            return parent == .top ? s : "(\(s))"
        case .any(let cs):
            let s = cs.map { condition($0, parent: .or) }.joined(separator: " or ")
            return parent == .top ? s : "(\(s))"
        case .not(let inner):
            return "not " + condition(inner, parent: .not)
        case .field(let f, let cmp):
            return field(f) + " " + comparison(cmp)
        case .event(let agg, let cmp):
            return aggregate(agg) + " " + comparison(cmp)
        case .notFollowed(let seq):
            let s = query(seq.first) + " not followed by " + query(seq.then) + " within " + seq.within.text
            return parent == .top ? s : "(\(s))"
        case .segment(let id):
            return "in segment " + quote(id)
        }
    }

    static func field(_ f: Field) -> String {
        switch f {
        case .trait(let path): "traits." + path.map(pathComponent).joined(separator: ".")
        case .profile(let p): "profile." + p.rawValue
        case .rfm(let r): "rfm." + r.rawValue
        }
    }

    static func aggregate(_ a: EventAggregate) -> String {
        let inner = query(a.query)
        switch a.aggregate {
        case .count: return "count(\(inner))"
        case .sum(let p): return "sum(\(path(p)) of \(inner))"
        case .average(let p): return "avg(\(path(p)) of \(inner))"
        case .minimum(let p): return "min(\(path(p)) of \(inner))"
        case .maximum(let p): return "max(\(path(p)) of \(inner))"
        case .first: return "first(\(inner))"
        case .last: return "last(\(inner))"
        }
    }

    static func query(_ q: EventQuery) -> String {
        var s: String
        switch q.names {
        case .activity: s = "activity"
        case .named(let names): s = names.map(quote).joined(separator: ", ")
        }
        if !q.filters.isEmpty {
            s += " where " + q.filters.map { path($0.path) + " " + comparison($0.comparison) }.joined(separator: " and ")
        }
        switch q.window {
        case .ever: break
        case .last(let span): s += " in last " + span.text
        case .between(let a, let b): s += " between " + ISO8601.format(a) + " and " + ISO8601.format(b)
        case .since(let f): s += " since profile." + f.rawValue
        }
        return s
    }

    static func comparison(_ c: Comparison) -> String {
        switch c {
        case .equals(let v): "= " + value(v)
        case .notEquals(let v): "!= " + value(v)
        case .equalsIgnoringCase(let s): "equals ignoring case " + quote(s)
        case .less(let v): "< " + value(v)
        case .lessOrEqual(let v): "<= " + value(v)
        case .greater(let v): "> " + value(v)
        case .greaterOrEqual(let v): ">= " + value(v)
        case .oneOf(let vs): "in [" + vs.map(value).joined(separator: ", ") + "]"
        case .contains(let s): "contains " + quote(s)
        case .startsWith(let s): "starts with " + quote(s)
        case .exists: "exists"
        case .between(let a, let b): "between " + value(a) + " and " + value(b)
        case .within(let span): "within " + span.text
        case .moreThanAgo(let span): "more than " + span.text + " ago"
        }
    }

    static func value(_ v: ConditionValue) -> String {
        switch v {
        case .string(let s): quote(s)
        case .bool(let b): b ? "true" : "false"
        case .date(let d): ISO8601.format(d)
        case .number(let n): number(n)
        }
    }

    static func number(_ n: Double) -> String {
        if n == n.rounded(), abs(n) < 9.0e15 { return String(Int64(n)) }
        return "\(n)"
    }

    static func path(_ p: [String]) -> String { p.map(pathComponent).joined(separator: ".") }

    static func pathComponent(_ s: String) -> String {
        isIdentifier(s) && !ConditionLexer.keywords.contains(s) ? s : quote(s)
    }

    static func isIdentifier(_ s: String) -> Bool {
        guard let first = s.unicodeScalars.first, first == "_" || (first.isASCII && first.properties.isAlphabetic) else { return false }
        return s.unicodeScalars.allSatisfy { $0 == "_" || ($0.isASCII && ($0.properties.isAlphabetic || ("0"..."9").contains($0))) }
    }

    static func quote(_ s: String) -> String {
        var out = "\""
        for u in s.unicodeScalars {
            switch u {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            default:
                if u.value < 0x20 || u.value == 0x7F {
                    out += String(format: "\\u%04X", u.value)
                } else {
                    out.unicodeScalars.append(u)
                }
            }
        }
        return out + "\""
    }
}

// MARK: - Lexing

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

// MARK: - Parsing

extension Condition {
    /// Parses the text form (grammar in docs/SEGMENTS.md).
    public init(text: String) throws(ConditionSyntaxError) {
        var parser = ConditionParser(scalars: Array(text.unicodeScalars), tokens: try ConditionLexer.tokens(text))
        self = try parser.parseAll()
    }
}

struct ConditionParser {
    let scalars: [Unicode.Scalar]
    let tokens: [ConditionToken]
    var index = 0
    var depth = 0

    init(scalars: [Unicode.Scalar], tokens: [ConditionToken]) {
        self.scalars = scalars
        self.tokens = tokens
    }

    var current: ConditionToken { tokens[index] }

    func peekWord(_ offset: Int = 0) -> String? {
        guard index + offset < tokens.count, case .word(let w) = tokens[index + offset].kind else { return nil }
        return w
    }

    func isSymbol(_ s: String, _ offset: Int = 0) -> Bool {
        guard index + offset < tokens.count, case .symbol(let t) = tokens[index + offset].kind else { return false }
        return t == s
    }

    func error(_ message: String) -> ConditionSyntaxError {
        ConditionLexer.position(of: current.offset, in: scalars, message)
    }

    var describeCurrent: String {
        switch current.kind {
        case .word(let w): "'\(w)'"
        case .string: "a string"
        case .number: "a number"
        case .date: "a date"
        case .symbol(let s): "'\(s)'"
        case .end: "the end"
        }
    }

    mutating func expectWord(_ w: String) throws(ConditionSyntaxError) {
        guard peekWord() == w else { throw error("expected '\(w)', found \(describeCurrent)") }
        index += 1
    }

    mutating func expectSymbol(_ s: String) throws(ConditionSyntaxError) {
        guard isSymbol(s) else { throw error("expected '\(s)', found \(describeCurrent)") }
        index += 1
    }

    mutating func acceptWord(_ w: String) -> Bool {
        guard peekWord() == w else { return false }
        index += 1
        return true
    }

    mutating func parseAll() throws(ConditionSyntaxError) -> Condition {
        let c = try parseOr()
        guard case .end = current.kind else { throw error("unexpected \(describeCurrent) after a complete condition") }
        return c
    }

    mutating func parseOr() throws(ConditionSyntaxError) -> Condition {
        var items = [try parseAnd()]
        while acceptWord("or") { items.append(try parseAnd()) }
        return items.count == 1 ? items[0] : .any(items)
    }

    mutating func parseAnd() throws(ConditionSyntaxError) -> Condition {
        var items = [try parseUnary()]
        while acceptWord("and") { items.append(try parseUnary()) }
        return items.count == 1 ? items[0] : .all(items)
    }

    mutating func parseUnary() throws(ConditionSyntaxError) -> Condition {
        depth += 1
        defer { depth -= 1 }
        guard depth < 64 else { throw error("conditions nest too deeply (at most 64 levels)") }
        if acceptWord("not") { return .not(try parseUnary()) }
        if isSymbol("(") {
            index += 1
            let c = try parseOr()
            try expectSymbol(")")
            return c
        }
        return try parseAtom()
    }

    mutating func parseAtom() throws(ConditionSyntaxError) -> Condition {
        if peekWord() == "in", peekWord(1) == "segment" {
            index += 2
            guard case .string(let id) = current.kind else { throw error("expected a segment id in quotes after 'in segment'") }
            index += 1
            return .segment(id)
        }
        if let w = peekWord(), isSymbol("(", 1), ["count", "sum", "avg", "min", "max", "first", "last"].contains(w) {
            index += 2
            let aggregate: Aggregate
            switch w {
            case "count": aggregate = .count
            case "first": aggregate = .first
            case "last": aggregate = .last
            default:
                let p = try parsePath()
                try expectWord("of")
                switch w {
                case "sum": aggregate = .sum(p)
                case "avg": aggregate = .average(p)
                case "min": aggregate = .minimum(p)
                default: aggregate = .maximum(p)
                }
            }
            let q = try parseQuery(windowAllowed: true)
            try expectSymbol(")")
            return .event(EventAggregate(aggregate, q), try parseComparison())
        }
        if case .string = current.kind {
            return try parseSequence()
        }
        if peekWord() == "activity" {
            return try parseSequence()
        }
        if let w = peekWord(), ["traits", "profile", "rfm"].contains(w) {
            let f = try parseField()
            return .field(f, try parseComparison())
        }
        throw error("expected a condition (a field such as traits.city, count(...), a quoted event name, 'in segment'), found \(describeCurrent)")
    }

    mutating func parseSequence() throws(ConditionSyntaxError) -> Condition {
        let first = try parseQuery(windowAllowed: true)
        try expectWord("not")
        try expectWord("followed")
        try expectWord("by")
        let then = try parseQuery(windowAllowed: false)
        try expectWord("within")
        return .notFollowed(SequenceCondition(first: first, then: then, within: try parseSpan()))
    }

    mutating func parseField() throws(ConditionSyntaxError) -> Field {
        let start = index
        guard let ns = peekWord() else { throw error("expected a field") }
        index += 1
        try expectSymbol(".")
        switch ns {
        case "traits":
            return .trait(try parsePath())
        case "profile":
            guard let name = peekWord(), let f = ProfileField(rawValue: name) else {
                throw error("unknown profile field; known: " + ProfileField.allCases.map(\.rawValue).joined(separator: ", "))
            }
            index += 1
            return .profile(f)
        case "rfm":
            guard let name = peekWord(), let f = RFMField(rawValue: name) else {
                throw error("unknown RFM field; known: " + RFMField.allCases.map(\.rawValue).joined(separator: ", "))
            }
            index += 1
            return .rfm(f)
        default:
            index = start
            throw error("unknown field namespace")
        }
    }

    mutating func parsePath() throws(ConditionSyntaxError) -> [String] {
        var path: [String] = []
        repeat {
            switch current.kind {
            case .word(let w) where !ConditionLexer.keywords.contains(w): path.append(w)
            case .string(let s) where !s.isEmpty: path.append(s)
            default: throw error("expected a property or trait name, found \(describeCurrent) (quote names that are keywords)")
            }
            index += 1
        } while isSymbol(".") && { index += 1; return true }()
        return path
    }

    mutating func parseQuery(windowAllowed: Bool) throws(ConditionSyntaxError) -> EventQuery {
        let names: EventQuery.Names
        if acceptWord("activity") {
            names = .activity
        } else {
            var list: [String] = []
            repeat {
                guard case .string(let name) = current.kind, !name.isEmpty else {
                    throw error("expected an event name in quotes, or 'activity', found \(describeCurrent)")
                }
                list.append(name)
                index += 1
            } while isSymbol(",") && { index += 1; return true }()
            names = .named(list)
        }
        var filters: [PropertyFilter] = []
        if acceptWord("where") {
            repeat {
                let p = try parsePath()
                filters.append(PropertyFilter(path: p, comparison: try parseComparison()))
            } while acceptWord("and")
        }
        var window = EventWindow.ever
        if windowAllowed {
            if peekWord() == "in", peekWord(1) == "last" {
                index += 2
                window = .last(try parseSpan())
            } else if acceptWord("between") {
                let a = try parseDate()
                try expectWord("and")
                window = .between(a, try parseDate())
            } else if acceptWord("since") {
                guard case .profile(let f) = try parseField(), f.isDate else { throw error("'since' needs a profile time field such as profile.cart_updated_at") }
                window = .since(f)
            } else {
                _ = acceptWord("ever")
            }
        }
        return EventQuery(names: names, filters: filters, window: window)
    }

    mutating func parseDate() throws(ConditionSyntaxError) -> Date {
        guard case .date(let d) = current.kind else { throw error("expected a date such as 2024-05-01, found \(describeCurrent)") }
        index += 1
        return d
    }

    mutating func parseSpan() throws(ConditionSyntaxError) -> TimeSpan {
        guard case .number(let n) = current.kind, n >= 0, n == n.rounded(), n <= 1_000_000 else {
            throw error("expected a whole number of minutes, hours, days or weeks, found \(describeCurrent)")
        }
        index += 1
        guard let w = peekWord(), let unit = TimeSpan.unit(named: w) else {
            throw error("expected a time unit (minutes, hours, days, weeks), found \(describeCurrent)")
        }
        index += 1
        return TimeSpan(Int(n), unit)
    }

    mutating func parseValue() throws(ConditionSyntaxError) -> ConditionValue {
        let v: ConditionValue
        switch current.kind {
        case .string(let s): v = .string(s)
        case .number(let n): v = .number(n)
        case .date(let d): v = .date(d)
        case .word("true"): v = .bool(true)
        case .word("false"): v = .bool(false)
        default: throw error("expected a value (a quoted string, a number, true, false or a date), found \(describeCurrent)")
        }
        index += 1
        return v
    }

    mutating func parseString() throws(ConditionSyntaxError) -> String {
        guard case .string(let s) = current.kind else { throw error("expected a quoted string, found \(describeCurrent)") }
        index += 1
        return s
    }

    mutating func parseComparison() throws(ConditionSyntaxError) -> Comparison {
        if case .symbol(let s) = current.kind {
            index += 1
            switch s {
            case "=": return .equals(try parseValue())
            case "!=": return .notEquals(try parseValue())
            case "<": return .less(try parseValue())
            case "<=": return .lessOrEqual(try parseValue())
            case ">": return .greater(try parseValue())
            case ">=": return .greaterOrEqual(try parseValue())
            default:
                index -= 1
                throw error("expected a comparison, found \(describeCurrent)")
            }
        }
        guard let w = peekWord() else { throw error("expected a comparison (=, !=, <, in, contains, exists, within…), found \(describeCurrent)") }
        index += 1
        switch w {
        case "equals":
            try expectWord("ignoring")
            try expectWord("case")
            return .equalsIgnoringCase(try parseString())
        case "in":
            try expectSymbol("[")
            var values: [ConditionValue] = []
            if !isSymbol("]") {
                repeat { values.append(try parseValue()) } while isSymbol(",") && { index += 1; return true }()
            }
            try expectSymbol("]")
            return .oneOf(values)
        case "contains": return .contains(try parseString())
        case "starts":
            try expectWord("with")
            return .startsWith(try parseString())
        case "exists": return .exists
        case "between":
            let a = try parseValue()
            try expectWord("and")
            return .between(a, try parseValue())
        case "within": return .within(try parseSpan())
        case "more":
            try expectWord("than")
            let span = try parseSpan()
            try expectWord("ago")
            return .moreThanAgo(span)
        default:
            index -= 1
            throw error("expected a comparison (=, !=, <, in, contains, exists, within…), found \(describeCurrent)")
        }
    }
}
