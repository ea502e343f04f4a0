public import TailorCore

/// Which profiles one ``SegmentStore/evaluateMemberships(_:now:plan:)`` transaction evaluates.
public enum MembershipSelection: Sendable, Equatable {
    /// Live profiles after `after` (from the first when nil), in id order: a page of a re-evaluation.
    case profiles(after: ProfileID?, limit: Int)
    /// Profiles whose timers are due at the pass's `now`, earliest first. A selected profile the store no longer
    /// reads as live (merged away) has no input; the planner decides what becomes of its timer.
    case dueTimers(limit: Int)
}

/// What the planner of one membership transaction is given.
public struct MembershipBatch: Sendable {
    /// The segments as of the transaction.
    public var catalog: SegmentCatalog
    /// The profiles selected, in order.
    public var selected: [ProfileID]
    /// What the planner needs of each selected profile that is live, in id order; `affected` is nil (all
    /// segments) until the caller narrows it.
    public var inputs: [MembershipInput]

    public init(catalog: SegmentCatalog, selected: [ProfileID], inputs: [MembershipInput]) {
        self.catalog = catalog
        self.selected = selected
        self.inputs = inputs
    }
}

/// What one membership transaction did: the profiles it selected and the outcome it wrote.
public struct MembershipPass: Sendable {
    public var selected: [ProfileID]
    public var outcome: MembershipOutcome

    public init(selected: [ProfileID] = [], outcome: MembershipOutcome = MembershipOutcome()) {
        self.selected = selected
        self.outcome = outcome
    }
}
