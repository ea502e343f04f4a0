public import Foundation

/// One event as the evaluator sees it.
public struct SubjectEvent: Sendable, Hashable {
    public var type: MessageType
    public var name: String
    public var milliseconds: Int64
    public var properties: JSONObject

    public init(type: MessageType, name: String, milliseconds: Int64, properties: JSONObject) {
        self.type = type
        self.name = name
        self.milliseconds = milliseconds
        self.properties = properties
    }

    public init(_ message: Message) {
        self.init(type: message.type, name: message.eventName, milliseconds: message.timestamp.millisecondsSince1970,
                  properties: message.properties)
    }

    /// Whether the event is *activity*: a track, page or screen event that is not Tailor's bookkeeping.
    public var isActivity: Bool {
        switch type {
        case .page, .screen: true
        case .track: !TailorEvent.notActivity.contains(name)
        default: false
        }
    }
}

/// What a segment's condition is evaluated on: one profile's plain traits, computed state, RFM scores, the
/// models' computed traits and the events the conditions look at (any order).
public struct SegmentSubject: Sendable {
    public var profileId: ProfileID
    public var createdAt: Date
    public var traits: JSONObject
    public var state: ProfileState
    public var rfm: RFMScore?
    /// The models' computed traits by stored name (`cluster`, `engagement_score`); stores fill it only when some
    /// condition reads `computed.*` (or for explain).
    public var computed: [String: FieldValue]
    public var events: [SubjectEvent]

    public init(profileId: ProfileID, createdAt: Date, traits: JSONObject, state: ProfileState, rfm: RFMScore? = nil,
                computed: [String: FieldValue] = [:], events: [SubjectEvent]) {
        self.profileId = profileId
        self.createdAt = createdAt
        self.traits = traits
        self.state = state
        self.rfm = rfm
        self.computed = computed
        self.events = events
    }
}

/// One line of an explanation: a condition, the profile's value and whether it held.
public struct Explanation: Sendable, Hashable {
    public var condition: String
    /// The profile's value for an atom (`7`, `"New York"`, `missing`); nil for and/or/not.
    public var value: String?
    public var held: Bool
    public var children: [Explanation]

    public var json: JSONValue {
        var o: JSONObject = ["condition": .string(condition), "held": .bool(held)]
        if let value { o["value"] = .string(value) }
        if !children.isEmpty { o["children"] = .array(children.map(\.json)) }
        return .object(o)
    }

    /// An indented tree, one condition per line, `✓`/`✗` first.
    public var lines: [String] {
        var out: [String] = []
        func walk(_ e: Explanation, _ indent: String) {
            out.append(indent + (e.held ? "✓ " : "✗ ") + e.condition + (e.value.map { "   [value: \($0)]" } ?? ""))
            for c in e.children { walk(c, indent + "  ") }
        }
        walk(self, "")
        return out
    }
}

/// Evaluates conditions for one profile (the real-time path), finds when the result can next change by
/// the passing of time alone (the durable timers), and explains a result.
///
/// Segment references are evaluated by evaluating the referenced segment's condition on the same subject,
/// once per evaluation however often it is referred to (directly or through other segments), so that cost
/// grows with the number of segments, not with the number of paths between them.
public struct SegmentEvaluator: Sendable {
    public let segments: [String: Condition]

    public init(segments: [String: Condition] = [:]) {
        self.segments = segments
    }

    public func evaluate(_ c: Condition, _ subject: SegmentSubject, now: Date) -> Bool {
        var run = Run(evaluator: self, subject: subject, now: now.millisecondsSince1970, collect: false)
        return run.eval(c, depth: 0)
    }

    /// The result and the earliest time after `now` at which it may change with no new event (nil: never).
    public func evaluateWithNextChange(_ c: Condition, _ subject: SegmentSubject, now: Date) -> (Bool, Date?) {
        var run = Run(evaluator: self, subject: subject, now: now.millisecondsSince1970, collect: true)
        let held = run.eval(c, depth: 0)
        return (held, run.next.map { Date(millisecondsSince1970: $0) })
    }

    /// Whether a comparison holds for a plain number (the SQL compiler uses it to pick a query shape).
    public static func holds(_ cmp: Comparison, number: Double) -> Bool {
        Run.compare(cmp, .number(number), now: 0)
    }

    public func explain(_ c: Condition, _ subject: SegmentSubject, now: Date) -> Explanation {
        var run = Run(evaluator: self, subject: subject, now: now.millisecondsSince1970, collect: false)
        return run.explain(c, depth: 0)
    }
}

/// A profile value during evaluation.
enum Operand: Equatable {
    case missing
    case json(JSONValue)
    case time(Int64)
    case number(Double)

    var display: String {
        switch self {
        case .missing: "missing"
        case .json(.string(let s)): ConditionPrinter.quote(s)
        case .json(.number(let n)), .number(let n): ConditionPrinter.number(n)
        case .json(let v): JSONWriter.string(v)
        case .time(let t): ISO8601.format(Date(millisecondsSince1970: t))
        }
    }
}

private struct Run {
    let evaluator: SegmentEvaluator
    let subject: SegmentSubject
    let now: Int64
    let collect: Bool
    /// The earliest time after now at which some atom may change.
    var next: Int64?
    /// Referenced segments already evaluated (their boundaries, when collecting, are already in `next`).
    var segmentResults: [String: Bool] = [:]
    /// Referenced segments already explained in this explanation.
    var explained: [String: Bool] = [:]

    init(evaluator: SegmentEvaluator, subject: SegmentSubject, now: Int64, collect: Bool) {
        self.evaluator = evaluator
        self.subject = subject
        self.now = now
        self.collect = collect
    }

    mutating func boundary(_ t: Int64) {
        guard collect, t > now else { return }
        next = min(next ?? t, t)
    }

    mutating func eval(_ c: Condition, depth: Int) -> Bool {
        switch c {
        case .all(let cs):
            // Every child is evaluated (not short-circuited) when collecting, so that every boundary is seen.
            var result = true
            for child in cs {
                if !eval(child, depth: depth) {
                    result = false
                    if !collect { return false }
                }
            }
            return result
        case .any(let cs):
            var result = false
            for child in cs {
                if eval(child, depth: depth) {
                    result = true
                    if !collect { return true }
                }
            }
            return result
        case .not(let inner):
            return !eval(inner, depth: depth)
        case .field(let f, let cmp):
            return holds(cmp, fieldValue(f))
        case .event(let agg, let cmp):
            return holds(cmp, aggregate(agg))
        case .notFollowed(let seq):
            return sequence(seq).held
        case .segment(let id):
            if let known = segmentResults[id] { return known }
            guard depth < 32, let inner = evaluator.segments[id] else { return false }
            let held = eval(inner, depth: depth + 1)
            segmentResults[id] = held
            return held
        }
    }

    mutating func explain(_ c: Condition, depth: Int) -> Explanation {
        switch c {
        case .all(let cs):
            let children = cs.map { explain($0, depth: depth) }
            return Explanation(condition: "all of", value: nil, held: children.allSatisfy(\.held), children: children)
        case .any(let cs):
            let children = cs.map { explain($0, depth: depth) }
            return Explanation(condition: "any of", value: nil, held: children.contains(where: \.held), children: children)
        case .not(let inner):
            let child = explain(inner, depth: depth)
            return Explanation(condition: "not", value: nil, held: !child.held, children: [child])
        case .field(let f, let cmp):
            let v = fieldValue(f)
            return Explanation(condition: c.text, value: v.display, held: holds(cmp, v), children: [])
        case .event(let agg, let cmp):
            let v = aggregate(agg)
            return Explanation(condition: c.text, value: v.display, held: holds(cmp, v), children: [])
        case .notFollowed(let seq):
            let (held, witness) = sequence(seq)
            let value = witness.map { "unanswered at " + ISO8601.format(Date(millisecondsSince1970: $0)) } ?? "none unanswered"
            return Explanation(condition: c.text, value: value, held: held, children: [])
        case .segment(let id):
            // A segment met again is not explained again (its explanation is above, and the tree would grow
            // with every path to it).
            if let held = explained[id] { return Explanation(condition: c.text, value: "explained above", held: held, children: []) }
            guard depth < 32, let inner = evaluator.segments[id] else {
                return Explanation(condition: c.text, value: "unknown segment", held: false, children: [])
            }
            let child = explain(inner, depth: depth + 1)
            explained[id] = child.held
            return Explanation(condition: c.text, value: nil, held: child.held, children: [child])
        }
    }

    // MARK: Values

    func fieldValue(_ f: Field) -> Operand {
        switch f {
        case .trait(let path):
            var current: JSONValue? = .object(subject.traits)
            for key in path {
                guard case .object(let o)? = current else { return .missing }
                current = o[key]
            }
            guard let v = current, !v.isNull else { return .missing }
            return .json(v)
        case .profile(let p):
            return Self.operand(p.value(of: subject.state, createdAt: subject.createdAt))
        case .rfm(let r):
            return Self.operand(r.value(of: subject.rfm))
        case .computed(let c):
            return Self.operand(c.value(of: subject.computed))
        }
    }

    static func operand(_ value: FieldValue) -> Operand {
        switch value {
        case .number(let n): .number(n)
        case .time(let d): .time(d.millisecondsSince1970)
        case .text(let t): .json(.string(t))
        case .missing: .missing
        }
    }

    func profileTime(_ f: ProfileField) -> Int64? {
        if case .time(let t) = fieldValue(.profile(f)) { return t }
        return nil
    }

    /// The events of the query inside its window, in time order, collecting the window's boundaries.
    mutating func matching(_ q: EventQuery) -> [SubjectEvent] {
        var lower = Int64.min
        var upper = now
        var inclusiveLower = true
        var span: Int64?
        switch q.window {
        case .ever: break
        case .last(let s):
            lower = now - s.milliseconds
            inclusiveLower = false
            span = s.milliseconds
        case .between(let a, let b):
            lower = a.millisecondsSince1970
            upper = min(now, b.millisecondsSince1970)
        case .since(let f):
            guard let t = profileTime(f) else { return [] }
            lower = t
        }
        var out: [SubjectEvent] = []
        for e in subject.events where Self.matches(e, q.names) && q.filters.allSatisfy({ filterHolds($0, e) }) {
            let t = e.milliseconds
            if t > now {
                if case .between(_, let b) = q.window, t > b.millisecondsSince1970 { continue }
                boundary(t)
                continue
            }
            guard inclusiveLower ? t >= lower : t > lower, t <= upper else { continue }
            if let span { boundary(t + span) }
            out.append(e)
        }
        out.sort { $0.milliseconds < $1.milliseconds }
        return out
    }

    static func matches(_ e: SubjectEvent, _ names: EventQuery.Names) -> Bool {
        switch names {
        case .activity: e.isActivity
        case .named(let list): e.type == .track && list.contains(e.name)
        }
    }

    func filterHolds(_ f: PropertyFilter, _ e: SubjectEvent) -> Bool {
        var current: JSONValue? = .object(e.properties)
        for key in f.path {
            guard case .object(let o)? = current else { return false }
            current = o[key]
        }
        guard let v = current, !v.isNull else { return Self.compare(f.comparison, .missing, now: now) }
        return Self.compare(f.comparison, .json(v), now: now)
    }

    mutating func aggregate(_ a: EventAggregate) -> Operand {
        let events = matching(a.query)
        func numbers(_ path: [String]) -> [Double] {
            events.compactMap { e in
                var current: JSONValue? = .object(e.properties)
                for key in path {
                    guard case .object(let o)? = current else { return nil }
                    current = o[key]
                }
                if case .number(let n)? = current { return n }
                return nil
            }
        }
        switch a.aggregate {
        case .count: return .number(Double(events.count))
        case .sum(let p): return .number(numbers(p).reduce(0, +))
        case .average(let p):
            let ns = numbers(p)
            return ns.isEmpty ? .missing : .number(ns.reduce(0, +) / Double(ns.count))
        case .minimum(let p): return numbers(p).min().map { .number($0) } ?? .missing
        case .maximum(let p): return numbers(p).max().map { .number($0) } ?? .missing
        case .first: return events.first.map { .time($0.milliseconds) } ?? .missing
        case .last: return events.last.map { .time($0.milliseconds) } ?? .missing
        }
    }

    /// Whether some first event is unanswered, and the earliest such event's time.
    mutating func sequence(_ seq: SequenceCondition) -> (held: Bool, witness: Int64?) {
        let firsts = matching(seq.first)
        let span = seq.within.milliseconds
        let thens = subject.events.filter { e in Self.matches(e, seq.then.names) && seq.then.filters.allSatisfy { filterHolds($0, e) } }
            .map(\.milliseconds)
        var witness: Int64?
        for a in firsts {
            let t = a.milliseconds
            let answered = thens.contains { $0 >= t && $0 <= t + span }
            if t + span > now {
                if !answered { boundary(t + span) }
                continue
            }
            if !answered {
                witness = min(witness ?? t, t)
                if !collect { break }
            }
        }
        return (witness != nil, witness)
    }

    // MARK: Comparisons

    mutating func holds(_ cmp: Comparison, _ v: Operand) -> Bool {
        if collect, let t = Self.time(v) {
            switch cmp {
            case .within(let s):
                if t > now { boundary(t) } else { boundary(t + s.milliseconds) }
            case .moreThanAgo(let s):
                boundary(t + s.milliseconds)
            default: break
            }
        }
        return Self.compare(cmp, v, now: now)
    }

    static func time(_ v: Operand) -> Int64? {
        switch v {
        case .time(let t): t
        case .json(.string(let s)): ISO8601.parse(s)?.millisecondsSince1970
        default: nil
        }
    }

    static func compare(_ cmp: Comparison, _ v: Operand, now: Int64) -> Bool {
        switch cmp {
        case .exists: return v != .missing && v != .json(.null)
        case .equals(let x): return equal(v, x)
        case .notEquals(let x): return v != .missing && !equal(v, x)
        case .equalsIgnoringCase(let s):
            guard case .json(.string(let a)) = v else { return false }
            return asciiLowercased(a) == asciiLowercased(s)
        case .oneOf(let xs): return xs.contains { equal(v, $0) }
        case .less(let x): return order(v, x).map { $0 < 0 } ?? false
        case .lessOrEqual(let x): return order(v, x).map { $0 <= 0 } ?? false
        case .greater(let x): return order(v, x).map { $0 > 0 } ?? false
        case .greaterOrEqual(let x): return order(v, x).map { $0 >= 0 } ?? false
        case .between(let a, let b):
            guard let lo = order(v, a), let hi = order(v, b) else { return false }
            return lo >= 0 && hi <= 0
        case .contains(let s):
            switch v {
            case .json(.string(let a)): return containsBytes(a, s)
            case .json(.array(let items)): return items.contains { if case .string(let e) = $0 { e.utf8.elementsEqual(s.utf8) } else { false } }
            default: return false
            }
        case .startsWith(let s):
            guard case .json(.string(let a)) = v else { return false }
            return a.utf8.starts(with: s.utf8)
        case .within(let span):
            guard let t = time(v) else { return false }
            return t > now - span.milliseconds && t <= now
        case .moreThanAgo(let span):
            guard let t = time(v) else { return false }
            return t <= now - span.milliseconds
        }
    }

    static func asciiLowercased(_ s: String) -> [UInt8] {
        s.utf8.map { $0 >= 65 && $0 <= 90 ? $0 + 32 : $0 }
    }

    static func containsBytes(_ haystack: String, _ needle: String) -> Bool {
        let h = Array(haystack.utf8)
        let n = Array(needle.utf8)
        if n.isEmpty { return true }
        guard h.count >= n.count else { return false }
        for i in 0...(h.count - n.count) where h[i] == n[0] && h[i..<(i + n.count)].elementsEqual(n) { return true }
        return false
    }

    static func equal(_ v: Operand, _ x: ConditionValue) -> Bool {
        order(v, x) == 0 || {
            if case .json(.bool(let a)) = v, case .bool(let b) = x { return a == b }
            return false
        }()
    }

    /// Orders the value against x when both are of the same kind (strings bytewise, numbers, times).
    static func order(_ v: Operand, _ x: ConditionValue) -> Int? {
        switch (v, x) {
        case (.json(.string(let a)), .string(let b)):
            if a.utf8.elementsEqual(b.utf8) { return 0 }
            return a.utf8.lexicographicallyPrecedes(b.utf8) ? -1 : 1
        case (.json(.number(let a)), .number(let b)), (.number(let a), .number(let b)):
            return a < b ? -1 : (a > b ? 1 : 0)
        case (_, .date(let d)):
            guard let t = time(v) else { return nil }
            let b = d.millisecondsSince1970
            return t < b ? -1 : (t > b ? 1 : 0)
        default:
            return nil
        }
    }
}
