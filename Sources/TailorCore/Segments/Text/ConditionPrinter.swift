import Foundation

/// Writes a condition's text form, which `ConditionParser` reads back to the same condition (names are quoted
/// when they are not identifiers or are keywords).
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

    private static func field(_ f: Field) -> String {
        switch f {
        case .trait(let path): "traits." + path.map(pathComponent).joined(separator: ".")
        case .profile(let p): "profile." + p.rawValue
        case .rfm(let r): "rfm." + r.rawValue
        case .computed(let c): "computed." + c.rawValue
        }
    }

    private static func aggregate(_ a: EventAggregate) -> String {
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

    private static func query(_ q: EventQuery) -> String {
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

    private static func comparison(_ c: Comparison) -> String {
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

    private static func value(_ v: ConditionValue) -> String {
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

    private static func path(_ p: [String]) -> String { p.map(pathComponent).joined(separator: ".") }

    private static func pathComponent(_ s: String) -> String {
        isIdentifier(s) && !ConditionLexer.keywords.contains(s) ? s : quote(s)
    }

    private static func isIdentifier(_ s: String) -> Bool {
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
