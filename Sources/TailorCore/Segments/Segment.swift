public import Foundation

/// A named, stored segment.
public struct SegmentDefinition: Sendable, Hashable {
    /// A slug (`frequent-buyers`): lower-case letters, digits and dashes.
    public var id: String
    public var name: String
    public var description: String
    public var condition: Condition
    public var createdAt: Date
    public var updatedAt: Date

    public init(id: String, name: String, description: String = "", condition: Condition, createdAt: Date, updatedAt: Date? = nil) {
        self.id = id
        self.name = name
        self.description = description
        self.condition = condition
        self.createdAt = createdAt
        self.updatedAt = updatedAt ?? createdAt
    }

    /// The id a name gets: `Cart Abandoners over $50` → `cart-abandoners-over-50`.
    public static func slug(_ name: String) -> String {
        var out = ""
        var dash = false
        for u in name.lowercased().unicodeScalars {
            if u.isASCII && (u.properties.isAlphabetic || ("0"..."9").contains(u)) {
                if dash && !out.isEmpty { out += "-" }
                out.unicodeScalars.append(u)
                dash = false
            } else {
                dash = true
            }
        }
        return String(out.prefix(64))
    }

    public static func isValidID(_ id: String) -> Bool {
        !id.isEmpty && id.count <= 64 && id.unicodeScalars.allSatisfy { ($0.isASCII && ($0.properties.isLowercase || ("0"..."9").contains($0))) || $0 == "-" }
    }
}

/// A problem with a segment definition, for a 4xx answer or a CLI message; never quotes trait values.
public struct SegmentDefinitionError: Error, Sendable, Equatable, CustomStringConvertible {
    public enum Code: Sendable, Equatable {
        /// The definition itself is wrong: its name, id, condition or references.
        case invalid
        /// Creating it would replace another segment (same id or name); updates say so.
        case exists
        /// Another segment refers to it.
        case inUse
        /// No segment or template has that name.
        case notFound
    }

    public var code: Code
    public var message: String
    public init(_ message: String, code: Code = .invalid) {
        self.code = code
        self.message = message
    }
    public var description: String { message }
}

/// What can change a segment's result: events by name, activity, trait keys, or any message at all.
public struct SegmentDependencies: Sendable, Hashable {
    public var eventNames: Set<String> = []
    public var anyActivity = false
    /// Top-level trait keys read.
    public var traitKeys: Set<String> = []
    /// Every message changes it (it reads first/last seen or the event count).
    public var anyMessage = false
    /// Reads RFM scores (changed by the RFM job, not by events).
    public var rfm = false
    /// The computed traits read (changed when the models recompute them, not by events).
    public var computed: Set<ComputedField> = []

    public init() {}

    public mutating func formUnion(_ o: SegmentDependencies) {
        eventNames.formUnion(o.eventNames)
        anyActivity = anyActivity || o.anyActivity
        traitKeys.formUnion(o.traitKeys)
        anyMessage = anyMessage || o.anyMessage
        rfm = rfm || o.rfm
        computed.formUnion(o.computed)
    }

    /// Whether the condition reads a person's behaviour, so that a person without `personalization` consent is
    /// left out of it (docs/PRIVACY.md): events (counts, sums, sequences, activity), the profile fields computed
    /// from them (every `profile.*` but `created_at`), RFM scores or computed (model) traits. Conditions on
    /// traits only, and on `profile.created_at`, are not.
    public var isBehavioural: Bool { !eventNames.isEmpty || anyActivity || anyMessage || rfm || !computed.isEmpty }

    /// Whether a message may change the result.
    public func affected(by m: Message) -> Bool {
        if anyMessage { return true }
        if m.type == .track, let e = m.event, eventNames.contains(e) { return true }
        if anyActivity, SubjectEvent(type: m.type, name: m.eventName, milliseconds: 0, properties: [:]).isActivity { return true }
        if !traitKeys.isEmpty, m.traits.keys.contains(where: traitKeys.contains) { return true }
        return false
    }
}

/// The set of segments, checked together: references resolve, no cycles, no personal traits.
public struct SegmentCatalog: Sendable {
    public private(set) var definitions: [String: SegmentDefinition]
    /// Segment ids in an order where every segment comes after those it refers to.
    public private(set) var order: [String]
    public let evaluator: SegmentEvaluator
    public private(set) var dependencies: [String: SegmentDependencies]

    public init(_ segments: [SegmentDefinition], policy: PersonalDataPolicy = .default) throws(SegmentDefinitionError) {
        var defs: [String: SegmentDefinition] = [:]
        for s in segments { defs[s.id] = s }
        definitions = defs
        for s in segments { try Self.validate(s.condition, policy: policy) }
        order = try Self.topologicalOrder(defs)
        evaluator = SegmentEvaluator(segments: defs.mapValues(\.condition))
        var deps: [String: SegmentDependencies] = [:]
        for id in order {
            var d = Self.directDependencies(defs[id]!.condition)
            for ref in defs[id]!.condition.segmentReferences { if let r = deps[ref] { d.formUnion(r) } }
            deps[id] = d
        }
        dependencies = deps
        eventNeeds = Self.eventNeeds(of: defs)
        readsComputed = deps.values.contains { !$0.computed.isEmpty }
    }

    public var sorted: [SegmentDefinition] { order.map { definitions[$0]! } }

    /// The segments that read behaviour, directly or through segments they refer to (``SegmentDependencies/isBehavioural``).
    public var behavioural: Set<String> { Set(dependencies.filter { $0.value.isBehavioural }.keys) }

    /// Whether a condition (a saved segment's or an ad-hoc one) reads behaviour, itself or through the segments it refers to.
    public func readsBehaviour(_ condition: Condition) -> Bool {
        Self.directDependencies(condition).isBehavioural || !condition.segmentReferences.isDisjoint(with: behavioural)
    }

    /// The segment and every segment that refers to it, directly or not.
    public func dependents(of id: String) -> Set<String> {
        var out: Set<String> = [id]
        for other in order where !definitions[other]!.condition.segmentReferences.isDisjoint(with: out) { out.insert(other) }
        return out
    }

    /// Which events the evaluator reads, so that stores load only those: per event name the oldest time
    /// that matters (as a span before now; nil: all of them), the same for activity, and whether properties
    /// are read at all. Names that only change profile fields (an order changes `order_count`) are not here:
    /// those fields come from the profile's row.
    public struct EventNeeds: Sendable, Equatable {
        public var names: [String: Int64?] = [:]
        /// nil: activity is not read; .some(nil): all of it; .some(span): within the span.
        public var activity: Int64?? = nil
        public var properties = false

        public var isEmpty: Bool { names.isEmpty && activity == nil }

        mutating func add(_ q: EventQuery) {
            let span: Int64? = if case .last(let s) = q.window { s.milliseconds } else { nil }
            func widen(_ old: Int64??, _ new: Int64?) -> Int64? {
                guard let old else { return new }
                guard let o = old, let n = new else { return nil }
                return max(o, n)
            }
            switch q.names {
            case .activity: activity = .some(widen(activity, span))
            case .named(let list): for n in list { names[n] = .some(widen(names[n], span)) }
            }
            if !q.filters.isEmpty { properties = true }
        }
    }

    /// Computed once with the catalog: ingest reads it in every transaction.
    public let eventNeeds: EventNeeds

    /// Whether some condition reads `computed.*`: stores load the computed traits of the profiles they evaluate
    /// only then (computed once with the catalog, as ``eventNeeds``).
    public let readsComputed: Bool

    /// The segments whose result may change when these computed traits change (those that read one of them,
    /// directly or through a segment they refer to).
    public func readers(of computed: Set<ComputedField>) -> Set<String> {
        Set(dependencies.filter { !$0.value.computed.isDisjoint(with: computed) }.keys)
    }

    static func eventNeeds(of definitions: [String: SegmentDefinition]) -> EventNeeds {
        var needs = EventNeeds()
        for d in definitions.values {
            d.condition.forEachAtom { atom in
                switch atom {
                case .event(let agg, _):
                    needs.add(agg.query)
                    switch agg.aggregate {
                    case .sum, .average, .minimum, .maximum: needs.properties = true
                    default: break
                    }
                case .notFollowed(let seq):
                    // Answers can come after the window's start: B is read without a bound.
                    needs.add(EventQuery(names: seq.first.names, filters: seq.first.filters,
                                         window: seq.first.window.widened(by: seq.within)))
                    needs.add(seq.then)
                default: break
                }
            }
        }
        return needs
    }

    /// Checks a condition on its own: no personal trait, no relative time inside property filters.
    public static func validate(_ c: Condition, policy: PersonalDataPolicy = .default) throws(SegmentDefinitionError) {
        var problem: String?
        func checkFilters(_ q: EventQuery) {
            for f in q.filters {
                if let first = f.path.first, policy.isPersonal(first) {
                    problem = problem ?? "properties.\(first) is personal data, sealed at rest; segments cannot query it"
                }
                switch f.comparison {
                case .within, .moreThanAgo: problem = problem ?? "'within' and 'more than … ago' are not supported on event properties; use the window (in last N days)"
                default: break
                }
            }
            if case .named(let names) = q.names, names.isEmpty { problem = problem ?? "an event query needs at least one event name" }
        }
        func walk(_ c: Condition) {
            switch c {
            case .all(let cs), .any(let cs):
                if cs.count < 2 { problem = problem ?? "'and' and 'or' need at least two conditions" }
                cs.forEach(walk)
            case .not(let inner): walk(inner)
            case .field(.trait(let path), _):
                if let first = path.first, policy.isPersonal(first) {
                    problem = problem ?? "traits.\(first) is personal data, sealed at rest; segments cannot query it"
                }
            case .field: break
            case .event(let agg, let cmp):
                checkFilters(agg.query)
                if case .sum(let p) = agg.aggregate, p.isEmpty { problem = problem ?? "sum needs a property" }
                if !agg.aggregate.isTime {
                    switch cmp {
                    case .within, .moreThanAgo: problem = problem ?? "'within' and 'more than … ago' apply to first(...) and last(...), not to counts or sums"
                    default: break
                    }
                }
            case .notFollowed(let seq):
                checkFilters(seq.first)
                checkFilters(seq.then)
            case .segment(let id):
                if id.isEmpty { problem = problem ?? "a segment reference needs an id" }
            }
        }
        walk(c)
        if let problem { throw SegmentDefinitionError(problem) }
        // No stored event name or trait holds a NUL (ingest refuses them), and databases do not keep one.
        if JSONWriter.string(c.json).contains("\\u0000") {
            throw SegmentDefinitionError("a condition must not contain the NUL character (U+0000)")
        }
    }

    static func topologicalOrder(_ defs: [String: SegmentDefinition]) throws(SegmentDefinitionError) -> [String] {
        var order: [String] = []
        var state: [String: Int] = [:]  // 1 visiting, 2 done
        var stack: [String] = []
        func visit(_ id: String) throws(SegmentDefinitionError) {
            if state[id] == 2 { return }
            if state[id] == 1 {
                let cycle = stack.drop { $0 != id } + [id]
                throw SegmentDefinitionError("segments refer to each other in a cycle: " + cycle.joined(separator: " → "))
            }
            guard let def = defs[id] else { return }
            state[id] = 1
            stack.append(id)
            for ref in def.condition.segmentReferences.sorted() {
                guard defs[ref] != nil else { throw SegmentDefinitionError("segment \(id) refers to unknown segment \(ref)") }
                try visit(ref)
            }
            stack.removeLast()
            state[id] = 2
            order.append(id)
        }
        for id in defs.keys.sorted() { try visit(id) }
        return order
    }

    static func directDependencies(_ c: Condition) -> SegmentDependencies {
        var d = SegmentDependencies()
        func query(_ q: EventQuery) {
            switch q.names {
            case .activity: d.anyActivity = true
            case .named(let names): d.eventNames.formUnion(names)
            }
            if case .since(let f) = q.window { field(.profile(f)) }
        }
        func field(_ f: Field) {
            switch f {
            case .trait(let path): if let k = path.first { d.traitKeys.insert(k) }
            case .rfm: d.rfm = true
            case .computed(let c): d.computed.insert(c)
            case .profile(let p):
                switch p {
                case .createdAt: break
                case .eventCount, .firstSeen, .lastSeen: d.anyMessage = true
                case .lastActivity: d.anyActivity = true
                case .orderCount, .revenue, .averageOrderValue, .lastOrderAt, .lastOrderValue: d.eventNames.insert(TailorEvent.orderCompleted)
                case .emailOpens: d.eventNames.insert(TailorEvent.emailOpened)
                case .emailClicks: d.eventNames.insert(TailorEvent.emailClicked)
                case .cartValue, .cartItems, .cartUpdatedAt:
                    d.eventNames.formUnion([TailorEvent.productAdded, TailorEvent.productRemoved, TailorEvent.orderCompleted])
                }
            }
        }
        c.forEachAtom { atom in
            switch atom {
            case .field(let f, _): field(f)
            case .event(let agg, _): query(agg.query)
            case .notFollowed(let seq):
                query(seq.first)
                query(seq.then)
            default: break
            }
        }
        return d
    }
}

extension EventWindow {
    /// The window extended into the past by a span (a sequence's first event may precede its answer's window).
    func widened(by span: TimeSpan) -> EventWindow {
        if case .last(let s) = self { return .last(TimeSpan(Int((s.milliseconds + span.milliseconds) / 60_000), .minutes)) }
        return self
    }
}

/// The seed segments, shipped as templates (`tailor segment templates`).
public enum SegmentTemplates {
    public struct Template: Sendable, Hashable {
        public var id: String
        public var name: String
        public var description: String
        public var text: String

        public var condition: Condition { try! Condition(text: text) }
    }

    public static let all: [Template] = [
        Template(id: "frequent-buyers", name: "Frequent Buyers", description: "More than 5 orders in the last 30 days.",
                 text: #"count("Order Completed" in last 30 days) > 5"#),
        Template(id: "engaged-but-infrequent", name: "Engaged but Infrequent",
                 description: "More than 3 email opens in the last 7 days and fewer than 2 orders in the last 30 days.",
                 text: #"count("Email Opened" in last 7 days) > 3 and count("Order Completed" in last 30 days) < 2"#),
        Template(id: "lapsed", name: "Lapsed", description: "Active once, but no activity in the last 60 days.",
                 text: "profile.last_activity more than 60 days ago"),
        Template(id: "recent-engaged-purchasers", name: "Recent Engaged Purchasers",
                 description: "Ordered in the last 30 days and opened or clicked at least 3 emails in the last 30 days.",
                 text: #"count("Order Completed" in last 30 days) >= 1 and count("Email Opened", "Email Clicked" in last 30 days) >= 3"#),
        Template(id: "cart-abandoners-over-50", name: "Cart Abandoners over $50",
                 description: "A cart worth more than $50, no order since it last changed, and unchanged for over an hour.",
                 text: #"profile.cart_value > 50 and count("Order Completed" since profile.cart_updated_at) = 0 and profile.cart_updated_at more than 1 hour ago"#),
        Template(id: "repeat-buyers", name: "Repeat Buyers", description: "More than 3 orders in the last 30 days.",
                 text: #"count("Order Completed" in last 30 days) > 3"#),
        Template(id: "new-york", name: "New York", description: "Customers whose city is New York.",
                 text: #"traits.city = "New York""#),
    ]

    public static func named(_ idOrName: String) -> Template? {
        all.first { $0.id == idOrName || $0.name.lowercased() == idOrName.lowercased() }
    }
}
