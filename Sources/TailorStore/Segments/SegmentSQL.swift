public import Foundation
public import TailorCore

/// A value bound to a statement (never spliced into the SQL text).
public enum SQLBind: Sendable, Hashable {
    case text(String)
    case integer(Int64)
    case real(Double)
    /// The profile ids a referenced segment's query returned (``AudienceQuery/references``): on SQLite a JSON
    /// array read with `json_each`, on PostgreSQL a `text[]`.
    case members(segment: String)
}

/// An audience as queries: the segments the condition refers to (directly or through others), each once and
/// dependencies first, then the audience itself. A store runs them in order and binds each reference's ids
/// where a later query names them (``SQLBind/members(segment:)``).
public struct AudienceQuery: Sendable {
    public struct Reference: Sendable {
        public var segment: String
        public var sql: String
        public var binds: [SQLBind]
    }

    public var references: [Reference]
    public var sql: String
    public var binds: [SQLBind]
}

/// Compiles a segment condition to a SQL predicate over `profiles p` (with `rfm_scores r` left-joined), for
/// SQLite or PostgreSQL, with the meaning of ``SegmentEvaluator`` (the differential test holds them to it).
///
/// Every atom is wrapped in `COALESCE(…, FALSE)`, so SQL's NULL never leaks into `NOT`; every value, path
/// and the current time are bound parameters.
public struct SegmentSQL: Sendable {
    public enum Dialect: Sendable { case sqlite, postgres }

    public let dialect: Dialect
    public private(set) var binds: [SQLBind] = []
    let now: Int64
    let segments: [String: Condition]
    /// The referenced segments compiled so far, each once, dependencies first.
    var references: [AudienceQuery.Reference] = []

    public init(dialect: Dialect, now: Date, segments: [String: Condition] = [:]) {
        self.dialect = dialect
        self.now = now.millisecondsSince1970
        self.segments = segments
    }

    /// The queries listing the live profiles that satisfy the condition, in id order.
    ///
    /// Each segment the condition refers to, directly or through others, is one query of its own, run once,
    /// and a reference is a test against the ids it returned. Inlining a referenced segment's condition
    /// instead repeats it at every reference: a chain of segments that each refer to the one before twice
    /// grows as 2ⁿ, and so does a common table expression, which the database expands at every use.
    public static func audience(_ c: Condition, dialect: Dialect, now: Date, segments: [String: Condition] = [:],
                                countOnly: Bool = false) -> AudienceQuery {
        var compiler = SegmentSQL(dialect: dialect, now: now, segments: segments)
        let predicate = compiler.compile(c, depth: 0)
        let select = countOnly ? "SELECT COUNT(*)" : "SELECT p.id"
        let sql = compiler.profiles(select: select, reading: c) + " AND \(predicate)" + (countOnly ? "" : " ORDER BY p.id")
        return AudienceQuery(references: compiler.references, sql: sql, binds: compiler.binds)
    }

    /// `SELECT … FROM profiles p [LEFT JOIN rfm_scores r] WHERE p.merged_into IS NULL`: the RFM scores are
    /// joined only when the condition reads them itself.
    func profiles(select: String, reading c: Condition) -> String {
        let join = Self.readsRFM(c) ? " LEFT JOIN rfm_scores r ON r.profile_id = p.id" : ""
        return "\(select) FROM profiles p\(join) WHERE p.merged_into IS NULL"
    }

    /// A test against the ids of a referenced segment, whose query is compiled the first time.
    mutating func reference(_ id: String, _ inner: Condition, depth: Int) -> String {
        if !references.contains(where: { $0.segment == id }) {
            var sub = SegmentSQL(dialect: dialect, now: Date(millisecondsSince1970: now), segments: segments)
            sub.references = references
            let body = sub.compile(inner, depth: depth + 1)
            references = sub.references
            references.append(.init(segment: id, sql: sub.profiles(select: "SELECT p.id", reading: inner) + " AND \(body)", binds: sub.binds))
        }
        let ids = bind(.members(segment: id))
        return switch dialect {
        case .sqlite: "p.id IN (SELECT value FROM json_each(\(ids)))"
        case .postgres: "p.id = ANY(\(ids))"
        }
    }

    /// Whether the condition reads RFM scores itself (the segments it refers to are subqueries of their own).
    static func readsRFM(_ c: Condition) -> Bool {
        var found = false
        c.forEachAtom { atom in
            if case .field(.rfm, _) = atom { found = true }
        }
        return found
    }

    package mutating func bind(_ v: SQLBind) -> String {
        binds.append(v)
        switch dialect {
        // Numbered, so that an expression can repeat a placeholder and the text order does not matter.
        case .sqlite: return "?\(binds.count)"
        case .postgres:
            switch v {
            case .text: return "$\(binds.count)::text"
            case .integer: return "$\(binds.count)::int8"
            case .real: return "$\(binds.count)::float8"
            case .members: return "$\(binds.count)::text[]"
            }
        }
    }

    package var falseSQL: String { dialect == .sqlite ? "0" : "FALSE" }

    public mutating func compile(_ c: Condition, depth: Int) -> String {
        switch c {
        // Atoms are two-valued and free of side effects, so their order is free: plain column tests go first,
        // where both databases evaluate them before (and often instead of) the subqueries.
        case .all(let cs): return Self.joined(Self.cheapFirst(cs).map { compile($0, depth: depth) }, "AND")
        case .any(let cs): return Self.joined(Self.cheapFirst(cs).map { compile($0, depth: depth) }, "OR")
        case .not(let inner): return "(NOT " + compile(inner, depth: depth) + ")"
        case .segment(let id):
            guard depth < 32, let inner = segments[id] else { return falseSQL }
            return reference(id, inner, depth: depth)
        case .field(.computed(let c), let cmp): return atom(computedAtom(c, cmp))
        case .field(let f, let cmp): return atom(compare(cmp, operand(f)))
        case .event(let agg, let cmp): return atom(eventAtom(agg, cmp))
        case .notFollowed(let seq): return atom(sequence(seq))
        }
    }

    package static func cheapFirst(_ cs: [Condition]) -> [Condition] {
        func cost(_ c: Condition) -> Int {
            switch c {
            case .field(.profile, _), .field(.rfm, _): 0
            case .field(.trait, _), .field(.computed, _): 1
            case .not(let inner): cost(inner)
            default: 2
            }
        }
        return cs.enumerated().sorted { (cost($0.element), $0.offset) < (cost($1.element), $1.offset) }.map(\.element)
    }

    package func atom(_ predicate: String) -> String { "COALESCE((\(predicate)), \(falseSQL))" }

    /// Terms joined by `AND` or `OR`, parenthesized as a balanced tree. Both databases parse `a OR b OR c …`
    /// as a chain as deep as it is long, and SQLite refuses an expression deeper than 1,000; a balanced tree
    /// of a thousand terms is ten deep.
    package static func joined(_ terms: [String], _ op: String) -> String {
        guard terms.count > 8 else { return "(" + terms.joined(separator: " \(op) ") + ")" }
        let middle = terms.count / 2
        return "(" + joined(Array(terms[..<middle]), op) + " \(op) " + joined(Array(terms[middle...]), op) + ")"
    }

    // MARK: Operands

    /// A SQL expression of some kind: a plain number or time (NULL when missing), plain text, or a JSON value
    /// at a path.
    package enum Operand {
        case number(String)
        case time(String)
        case text(String)
        case json(base: String, path: [String])
    }

    /// The operand of a field read from the profile's own row or its RFM scores; a computed trait is a
    /// subquery of its own (``computedAtom(_:_:)``).
    package func operand(_ f: Field) -> Operand {
        switch f {
        case .trait(let path): return .json(base: "p.traits", path: path)
        case .computed: preconditionFailure("computed traits are compiled by computedAtom")
        case .rfm(let r):
            switch r {
            case .recency: return .number("r.recency")
            case .frequency: return .number("r.frequency")
            case .monetary: return .number("r.monetary")
            case .score: return .text("r.code")
            case .group: return .text("r.rfm_group")
            }
        case .profile(let p):
            switch p {
            case .createdAt: return .time("p.created_at")
            case .eventCount: return .number("p.event_count")
            case .firstSeen: return .time("p.first_seen")
            case .lastSeen: return .time("p.last_seen")
            case .lastActivity: return .time("p.last_activity")
            case .orderCount: return .number("p.order_count")
            case .revenue: return .number("p.revenue")
            case .averageOrderValue: return .number("(CASE WHEN p.order_count > 0 THEN p.revenue / p.order_count END)")
            case .lastOrderAt: return .time("p.last_order_at")
            case .lastOrderValue: return .number("p.last_order_value")
            case .emailOpens: return .number("p.email_opens")
            case .emailClicks: return .number("p.email_clicks")
            case .cartValue: return .number("p.cart_value")
            case .cartItems: return .number(dialect == .sqlite ? "json_array_length(p.cart)" : "jsonb_array_length(p.cart)")
            case .cartUpdatedAt: return .time("p.cart_updated_at")
            }
        }
    }

    // JSON access per dialect.

    /// SQLite's JSON path (`$."address"."city"`), bound.
    package mutating func jsonPath(_ path: [String]) -> String {
        bind(.text("$" + path.map { ".\"" + $0 + "\"" }.joined()))
    }

    /// (type expression, value expression) of the JSON value at the path: SQLite's json_type names
    /// ('text', 'integer', 'real', 'true', 'false', 'array', …) or PostgreSQL's jsonb_typeof names.
    package mutating func jsonParts(_ base: String, _ path: [String]) -> (type: String, value: String, raw: String) {
        switch dialect {
        case .sqlite:
            let p = jsonPath(path)
            return ("json_type(\(base), \(p))", "json_extract(\(base), \(p))", "")
        case .postgres:
            // A chain of -> by key (not #> with a path array): faster, and a key never indexes into an array,
            // as in the evaluator.
            let keys = path.map { bind(.text($0)) }
            let raw = "(" + base + keys.map { " -> " + $0 }.joined() + ")"
            let value = "(" + base + keys.dropLast().map { " -> " + $0 }.joined() + " ->> " + keys.last! + ")"
            return ("jsonb_typeof\(raw)", value, raw)
        }
    }

    // MARK: Comparisons

    package mutating func compare(_ cmp: Comparison, _ o: Operand) -> String {
        switch o {
        case .number(let e): return compareNumber(cmp, e)
        case .time(let e): return compareTime(cmp, e)
        case .text(let e): return compareText(cmp, e, exists: "\(e) IS NOT NULL")
        case .json(let base, let path): return compareJSON(cmp, base, path)
        }
    }

    package mutating func compareNumber(_ cmp: Comparison, _ e: String) -> String {
        func number(_ v: ConditionValue) -> Double? { if case .number(let n) = v { n } else { nil } }
        switch cmp {
        case .exists: return "\(e) IS NOT NULL"
        case .equals(let v): return number(v).map { "\(e) = \(bind(.real($0)))" } ?? falseSQL
        case .notEquals(let v): return number(v).map { "\(e) IS NOT NULL AND \(e) <> \(bind(.real($0)))" } ?? "\(e) IS NOT NULL"
        case .less(let v): return number(v).map { "\(e) < \(bind(.real($0)))" } ?? falseSQL
        case .lessOrEqual(let v): return number(v).map { "\(e) <= \(bind(.real($0)))" } ?? falseSQL
        case .greater(let v): return number(v).map { "\(e) > \(bind(.real($0)))" } ?? falseSQL
        case .greaterOrEqual(let v): return number(v).map { "\(e) >= \(bind(.real($0)))" } ?? falseSQL
        case .between(let a, let b):
            guard let x = number(a), let y = number(b) else { return falseSQL }
            return "\(e) >= \(bind(.real(x))) AND \(e) <= \(bind(.real(y)))"
        case .oneOf(let vs):
            let parts = vs.compactMap(number).map { "\(e) = \(bind(.real($0)))" }
            return parts.isEmpty ? falseSQL : Self.joined(parts, "OR")
        case .equalsIgnoringCase, .contains, .startsWith, .within, .moreThanAgo: return falseSQL
        }
    }

    package mutating func compareTime(_ cmp: Comparison, _ e: String) -> String {
        func ms(_ v: ConditionValue) -> Int64? { if case .date(let d) = v { d.millisecondsSince1970 } else { nil } }
        switch cmp {
        case .exists: return "\(e) IS NOT NULL"
        case .equals(let v): return ms(v).map { "\(e) = \(bind(.integer($0)))" } ?? falseSQL
        case .notEquals(let v): return ms(v).map { "\(e) IS NOT NULL AND \(e) <> \(bind(.integer($0)))" } ?? "\(e) IS NOT NULL"
        case .less(let v): return ms(v).map { "\(e) < \(bind(.integer($0)))" } ?? falseSQL
        case .lessOrEqual(let v): return ms(v).map { "\(e) <= \(bind(.integer($0)))" } ?? falseSQL
        case .greater(let v): return ms(v).map { "\(e) > \(bind(.integer($0)))" } ?? falseSQL
        case .greaterOrEqual(let v): return ms(v).map { "\(e) >= \(bind(.integer($0)))" } ?? falseSQL
        case .between(let a, let b):
            guard let x = ms(a), let y = ms(b) else { return falseSQL }
            return "\(e) >= \(bind(.integer(x))) AND \(e) <= \(bind(.integer(y)))"
        case .oneOf(let vs):
            let parts = vs.compactMap(ms).map { "\(e) = \(bind(.integer($0)))" }
            return parts.isEmpty ? falseSQL : Self.joined(parts, "OR")
        case .within(let span): return "\(e) > \(bind(.integer(now - span.milliseconds))) AND \(e) <= \(bind(.integer(now)))"
        case .moreThanAgo(let span): return "\(e) <= \(bind(.integer(now - span.milliseconds)))"
        case .equalsIgnoringCase, .contains, .startsWith: return falseSQL
        }
    }

    /// Comparisons of a plain text expression (strings compare by bytes, like the evaluator).
    package mutating func compareText(_ cmp: Comparison, _ e: String, exists: String) -> String {
        let c = dialect == .postgres ? " COLLATE \"C\"" : ""
        func text(_ v: ConditionValue) -> String? { if case .string(let s) = v { s } else { nil } }
        switch cmp {
        case .exists: return exists
        case .equals(let v): return text(v).map { "\(e) = \(bind(.text($0)))" } ?? falseSQL
        case .notEquals(let v): return text(v).map { "\(exists) AND \(e) <> \(bind(.text($0)))" } ?? exists
        case .less(let v): return text(v).map { "\(e)\(c) < \(bind(.text($0)))" } ?? falseSQL
        case .lessOrEqual(let v): return text(v).map { "\(e)\(c) <= \(bind(.text($0)))" } ?? falseSQL
        case .greater(let v): return text(v).map { "\(e)\(c) > \(bind(.text($0)))" } ?? falseSQL
        case .greaterOrEqual(let v): return text(v).map { "\(e)\(c) >= \(bind(.text($0)))" } ?? falseSQL
        case .between(let a, let b):
            guard let x = text(a), let y = text(b) else { return falseSQL }
            return "\(e)\(c) >= \(bind(.text(x))) AND \(e)\(c) <= \(bind(.text(y)))"
        case .oneOf(let vs):
            let parts = vs.compactMap(text).map { "\(e) = \(bind(.text($0)))" }
            return parts.isEmpty ? falseSQL : Self.joined(parts, "OR")
        case .equalsIgnoringCase(let s):
            let lowered = String(decoding: s.utf8.map { $0 >= 65 && $0 <= 90 ? $0 + 32 : $0 }, as: UTF8.self)
            switch dialect {
            case .sqlite: return "lower(\(e)) = \(bind(.text(lowered)))"
            case .postgres: return "translate(\(e), 'ABCDEFGHIJKLMNOPQRSTUVWXYZ', 'abcdefghijklmnopqrstuvwxyz') = \(bind(.text(lowered)))"
            }
        case .contains(let s):
            return dialect == .sqlite ? "instr(\(e), \(bind(.text(s)))) > 0" : "strpos(\(e), \(bind(.text(s)))) > 0"
        case .startsWith(let s):
            return dialect == .sqlite ? "instr(\(e), \(bind(.text(s)))) = 1" : "starts_with(\(e), \(bind(.text(s))))"
        case .within, .moreThanAgo: return falseSQL
        }
    }

    /// Milliseconds of an ISO-8601 text, or NULL (the evaluator's `ISO8601.parse` for the forms both read).
    package func millisecondsOfText(_ t: String) -> String {
        switch dialect {
        case .sqlite:
            return "(CASE WHEN \(t) GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]*' THEN CAST(round((julianday(\(t)) - 2440587.5) * 86400000.0) AS INTEGER) END)"
        case .postgres:
            return "tailor_ms(\(t))"
        }
    }

    package mutating func compareJSON(_ cmp: Comparison, _ base: String, _ path: [String]) -> String {
        let (type, value, raw) = jsonParts(base, path)
        let isText = dialect == .sqlite ? "\(type) = 'text'" : "\(type) = 'string'"
        let isNumber = dialect == .sqlite ? "\(type) IN ('integer', 'real')" : "\(type) = 'number'"
        let exists = dialect == .sqlite ? "\(type) IS NOT NULL AND \(type) <> 'null'" : "\(type) IS NOT NULL AND \(type) <> 'null'"
        let number = dialect == .sqlite ? value : "(CASE WHEN \(isNumber) THEN \(value)::float8 END)"

        // One value compared: by its kind.
        func one(_ v: ConditionValue, _ op: String) -> String {
            switch v {
            case .string(let s) where op == "=":
                // Equality in one lookup. SQLite's json_extract gives a number or a boolean as a number (never
                // equal to a text) and an array or object as JSON text (starting with [ or {): only then does
                // the type need checking. PostgreSQL checks the type only of the rows whose text matched.
                switch dialect {
                case .sqlite:
                    return s.hasPrefix("[") || s.hasPrefix("{") ? "(\(value) = \(bind(.text(s))) AND \(isText))" : "(\(value) = \(bind(.text(s))))"
                case .postgres:
                    return "(\(value) = \(bind(.text(s))) AND \(isText))"
                }
            case .string(let s):
                let c = dialect == .postgres && op != "=" && op != "<>" ? " COLLATE \"C\"" : ""
                // SQLite: the comparison first, the type check (a second JSON lookup) only for the rows it keeps.
                return dialect == .sqlite ? "(\(value) \(op) \(bind(.text(s))) AND \(isText))" : "(\(isText) AND \(value)\(c) \(op) \(bind(.text(s))))"
            case .number(let n):
                return dialect == .sqlite ? "(\(number) \(op) \(bind(.real(n))) AND \(isNumber))" : "(\(isNumber) AND \(number) \(op) \(bind(.real(n))))"
            case .bool(let b):
                guard op == "=" else { return falseSQL }
                return dialect == .sqlite ? "(\(type) = '\(b ? "true" : "false")')" : "(\(raw) = '\(b ? "true" : "false")'::jsonb)"
            case .date(let d):
                return "(\(isText) AND \(millisecondsOfText(value)) \(op) \(bind(.integer(d.millisecondsSince1970))))"
            }
        }
        switch cmp {
        case .exists: return exists
        case .equals(let v): return one(v, "=")
        case .notEquals(let v): return "(\(exists)) AND NOT COALESCE(\(one(v, "=")), \(falseSQL))"
        case .less(let v): return one(v, "<")
        case .lessOrEqual(let v): return one(v, "<=")
        case .greater(let v): return one(v, ">")
        case .greaterOrEqual(let v): return one(v, ">=")
        case .between(let a, let b):
            switch (a, b) {
            case (.string, .string), (.number, .number), (.date, .date): return "(\(one(a, ">=")) AND \(one(b, "<=")))"
            default: return falseSQL
            }
        case .oneOf(let vs): return vs.isEmpty ? falseSQL : Self.joined(vs.map { one($0, "=") }, "OR")
        case .equalsIgnoringCase, .startsWith:
            return "(\(isText) AND \(compareText(cmp, value, exists: exists)))"
        case .contains(let s):
            let substring = compareText(cmp, value, exists: exists)
            let element: String
            switch dialect {
            case .sqlite:
                element = "EXISTS (SELECT 1 FROM json_each(\(base), \(jsonPath(path))) j WHERE j.type = 'text' AND j.value = \(bind(.text(s))))"
                return "(CASE \(type) WHEN 'text' THEN \(substring) WHEN 'array' THEN \(element) ELSE 0 END)"
            case .postgres:
                element = "\(raw) @> jsonb_build_array(\(bind(.text(s))))"
                return "(CASE \(type) WHEN 'string' THEN \(substring) WHEN 'array' THEN \(element) ELSE FALSE END)"
            }
        case .within(let span):
            let t = millisecondsOfText(value)
            return "(\(isText) AND \(t) > \(bind(.integer(now - span.milliseconds))) AND \(t) <= \(bind(.integer(now))))"
        case .moreThanAgo(let span):
            return "(\(isText) AND \(millisecondsOfText(value)) <= \(bind(.integer(now - span.milliseconds))))"
        }
    }

    // MARK: Events

    /// The WHERE conditions selecting a query's events of profile `p` (alias `e`), window included.
    package mutating func eventFilter(_ q: EventQuery, alias e: String, window: Bool, correlated: Bool = true) -> String {
        var parts = correlated ? ["\(e).profile_id = p.id"] : []
        switch q.names {
        case .activity:
            let bookkeeping = TailorEvent.notActivity.sorted().map { bind(.text($0)) }.joined(separator: ", ")
            parts.append("\(e).type IN ('track', 'page', 'screen') AND NOT (\(e).type = 'track' AND \(e).name IN (\(bookkeeping)))")
        case .named(let names):
            parts.append("\(e).type = 'track' AND \(e).name IN (" + names.map { bind(.text($0)) }.joined(separator: ", ") + ")")
        }
        for f in q.filters {
            parts.append(atom(compareJSON(f.comparison, "\(e).properties", f.path)))
        }
        if window {
            switch q.window {
            case .ever: parts.append("\(e).timestamp <= \(bind(.integer(now)))")
            case .last(let span):
                parts.append("\(e).timestamp > \(bind(.integer(now - span.milliseconds))) AND \(e).timestamp <= \(bind(.integer(now)))")
            case .between(let a, let b):
                parts.append("\(e).timestamp >= \(bind(.integer(a.millisecondsSince1970))) AND \(e).timestamp <= \(bind(.integer(min(now, b.millisecondsSince1970))))")
            case .since(let f):
                guard case .time(let column) = operand(.profile(f)) else { break }
                parts.append("\(e).timestamp >= \(column) AND \(e).timestamp <= \(bind(.integer(now)))")
            }
        }
        return parts.joined(separator: " AND ")
    }

    /// The SQL of an aggregate over the matching events (alias `e`) and whether it is a time.
    package mutating func aggregateExpression(_ a: Aggregate) -> (String, Bool) {
        func numeric(_ path: [String]) -> String {
            let (type, value, _) = jsonParts("e.properties", path)
            return dialect == .sqlite
                ? "CASE WHEN \(type) IN ('integer', 'real') THEN \(value) END"
                : "CASE WHEN \(type) = 'number' THEN \(value)::float8 END"
        }
        switch a {
        case .count: return ("COUNT(*)", false)
        case .sum(let p): return ("COALESCE(SUM(\(numeric(p))), 0)", false)
        case .average(let p): return ("AVG(\(numeric(p)))", false)
        case .minimum(let p): return ("MIN(\(numeric(p)))", false)
        case .maximum(let p): return ("MAX(\(numeric(p)))", false)
        case .first: return ("MIN(e.timestamp)", true)
        case .last: return ("MAX(e.timestamp)", true)
        }
    }

    /// An aggregate compared, in the cheapest shape with the same meaning:
    /// - a count asking "any?" or "none?" (`>= 1`, `= 0`, …) is EXISTS / NOT EXISTS, which stops at one event;
    /// - otherwise, outside `since` windows, the profiles are matched against one grouped scan of the events
    ///   (`p.id IN (SELECT profile_id … GROUP BY profile_id HAVING …)`, or NOT IN of the complement when the
    ///   comparison holds for a profile with no events), which reads the (name, timestamp) index once instead
    ///   of seeking every profile's history;
    /// - `since` windows, which depend on the profile's own row, stay correlated subqueries.
    package mutating func eventAtom(_ a: EventAggregate, _ cmp: Comparison) -> String {
        let correlatedOnly: Bool = if case .since = a.query.window { true } else { false }
        let emptyIsZero: Bool
        switch a.aggregate {
        case .count, .sum: emptyIsZero = true
        default: emptyIsZero = false
        }
        let zeroHolds = emptyIsZero && SegmentEvaluator.holds(cmp, number: 0)
        if a.aggregate == .count, let uniform = Self.uniformOnPositiveCounts(cmp), uniform != zeroHolds {
            let exists = "EXISTS (SELECT 1 FROM events e WHERE \(eventFilter(a.query, alias: "e", window: true)))"
            return uniform ? exists : "NOT \(exists)"
        }
        let (expression, isTime) = aggregateExpression(a.aggregate)
        if correlatedOnly {
            let sql = "(SELECT \(expression) FROM events e WHERE \(eventFilter(a.query, alias: "e", window: true)))"
            return compare(cmp, isTime ? .time(sql) : .number(sql))
        }
        let filter = eventFilter(a.query, alias: "e", window: true, correlated: false)
        let having = compare(cmp, isTime ? .time(expression) : .number(expression))
        if zeroHolds {
            return "p.id NOT IN (SELECT e.profile_id FROM events e WHERE \(filter) GROUP BY e.profile_id HAVING NOT COALESCE((\(having)), \(falseSQL)))"
        }
        return "p.id IN (SELECT e.profile_id FROM events e WHERE \(filter) GROUP BY e.profile_id HAVING \(having))"
    }

    /// Whether a comparison gives the same answer for every count from 1 up (nil when it does not).
    package static func uniformOnPositiveCounts(_ cmp: Comparison) -> Bool? {
        var bound = 0.0
        switch cmp {
        case .equals(.number(let x)), .notEquals(.number(let x)), .less(.number(let x)), .lessOrEqual(.number(let x)),
             .greater(.number(let x)), .greaterOrEqual(.number(let x)):
            bound = abs(x)
        case .between(.number(let x), .number(let y)): bound = max(abs(x), abs(y))
        case .oneOf(let vs):
            for v in vs { if case .number(let x) = v { bound = max(bound, abs(x)) } }
        default: break
        }
        guard bound < 10_000 else { return nil }
        let first = SegmentEvaluator.holds(cmp, number: 1)
        for n in stride(from: 2.0, through: bound.rounded(.up) + 2, by: 1) where SegmentEvaluator.holds(cmp, number: n) != first { return nil }
        return first
    }

    package mutating func sequence(_ s: SequenceCondition) -> String {
        let span = s.within.milliseconds
        let first = eventFilter(s.first, alias: "a", window: true)
        let elapsed = "a.timestamp <= \(bind(.integer(now - span)))"
        let then = eventFilter(s.then, alias: "b", window: false)
        return """
            EXISTS (SELECT 1 FROM events a WHERE \(first) AND \(elapsed) AND NOT EXISTS (SELECT 1 FROM events b WHERE \(then) \
            AND b.timestamp >= a.timestamp AND b.timestamp <= a.timestamp + \(bind(.integer(span)))))
            """
    }
}
