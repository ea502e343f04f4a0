public import Foundation

/// The value of a computed profile field, an RFM field or a computed trait: the one definition the condition evaluator and
/// the email render context both read, so that `profile.cart_value` means the same in a segment and in a
/// template.
public enum FieldValue: Sendable, Hashable {
    case number(Double)
    case time(Date)
    case text(String)
    /// The profile has no such value (no order yet, no RFM score).
    case missing
}

extension ProfileField {
    /// This field of a profile's state.
    public func value(of s: ProfileState, createdAt: Date) -> FieldValue {
        func time(_ d: Date?) -> FieldValue { d.map { .time($0) } ?? .missing }
        switch self {
        case .createdAt: return .time(createdAt)
        case .eventCount: return .number(Double(s.eventCount))
        case .firstSeen: return time(s.firstSeen)
        case .lastSeen: return time(s.lastSeen)
        case .lastActivity: return time(s.lastActivity)
        case .orderCount: return .number(Double(s.orderCount))
        case .revenue: return .number(s.revenue)
        case .averageOrderValue: return s.averageOrderValue.map { .number($0) } ?? .missing
        case .lastOrderAt: return time(s.lastOrderAt)
        case .lastOrderValue: return s.lastOrderValue.map { .number($0) } ?? .missing
        case .emailOpens: return .number(Double(s.emailOpens))
        case .emailClicks: return .number(Double(s.emailClicks))
        case .cartValue: return .number(s.cartValue)
        case .cartItems: return .number(Double(s.cart.count))
        case .cartUpdatedAt: return time(s.cartUpdatedAt)
        }
    }
}

extension RFMField {
    /// This field of a score.
    public func value(of score: RFMScore?) -> FieldValue {
        guard let score else { return .missing }
        switch self {
        case .recency: return .number(Double(score.recency))
        case .frequency: return .number(Double(score.frequency))
        case .monetary: return .number(Double(score.monetary))
        case .score: return .text(score.code)
        case .group: return .text(score.group.rawValue)
        }
    }
}

extension ComputedField {
    /// This trait among a profile's computed values (keyed by name, as ``SegmentSubject/computed`` holds them).
    public func value(of computed: [String: FieldValue]) -> FieldValue {
        computed[rawValue] ?? .missing
    }
}

extension FieldValue {
    /// A stored computed trait's value: its number, else its text, else missing (the order in which the
    /// store's `ComputedTrait.json` and the SQL compiler read the two columns).
    public init(computedNumber number: Double?, text: String?) {
        if let number {
            self = .number(number)
        } else if let text {
            self = .text(text)
        } else {
            self = .missing
        }
    }
}
