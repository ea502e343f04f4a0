public import Foundation

/// A segment's rule: one meaning, two forms (JSON for the API, text for people), see docs/SEGMENTS.md.
///
/// Every atom is two-valued: a missing trait, a value of another JSON type or an empty aggregate makes a
/// comparison false (never "unknown"), so `not` is always the plain negation. The SQL compiler keeps that
/// (each atom is wrapped so that SQL's NULL becomes false).
public indirect enum Condition: Sendable, Hashable {
    case all([Condition])
    case any([Condition])
    case not(Condition)
    /// A profile value (a trait, a computed state value, an RFM score, a model's computed trait) compared.
    case field(Field, Comparison)
    /// An aggregate of the profile's events compared: `count("Order Completed" in last 30 days) > 5`.
    case event(EventAggregate, Comparison)
    /// `"Product Added" not followed by "Order Completed" within 1 hour`.
    case notFollowed(SequenceCondition)
    /// Membership of another segment, by its id.
    case segment(String)
}

/// A value a condition compares with.
public enum ConditionValue: Sendable, Hashable {
    case string(String)
    case number(Double)
    case bool(Bool)
    case date(Date)
}

/// A span of time, kept as written (`2 weeks` stays `2 weeks`).
public struct TimeSpan: Sendable, Hashable {
    public enum Unit: String, Sendable, Hashable, CaseIterable {
        case minutes, hours, days, weeks

        public var milliseconds: Int64 {
            switch self {
            case .minutes: 60_000
            case .hours: 3_600_000
            case .days: 86_400_000
            case .weeks: 604_800_000
            }
        }
    }

    public var amount: Int
    public var unit: Unit

    public init(_ amount: Int, _ unit: Unit) {
        self.amount = amount
        self.unit = unit
    }

    public var milliseconds: Int64 { Int64(amount) * unit.milliseconds }

    /// `30 days`, `1 hour`.
    public var text: String {
        let name = amount == 1 ? String(unit.rawValue.dropLast()) : unit.rawValue
        return "\(amount) \(name)"
    }

    /// Reads `30 days`, `1 hour`, `90 min`, `2w`, `12h`, `30d`.
    public init?(text: String) {
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        let digits = trimmed.prefix { $0.isASCII && $0.isNumber }
        guard !digits.isEmpty, let amount = Int(digits), amount >= 0, amount <= 1_000_000 else { return nil }
        let rest = trimmed.dropFirst(digits.count).trimmingCharacters(in: .whitespaces).lowercased()
        guard let unit = Self.unit(named: rest) else { return nil }
        self.init(amount, unit)
    }

    static func unit(named name: String) -> Unit? {
        switch name {
        case "m", "min", "mins", "minute", "minutes": .minutes
        case "h", "hour", "hours": .hours
        case "d", "day", "days": .days
        case "w", "week", "weeks": .weeks
        default: nil
        }
    }
}

/// What a condition reads of a profile.
public enum Field: Sendable, Hashable {
    /// A plain (not personal) trait, by path: `traits.address.city` is `["address", "city"]`.
    case trait([String])
    /// A value of the computed state.
    case profile(ProfileField)
    /// An RFM score or group.
    case rfm(RFMField)
    /// A trait the models compute (`computed.cluster`), see ``ComputedField``.
    case computed(ComputedField)

    /// The dotted name of the field (`traits.city`, `profile.order_count`, `rfm.group`, `computed.cluster`).
    public var name: String {
        switch self {
        case .trait(let path): "traits." + path.joined(separator: ".")
        case .profile(let f): "profile." + f.rawValue
        case .rfm(let f): "rfm." + f.rawValue
        case .computed(let f): "computed." + f.rawValue
        }
    }
}

/// The computed state values a condition can read (docs/SEGMENTS.md lists their meaning).
public enum ProfileField: String, Sendable, Hashable, CaseIterable {
    case createdAt = "created_at"
    case eventCount = "event_count"
    case firstSeen = "first_seen"
    case lastSeen = "last_seen"
    case lastActivity = "last_activity"
    case orderCount = "order_count"
    case revenue
    case averageOrderValue = "average_order_value"
    case lastOrderAt = "last_order_at"
    case lastOrderValue = "last_order_value"
    case emailOpens = "email_opens"
    case emailClicks = "email_clicks"
    case cartValue = "cart_value"
    case cartItems = "cart_items"
    case cartUpdatedAt = "cart_updated_at"

    /// Whether the value is a time (compared with dates, `within`, `more than … ago`).
    public var isDate: Bool {
        switch self {
        case .createdAt, .firstSeen, .lastSeen, .lastActivity, .lastOrderAt, .cartUpdatedAt: true
        default: false
        }
    }
}

/// RFM scores (1–5) and the named group, see ``RFMScore``.
public enum RFMField: String, Sendable, Hashable, CaseIterable {
    case recency, frequency, monetary, score, group
}

/// The traits the models compute and store per profile (`tailor ml clusters|clv|scores`), by the names
/// they are stored under: the names the email render context gives them too (`computed.cluster`).
/// A profile the models did not score has no value (every comparison is false, as for a missing trait).
public enum ComputedField: String, Sendable, Hashable, CaseIterable {
    /// The k-means cluster number (0 is the most valuable).
    case cluster
    /// The cluster's centre in words ("high frequency, recent, high spend").
    case clusterLabel = "cluster_label"
    /// BG/NBD + Gamma-Gamma lifetime value over the horizon.
    case predictedCLV = "predicted_clv"
    /// BG/NBD probability that the customer is still active (0–1).
    case probabilityAlive = "probability_alive"
    /// BG/NBD expected number of purchases in the next 90 days.
    case expectedPurchases90d = "expected_purchases_90d"
    /// The decayed behavioural score.
    case engagementScore = "engagement_score"
}

/// How a value is tested.
public enum Comparison: Sendable, Hashable {
    case equals(ConditionValue)
    case notEquals(ConditionValue)
    /// Equality of strings ignoring case (Unicode simple case folding of the two sides, lowercased).
    case equalsIgnoringCase(String)
    case less(ConditionValue)
    case lessOrEqual(ConditionValue)
    case greater(ConditionValue)
    case greaterOrEqual(ConditionValue)
    /// Equal to one of the values.
    case oneOf([ConditionValue])
    /// A string containing the text, or an array containing the string.
    case contains(String)
    case startsWith(String)
    /// Present and not null.
    case exists
    /// Inclusive at both ends.
    case between(ConditionValue, ConditionValue)
    /// A time in (now − span, now].
    case within(TimeSpan)
    /// A time at or before now − span.
    case moreThanAgo(TimeSpan)
}

/// Which events an aggregate or a sequence looks at.
public struct EventQuery: Sendable, Hashable {
    public enum Names: Sendable, Hashable {
        /// Track events with one of these names.
        case named([String])
        /// Any track, page or screen event except Tailor's own bookkeeping (``TailorEvent/notActivity``).
        case activity
    }

    public var names: Names
    /// Conditions on the event's properties, all of which must hold.
    public var filters: [PropertyFilter]
    public var window: EventWindow

    public init(names: Names, filters: [PropertyFilter] = [], window: EventWindow = .ever) {
        self.names = names
        self.filters = filters
        self.window = window
    }
}

/// A condition on an event property (`where total > 100`).
public struct PropertyFilter: Sendable, Hashable {
    public var path: [String]
    public var comparison: Comparison

    public init(path: [String], comparison: Comparison) {
        self.path = path
        self.comparison = comparison
    }
}

/// The time an aggregate covers. Every window ends at now: an event stamped in the future counts once
/// its time has come.
public enum EventWindow: Sendable, Hashable {
    /// Every event up to now.
    case ever
    /// (now − span, now].
    case last(TimeSpan)
    /// [from, to], and not after now.
    case between(Date, Date)
    /// [the field's time, now]; empty when the profile has no such time.
    case since(ProfileField)
}

/// What is computed over the matching events.
public enum Aggregate: Sendable, Hashable {
    case count
    /// Of a numeric property (values of other types are skipped); 0 over no events.
    case sum([String])
    /// Of a numeric property; no value over no events (every comparison is then false).
    case average([String])
    case minimum([String])
    case maximum([String])
    /// The time of the first / last matching event.
    case first
    case last

    public var isTime: Bool {
        switch self {
        case .first, .last: true
        default: false
        }
    }
}

public struct EventAggregate: Sendable, Hashable {
    public var aggregate: Aggregate
    public var query: EventQuery

    public init(_ aggregate: Aggregate, _ query: EventQuery) {
        self.aggregate = aggregate
        self.query = query
    }
}

/// "A not followed by B within T": some A event (in A's window, T already elapsed since it) with no B event
/// in [A's time, A's time + T].
public struct SequenceCondition: Sendable, Hashable {
    public var first: EventQuery
    /// B's names and filters; its window is not used.
    public var then: EventQuery
    public var within: TimeSpan

    public init(first: EventQuery, then: EventQuery, within: TimeSpan) {
        self.first = first
        self.then = EventQuery(names: then.names, filters: then.filters, window: .ever)
        self.within = within
    }
}

extension Condition {
    /// The ids of the segments this condition refers to directly.
    public var segmentReferences: Set<String> {
        switch self {
        case .all(let cs), .any(let cs): cs.reduce(into: Set()) { $0.formUnion($1.segmentReferences) }
        case .not(let c): c.segmentReferences
        case .segment(let id): [id]
        case .field, .event, .notFollowed: []
        }
    }

    /// Visits every atom (not the and/or/not nodes).
    public func forEachAtom(_ body: (Condition) -> Void) {
        switch self {
        case .all(let cs), .any(let cs): for c in cs { c.forEachAtom(body) }
        case .not(let c): c.forEachAtom(body)
        default: body(self)
        }
    }
}
