public import Foundation

/// A condition on the profile a run belongs to (a branch, a wait for a condition), in the condition
/// language segments use (`traits.vip = true and profile.order_count >= 2`), kept as written and compiled once.
public struct JourneyCondition: Sendable, Hashable {
    /// As written.
    public var text: String
    public let condition: Condition

    /// - Throws: ``ConditionSyntaxError`` with the line and column in `text`.
    public init(text: String) throws(ConditionSyntaxError) {
        self.text = text
        condition = try Condition(text: text)
    }
}
