import TailorStore

/// What re-evaluating segments changed: how many profiles were evaluated, how many memberships began and ended.
public struct SegmentRefresh: Sendable, Equatable {
    public var evaluated: Int
    public var entered: Int
    public var exited: Int

    public init(evaluated: Int = 0, entered: Int = 0, exited: Int = 0) {
        self.evaluated = evaluated
        self.entered = entered
        self.exited = exited
    }

    /// Counts one membership transaction: its profiles as evaluated, its changes as entries and exits.
    mutating func add(_ pass: MembershipPass) {
        let entries = pass.outcome.changes.filter(\.entered).count
        evaluated += pass.selected.count
        entered += entries
        exited += pass.outcome.changes.count - entries
    }
}
