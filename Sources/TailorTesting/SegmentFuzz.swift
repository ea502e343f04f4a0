public import Foundation
public import TailorCore

/// Random segment conditions and event histories from a seed, for the round-trip and differential tests.
///
/// Values are chosen so that both evaluators compute them exactly (prices in halves, integer totals), and
/// times cluster around the window edges, where off-by-one mistakes live.
public struct SegmentFuzz {
    public var rng: Seeded
    public let now: Date

    public init(seed: UInt64, now: Date) {
        rng = Seeded(seed)
        self.now = now
    }

    public static let eventNames = ["Order Completed", "Product Added", "Product Removed", "Email Opened", "Email Clicked",
                                    "Product Viewed", "Email Sent", "Segment Entered"]
    static let cities = ["New York", "new york", "Paris", "Berlin", "Newark", "São Paulo"]
    static let categories = ["shoes", "hats", "bags", "Shoes"]
    static let plans = ["free", "pro", "enterprise"]

    // MARK: Conditions

    /// A random condition; `full` adds forms only the round trip needs (RFM, segment references), `computed`
    /// conditions on computed traits (``computedCondition()``; give the profiles ``computedTraits(of:)``).
    /// Without `computed`, a seed gives the conditions it always gave.
    public mutating func condition(depth: Int = 3, full: Bool = false, computed: Bool = false) -> Condition {
        if depth > 0, rng.chance(0.45) {
            switch rng.int(3) {
            case 0: return .all((0..<(2 + rng.int(2))).map { _ in condition(depth: depth - 1, full: full, computed: computed) })
            case 1: return .any((0..<(2 + rng.int(2))).map { _ in condition(depth: depth - 1, full: full, computed: computed) })
            default: return .not(condition(depth: depth - 1, full: full, computed: computed))
            }
        }
        let kinds = full ? 7 : 5
        let kind = rng.int(kinds + (computed ? 2 : 0))
        if kind >= kinds { return computedCondition() }
        switch kind {
        case 0, 1: return traitCondition()
        case 2: return profileCondition()
        case 3: return eventCondition(full: full)
        case 4: return .notFollowed(SequenceCondition(first: query(full: full, window: true), then: query(full: full, window: false),
                                                      within: span()))
        case 5: return .field(.rfm(rng.pick(RFMField.allCases)), rng.chance(0.5) ? .greaterOrEqual(.number(Double(1 + rng.int(5))))
                                                                                 : .equals(.string(rng.pick(RFMGroup.allCases).rawValue)))
        default: return .segment(rng.pick(["frequent-buyers", "lapsed", "a-b"]))
        }
    }

    mutating func span() -> TimeSpan {
        switch rng.int(4) {
        case 0: TimeSpan(1 + rng.int(90), .minutes)
        case 1: TimeSpan(1 + rng.int(48), .hours)
        case 2: TimeSpan(1 + rng.int(60), .days)
        default: TimeSpan(1 + rng.int(8), .weeks)
        }
    }

    mutating func date() -> Date {
        now.addingTimeInterval(-Double(rng.int(90 * 86_400)) + (rng.chance(0.1) ? 86_400 * 3 : 0))
    }

    mutating func traitCondition() -> Condition {
        switch rng.int(6) {
        case 0:
            let cmp: Comparison = switch rng.int(7) {
            case 0: .equals(.string(rng.pick(Self.cities)))
            case 1: .notEquals(.string(rng.pick(Self.cities)))
            case 2: .equalsIgnoringCase(rng.pick(Self.cities))
            case 3: .oneOf([.string(rng.pick(Self.cities)), .string(rng.pick(Self.cities))])
            case 4: .contains(rng.pick(["York", "ar", "o"]))
            case 5: .startsWith(rng.pick(["New", "Pa", "new"]))
            default: .less(.string(rng.pick(Self.cities)))
            }
            return .field(.trait(["city"]), cmp)
        case 1:
            let cmp: Comparison = switch rng.int(6) {
            case 0: .greater(.number(Double(18 + rng.int(50))))
            case 1: .lessOrEqual(.number(Double(18 + rng.int(50))))
            case 2: .between(.number(Double(18 + rng.int(20))), .number(Double(40 + rng.int(30))))
            case 3: .equals(.number(Double(18 + rng.int(50))))
            case 4: .exists
            default: .notEquals(.string("30"))
            }
            return .field(.trait(["age"]), cmp)
        case 2: return .field(.trait(["vip"]), rng.chance(0.5) ? .equals(.bool(true)) : .exists)
        case 3: return .field(.trait(["plan", "name"]), rng.chance(0.5) ? .equals(.string(rng.pick(Self.plans))) : .oneOf(Self.plans.prefix(2).map { .string($0) }))
        case 4:
            let cmp: Comparison = switch rng.int(4) {
            case 0: .within(span())
            case 1: .moreThanAgo(span())
            case 2: .greater(.date(date()))
            default: .between(.date(date()), .date(date()))
            }
            return .field(.trait(["signup"]), cmp)
        default: return .field(.trait(["tags"]), .contains(rng.pick(Self.categories)))
        }
    }

    mutating func profileCondition() -> Condition {
        let field = rng.pick(ProfileField.allCases)
        let cmp: Comparison
        if field.isDate {
            cmp = switch rng.int(4) {
            case 0: .within(span())
            case 1: .moreThanAgo(span())
            case 2: .exists
            default: .less(.date(date()))
            }
        } else {
            let bound = Double(rng.int(field == .revenue || field == .cartValue ? 300 : 6))
            cmp = switch rng.int(4) {
            case 0: .greater(.number(bound))
            case 1: .lessOrEqual(.number(bound))
            case 2: .equals(.number(bound))
            default: .exists
            }
        }
        return .field(.profile(field), cmp)
    }

    mutating func query(full: Bool, window: Bool) -> EventQuery {
        let names: EventQuery.Names = rng.chance(0.15) ? .activity
            : .named((0..<(1 + rng.int(2))).map { _ in rng.pick(Self.eventNames) })
        var filters: [PropertyFilter] = []
        if rng.chance(0.3) {
            filters.append(rng.chance(0.5) ? PropertyFilter(path: ["price"], comparison: .greater(.number(Double(rng.int(80)))))
                           : PropertyFilter(path: ["category"], comparison: rng.chance(0.5) ? .equals(.string(rng.pick(Self.categories)))
                                                                                            : .equalsIgnoringCase("shoes")))
        }
        var w = EventWindow.ever
        if window {
            switch rng.int(5) {
            case 0: break
            case 1, 2: w = .last(span())
            case 3:
                let a = date()
                w = .between(a, a.addingTimeInterval(Double(rng.int(40 * 86_400))))
            default: w = .since(rng.pick([.cartUpdatedAt, .lastOrderAt, .firstSeen]))
            }
        }
        return EventQuery(names: names, filters: filters, window: w)
    }

    mutating func eventCondition(full: Bool) -> Condition {
        let q = query(full: full, window: true)
        let path = ["price"]
        let aggregate: Aggregate = switch rng.int(7) {
        case 0, 1: .count
        case 2: .sum(path)
        case 3: .average(path)
        case 4: .minimum(path)
        case 5: .maximum(path)
        default: rng.chance(0.5) ? .first : .last
        }
        let cmp: Comparison
        if aggregate.isTime {
            cmp = switch rng.int(3) {
            case 0: .within(span())
            case 1: .moreThanAgo(span())
            default: .exists
            }
        } else {
            let bound = Double(aggregate == .count ? rng.int(5) : rng.int(100))
            cmp = switch rng.int(5) {
            case 0: .greater(.number(bound))
            case 1: .less(.number(bound))
            case 2: .equals(.number(bound))
            case 3: .greaterOrEqual(.number(bound))
            default: .exists
            }
        }
        return .event(EventAggregate(aggregate, q), cmp)
    }

    // MARK: Histories

    /// A customer's messages: an identify with random traits, then events spread over 120 days with many
    /// near the window edges (29–31 days, 59–61 days, the last hours).
    public mutating func history(user: String) -> [Message] {
        var out: [Message] = []
        var traits: JSONObject = [:]
        if rng.chance(0.8) { traits["city"] = .string(rng.pick(Self.cities)) }
        if rng.chance(0.7) { traits["age"] = rng.chance(0.9) ? .number(Double(18 + rng.int(50))) : .string("30") }
        if rng.chance(0.5) { traits["vip"] = .bool(rng.chance(0.5)) }
        if rng.chance(0.5) { traits["plan"] = .object(["name": .string(rng.pick(Self.plans))]) }
        if rng.chance(0.6) { traits["signup"] = .string(ISO8601.format(date())) }
        if rng.chance(0.4) { traits["tags"] = .array((0..<rng.int(3)).map { _ in .string(rng.pick(Self.categories)) }) }
        var counter = 0
        func id() -> String {
            counter += 1
            return "\(user)-\(counter)"
        }
        out.append(.identify(userId: user, traits: traits, at: now.addingTimeInterval(-Double(rng.int(200 * 86_400))), messageId: id()))
        for _ in 0..<rng.int(14) {
            let t = eventTime()
            let name = rng.pick(Self.eventNames)
            var props: JSONObject = [:]
            if ["Product Added", "Product Removed", "Product Viewed"].contains(name) {
                props["product_id"] = .string("sku-\(rng.int(4))")
                props["price"] = .number(Double(rng.int(160)) / 2)
                if rng.chance(0.5) { props["quantity"] = .number(Double(1 + rng.int(3))) }
                props["category"] = .string(rng.pick(Self.categories))
            } else if name == "Order Completed" {
                props["price"] = .number(Double(rng.int(200)))
                props["revenue"] = .number(Double(rng.int(200)))
            } else if rng.chance(0.3) {
                props["price"] = .string("12")
            }
            out.append(.track(name, userId: user, properties: props, at: t, messageId: id()))
        }
        if rng.chance(0.2) {
            out.append(Message(type: .page, messageId: id(), userId: user, name: "Home", timestamp: eventTime()))
        }
        return out
    }

    mutating func eventTime() -> Date {
        let day = 86_400.0
        switch rng.int(6) {
        case 0: return now.addingTimeInterval(-day * (29 + Double(rng.int(3))) + Double(rng.int(7200) - 3600))
        case 1: return now.addingTimeInterval(-day * (59 + Double(rng.int(3))) + Double(rng.int(7200) - 3600))
        case 2: return now.addingTimeInterval(-Double(rng.int(4 * 3600)))
        case 3: return now.addingTimeInterval(Double(1 + rng.int(3600)))  // a client clock ahead
        default: return now.addingTimeInterval(-Double(rng.int(120 * 86_400)))
        }
    }
}

/// SplitMix64, seeded.
public struct Seeded: RandomNumberGenerator, Sendable {
    var state: UInt64
    public init(_ seed: UInt64) { state = seed }

    public mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    public mutating func int(_ n: Int) -> Int { Int(next() % UInt64(n)) }
    public mutating func chance(_ p: Double) -> Bool { Double(next() % 1_000_000) / 1_000_000 < p }
    public mutating func pick<T>(_ items: [T]) -> T { items[int(items.count)] }
}
