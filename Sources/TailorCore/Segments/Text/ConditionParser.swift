import Foundation

/// A recursive-descent parser of the condition grammar (docs/SEGMENTS.md) over `ConditionLexer`'s tokens.
struct ConditionParser {
    private let scalars: [Unicode.Scalar]
    private let tokens: [ConditionToken]
    private var index = 0
    private var depth = 0

    init(scalars: [Unicode.Scalar], tokens: [ConditionToken]) {
        self.scalars = scalars
        self.tokens = tokens
    }

    private var current: ConditionToken { tokens[index] }

    private func peekWord(_ offset: Int = 0) -> String? {
        guard index + offset < tokens.count, case .word(let w) = tokens[index + offset].kind else { return nil }
        return w
    }

    private func isSymbol(_ s: String, _ offset: Int = 0) -> Bool {
        guard index + offset < tokens.count, case .symbol(let t) = tokens[index + offset].kind else { return false }
        return t == s
    }

    private func error(_ message: String) -> ConditionSyntaxError {
        ConditionLexer.position(of: current.offset, in: scalars, message)
    }

    private var describeCurrent: String {
        switch current.kind {
        case .word(let w): "'\(w)'"
        case .string: "a string"
        case .number: "a number"
        case .date: "a date"
        case .symbol(let s): "'\(s)'"
        case .end: "the end"
        }
    }

    private mutating func expectWord(_ w: String) throws(ConditionSyntaxError) {
        guard peekWord() == w else { throw error("expected '\(w)', found \(describeCurrent)") }
        index += 1
    }

    private mutating func expectSymbol(_ s: String) throws(ConditionSyntaxError) {
        guard isSymbol(s) else { throw error("expected '\(s)', found \(describeCurrent)") }
        index += 1
    }

    private mutating func acceptWord(_ w: String) -> Bool {
        guard peekWord() == w else { return false }
        index += 1
        return true
    }

    mutating func parseAll() throws(ConditionSyntaxError) -> Condition {
        let c = try parseOr()
        guard case .end = current.kind else { throw error("unexpected \(describeCurrent) after a complete condition") }
        return c
    }

    private mutating func parseOr() throws(ConditionSyntaxError) -> Condition {
        var items = [try parseAnd()]
        while acceptWord("or") { items.append(try parseAnd()) }
        return items.count == 1 ? items[0] : .any(items)
    }

    private mutating func parseAnd() throws(ConditionSyntaxError) -> Condition {
        var items = [try parseUnary()]
        while acceptWord("and") { items.append(try parseUnary()) }
        return items.count == 1 ? items[0] : .all(items)
    }

    private mutating func parseUnary() throws(ConditionSyntaxError) -> Condition {
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

    private mutating func parseAtom() throws(ConditionSyntaxError) -> Condition {
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
        if let w = peekWord(), ["traits", "profile", "rfm", "computed"].contains(w) {
            let f = try parseField()
            return .field(f, try parseComparison())
        }
        throw error("expected a condition (a field such as traits.city, count(...), a quoted event name, 'in segment'), found \(describeCurrent)")
    }

    private mutating func parseSequence() throws(ConditionSyntaxError) -> Condition {
        let first = try parseQuery(windowAllowed: true)
        try expectWord("not")
        try expectWord("followed")
        try expectWord("by")
        let then = try parseQuery(windowAllowed: false)
        try expectWord("within")
        return .notFollowed(SequenceCondition(first: first, then: then, within: try parseSpan()))
    }

    private mutating func parseField() throws(ConditionSyntaxError) -> Field {
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
        case "computed":
            guard let name = peekWord(), let f = ComputedField(rawValue: name) else {
                throw error("unknown computed trait; known: " + ComputedField.allCases.map(\.rawValue).joined(separator: ", "))
            }
            index += 1
            return .computed(f)
        default:
            index = start
            throw error("unknown field namespace")
        }
    }

    private mutating func parsePath() throws(ConditionSyntaxError) -> [String] {
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

    private mutating func parseQuery(windowAllowed: Bool) throws(ConditionSyntaxError) -> EventQuery {
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

    private mutating func parseDate() throws(ConditionSyntaxError) -> Date {
        guard case .date(let d) = current.kind else { throw error("expected a date such as 2024-05-01, found \(describeCurrent)") }
        index += 1
        return d
    }

    private mutating func parseSpan() throws(ConditionSyntaxError) -> TimeSpan {
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

    private mutating func parseValue() throws(ConditionSyntaxError) -> ConditionValue {
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

    private mutating func parseString() throws(ConditionSyntaxError) -> String {
        guard case .string(let s) = current.kind else { throw error("expected a quoted string, found \(describeCurrent)") }
        index += 1
        return s
    }

    private mutating func parseComparison() throws(ConditionSyntaxError) -> Comparison {
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
