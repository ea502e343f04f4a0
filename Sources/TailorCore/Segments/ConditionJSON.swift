
/// An error in a condition's JSON form, naming where it is (`where.and[1].op`).
public struct ConditionJSONError: Error, Sendable, Equatable, CustomStringConvertible {
    public var path: String
    public var message: String
    public var description: String { "\(path): \(message)" }

    public init(path: String, message: String) {
        self.path = path
        self.message = message
    }
}

extension Condition {
    /// The JSON form (docs/SEGMENTS.md); decoding it gives this condition back.
    public var json: JSONValue { ConditionJSONCoder.encode(self) }

    /// Decodes the JSON form; `path` names the value in error messages.
    public init(json: JSONValue, path: String = "where") throws(ConditionJSONError) {
        self = try ConditionJSONCoder.decode(json, path, depth: 0)
    }
}

enum ConditionJSONCoder {
    // MARK: Encoding

    static func encode(_ c: Condition) -> JSONValue {
        switch c {
        case .all(let cs): return ["and": .array(cs.map(encode))]
        case .any(let cs): return ["or": .array(cs.map(encode))]
        case .not(let inner): return ["not": encode(inner)]
        case .segment(let id): return ["segment": .string(id)]
        case .field(let f, let cmp):
            var o = comparison(cmp)
            o["field"] = field(f)
            return .object(o)
        case .event(let agg, let cmp):
            var o = comparison(cmp)
            o["event"] = query(agg.query)
            switch agg.aggregate {
            case .count: o["aggregate"] = "count"
            case .first: o["aggregate"] = "first"
            case .last: o["aggregate"] = "last"
            case .sum(let p): o["aggregate"] = ["sum": path(p)]
            case .average(let p): o["aggregate"] = ["avg": path(p)]
            case .minimum(let p): o["aggregate"] = ["min": path(p)]
            case .maximum(let p): o["aggregate"] = ["max": path(p)]
            }
            return .object(o)
        case .notFollowed(let seq):
            return ["sequence": ["first": query(seq.first), "not_followed_by": query(seq.then), "within": .string(seq.within.text)]]
        }
    }

    static func field(_ f: Field) -> JSONValue {
        switch f {
        case .trait(let p):
            return p.contains(where: { $0.contains(".") }) ? .array((["traits"] + p).map { .string($0) }) : .string(f.name)
        case .profile, .rfm, .computed: return .string(f.name)
        }
    }

    static func path(_ p: [String]) -> JSONValue {
        p.contains(where: { $0.contains(".") }) ? .array(p.map { .string($0) }) : .string(p.joined(separator: "."))
    }

    static func value(_ v: ConditionValue) -> JSONValue {
        switch v {
        case .string(let s): .string(s)
        case .number(let n): .number(n)
        case .bool(let b): .bool(b)
        case .date(let d): ["date": .string(ISO8601.format(d))]
        }
    }

    static func comparison(_ c: Comparison) -> JSONObject {
        switch c {
        case .equals(let v): ["op": "=", "value": value(v)]
        case .notEquals(let v): ["op": "!=", "value": value(v)]
        case .equalsIgnoringCase(let s): ["op": "ieq", "value": .string(s)]
        case .less(let v): ["op": "<", "value": value(v)]
        case .lessOrEqual(let v): ["op": "<=", "value": value(v)]
        case .greater(let v): ["op": ">", "value": value(v)]
        case .greaterOrEqual(let v): ["op": ">=", "value": value(v)]
        case .oneOf(let vs): ["op": "in", "values": .array(vs.map(value))]
        case .contains(let s): ["op": "contains", "value": .string(s)]
        case .startsWith(let s): ["op": "starts_with", "value": .string(s)]
        case .exists: ["op": "exists"]
        case .between(let a, let b): ["op": "between", "values": [value(a), value(b)]]
        case .within(let span): ["op": "within", "duration": .string(span.text)]
        case .moreThanAgo(let span): ["op": "more_than_ago", "duration": .string(span.text)]
        }
    }

    static func query(_ q: EventQuery) -> JSONValue {
        var o: JSONObject = [:]
        switch q.names {
        case .activity: o["activity"] = true
        case .named(let names): o["names"] = .array(names.map { .string($0) })
        }
        if !q.filters.isEmpty {
            o["where"] = .array(q.filters.map { f in
                var e = comparison(f.comparison)
                e["property"] = path(f.path)
                return .object(e)
            })
        }
        switch q.window {
        case .ever: break
        case .last(let span): o["window"] = ["last": .string(span.text)]
        case .between(let a, let b): o["window"] = ["between": [.string(ISO8601.format(a)), .string(ISO8601.format(b))]]
        case .since(let f): o["window"] = ["since": .string("profile." + f.rawValue)]
        }
        return .object(o)
    }

    // MARK: Decoding

    static func fail(_ path: String, _ message: String) -> ConditionJSONError { ConditionJSONError(path: path, message: message) }

    static func decode(_ v: JSONValue, _ p: String, depth: Int) throws(ConditionJSONError) -> Condition {
        guard depth < 64 else { throw fail(p, "conditions nest too deeply (at most 64 levels)") }
        guard case .object(let o) = v else { throw fail(p, "expected an object, found \(v.typeName)") }
        if let list = o["and"] ?? o["or"] {
            let key = o["and"] != nil ? "and" : "or"
            guard o.count == 1 else { throw fail(p, "'\(key)' stands alone in its object") }
            guard case .array(let items) = list, items.count >= 2 else { throw fail("\(p).\(key)", "expected an array of at least two conditions") }
            var cs: [Condition] = []
            for (i, item) in items.enumerated() { cs.append(try decode(item, "\(p).\(key)[\(i)]", depth: depth + 1)) }
            return key == "and" ? .all(cs) : .any(cs)
        }
        if let inner = o["not"] {
            guard o.count == 1 else { throw fail(p, "'not' stands alone in its object") }
            return .not(try decode(inner, "\(p).not", depth: depth + 1))
        }
        if let id = o["segment"] {
            guard case .string(let s) = id, !s.isEmpty else { throw fail("\(p).segment", "expected a segment id") }
            return .segment(s)
        }
        if let f = o["field"] {
            return .field(try field(f, "\(p).field"), try comparison(o, p))
        }
        if let e = o["event"] {
            let q = try query(e, "\(p).event", windowAllowed: true)
            let agg: Aggregate
            switch o["aggregate"] {
            case nil, .string("count")?: agg = .count
            case .string("first")?: agg = .first
            case .string("last")?: agg = .last
            case .object(let a)? where a.count == 1:
                let (k, pv) = a.first!
                let pp = try propertyPath(pv, "\(p).aggregate.\(k)")
                switch k {
                case "sum": agg = .sum(pp)
                case "avg": agg = .average(pp)
                case "min": agg = .minimum(pp)
                case "max": agg = .maximum(pp)
                default: throw fail("\(p).aggregate", "unknown aggregate '\(k)' (count, sum, avg, min, max, first, last)")
                }
            default: throw fail("\(p).aggregate", "expected count, first, last or {\"sum\": property} (also avg, min, max)")
            }
            return .event(EventAggregate(agg, q), try comparison(o, p))
        }
        if let s = o["sequence"] {
            guard case .object(let so) = s else { throw fail("\(p).sequence", "expected an object") }
            guard let first = so["first"] else { throw fail("\(p).sequence", "missing 'first'") }
            guard let then = so["not_followed_by"] else { throw fail("\(p).sequence", "missing 'not_followed_by'") }
            return .notFollowed(SequenceCondition(
                first: try query(first, "\(p).sequence.first", windowAllowed: true),
                then: try query(then, "\(p).sequence.not_followed_by", windowAllowed: false),
                within: try span(so["within"], "\(p).sequence.within")))
        }
        throw fail(p, "expected one of: and, or, not, field, event, sequence, segment")
    }

    static func field(_ v: JSONValue, _ p: String) throws(ConditionJSONError) -> Field {
        var parts: [String]
        switch v {
        case .string(let s): parts = s.split(separator: ".", omittingEmptySubsequences: false).map(String.init)
        case .array(let items):
            parts = []
            for item in items {
                guard case .string(let s) = item else { throw fail(p, "expected strings in the field path") }
                parts.append(s)
            }
        default: throw fail(p, "expected a field name such as traits.city")
        }
        guard parts.count >= 2, !parts.contains(where: \.isEmpty) else { throw fail(p, "expected a field name such as traits.city or profile.order_count") }
        switch parts[0] {
        case "traits": return .trait(Array(parts.dropFirst()))
        case "profile":
            guard parts.count == 2, let f = ProfileField(rawValue: parts[1]) else {
                throw fail(p, "unknown profile field; known: " + ProfileField.allCases.map(\.rawValue).joined(separator: ", "))
            }
            return .profile(f)
        case "rfm":
            guard parts.count == 2, let f = RFMField(rawValue: parts[1]) else {
                throw fail(p, "unknown RFM field; known: " + RFMField.allCases.map(\.rawValue).joined(separator: ", "))
            }
            return .rfm(f)
        case "computed":
            guard parts.count == 2, let f = ComputedField(rawValue: parts[1]) else {
                throw fail(p, "unknown computed trait; known: " + ComputedField.allCases.map(\.rawValue).joined(separator: ", "))
            }
            return .computed(f)
        default: throw fail(p, "a field starts with traits., profile., rfm. or computed.")
        }
    }

    static func propertyPath(_ v: JSONValue, _ p: String) throws(ConditionJSONError) -> [String] {
        var parts: [String] = []
        switch v {
        case .string(let s): parts = s.split(separator: ".", omittingEmptySubsequences: false).map(String.init)
        case .array(let items):
            for item in items {
                guard case .string(let s) = item else { throw fail(p, "expected strings in the property path") }
                parts.append(s)
            }
        default: throw fail(p, "expected a property name")
        }
        guard !parts.isEmpty, !parts.contains(where: \.isEmpty) else { throw fail(p, "expected a property name") }
        return parts
    }

    static func value(_ v: JSONValue?, _ p: String) throws(ConditionJSONError) -> ConditionValue {
        switch v {
        case .string(let s)?: return .string(s)
        case .number(let n)?: return .number(n)
        case .bool(let b)?: return .bool(b)
        case .object(let o)? where o.count == 1:
            guard case .string(let s)? = o["date"], let d = ISO8601.parse(s) else { throw fail(p, "expected {\"date\": \"2024-05-01T00:00:00Z\"}") }
            return .date(d)
        case nil: throw fail(p, "missing value")
        default: throw fail(p, "expected a string, number, boolean or {\"date\": …}")
        }
    }

    static func string(_ v: JSONValue?, _ p: String) throws(ConditionJSONError) -> String {
        guard case .string(let s)? = v else { throw fail(p, "expected a string") }
        return s
    }

    static func span(_ v: JSONValue?, _ p: String) throws(ConditionJSONError) -> TimeSpan {
        guard case .string(let s)? = v, let span = TimeSpan(text: s) else { throw fail(p, "expected a duration such as \"30 days\" or \"1 hour\"") }
        return span
    }

    static func comparison(_ o: JSONObject, _ p: String) throws(ConditionJSONError) -> Comparison {
        guard case .string(let op)? = o["op"] else { throw fail("\(p).op", "missing operator") }
        switch op {
        case "=", "==", "eq": return .equals(try value(o["value"], "\(p).value"))
        case "!=", "ne": return .notEquals(try value(o["value"], "\(p).value"))
        case "ieq": return .equalsIgnoringCase(try string(o["value"], "\(p).value"))
        case "<", "lt": return .less(try value(o["value"], "\(p).value"))
        case "<=", "lte": return .lessOrEqual(try value(o["value"], "\(p).value"))
        case ">", "gt": return .greater(try value(o["value"], "\(p).value"))
        case ">=", "gte": return .greaterOrEqual(try value(o["value"], "\(p).value"))
        case "in":
            guard case .array(let items)? = o["values"] else { throw fail("\(p).values", "expected an array of values") }
            var vs: [ConditionValue] = []
            for (i, item) in items.enumerated() { vs.append(try value(item, "\(p).values[\(i)]")) }
            return .oneOf(vs)
        case "contains": return .contains(try string(o["value"], "\(p).value"))
        case "starts_with": return .startsWith(try string(o["value"], "\(p).value"))
        case "exists": return .exists
        case "between":
            guard case .array(let items)? = o["values"], items.count == 2 else { throw fail("\(p).values", "expected two values") }
            return .between(try value(items[0], "\(p).values[0]"), try value(items[1], "\(p).values[1]"))
        case "within": return .within(try span(o["duration"], "\(p).duration"))
        case "more_than_ago": return .moreThanAgo(try span(o["duration"], "\(p).duration"))
        default: throw fail("\(p).op", "unknown operator '\(op.prefix(20))'")
        }
    }

    static func query(_ v: JSONValue, _ p: String, windowAllowed: Bool) throws(ConditionJSONError) -> EventQuery {
        guard case .object(let o) = v else { throw fail(p, "expected an object with 'names' or 'activity'") }
        let names: EventQuery.Names
        if case .bool(true)? = o["activity"] {
            names = .activity
        } else if case .array(let items)? = o["names"], !items.isEmpty {
            var list: [String] = []
            for (i, item) in items.enumerated() {
                guard case .string(let s) = item, !s.isEmpty else { throw fail("\(p).names[\(i)]", "expected an event name") }
                list.append(s)
            }
            names = .named(list)
        } else {
            throw fail(p, "expected 'names' (a non-empty array of event names) or \"activity\": true")
        }
        var filters: [PropertyFilter] = []
        if let w = o["where"] {
            guard case .array(let items) = w else { throw fail("\(p).where", "expected an array of property conditions") }
            for (i, item) in items.enumerated() {
                guard case .object(let f) = item, let prop = f["property"] else { throw fail("\(p).where[\(i)]", "expected an object with 'property' and 'op'") }
                filters.append(PropertyFilter(path: try propertyPath(prop, "\(p).where[\(i)].property"),
                                              comparison: try comparison(f, "\(p).where[\(i)]")))
            }
        }
        var window = EventWindow.ever
        if let w = o["window"], windowAllowed {
            switch w {
            case .string("ever"): break
            case .object(let wo) where wo.count == 1:
                if let last = wo["last"] {
                    window = .last(try span(last, "\(p).window.last"))
                } else if case .array(let bounds)? = wo["between"], bounds.count == 2,
                          case .string(let a) = bounds[0], case .string(let b) = bounds[1],
                          let da = ISO8601.parse(a), let db = ISO8601.parse(b) {
                    window = .between(da, db)
                } else if case .string(let s)? = wo["since"], s.hasPrefix("profile."),
                          let f = ProfileField(rawValue: String(s.dropFirst("profile.".count))), f.isDate {
                    window = .since(f)
                } else {
                    throw fail("\(p).window", "expected {\"last\": \"30 days\"}, {\"between\": [date, date]} or {\"since\": \"profile.cart_updated_at\"}")
                }
            default: throw fail("\(p).window", "expected \"ever\" or an object with last, between or since")
            }
        }
        return EventQuery(names: names, filters: filters, window: window)
    }
}
