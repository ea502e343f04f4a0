public import TailorCore

/// What one ingest call did.
public struct IngestResult: Sendable, Equatable {
    public var stored: Int
    public var duplicates: Int
    public var createdProfiles: Int
    public var merges: Int
    /// Messages dropped because they name an erased identity (docs/PRIVACY.md, "Erasure").
    public var dropped: Int = 0
    /// The ids of the messages dropped as erased; not part of equality.
    public var droppedMessageIds: Set<String> = []
    /// The ids of the messages stored (not those skipped as already there); not part of equality.
    public var storedMessageIds: Set<String> = []

    public init(stored: Int = 0, duplicates: Int = 0, createdProfiles: Int = 0, merges: Int = 0) {
        self.stored = stored
        self.duplicates = duplicates
        self.createdProfiles = createdProfiles
        self.merges = merges
    }

    /// The result of applying a plan.
    public init(plan: IngestPlan) {
        self.init(stored: plan.events.count, duplicates: plan.duplicates.count, createdProfiles: plan.createdProfiles.count,
                  merges: plan.merges.count)
        storedMessageIds = Set(plan.events.map(\.message.messageId))
    }

    /// The part of a result that concerns some of its messages (one caller's share of a group commit).
    /// Profiles created and merges are the whole transaction's.
    public func share(of messages: [Message]) -> IngestResult {
        var seen = Set<String>()
        var stored = 0
        var dropped = 0
        for m in messages {
            if droppedMessageIds.contains(m.messageId) {
                dropped += 1
            } else if seen.insert(m.messageId).inserted && storedMessageIds.contains(m.messageId) {
                stored += 1
            }
        }
        var result = IngestResult(stored: stored, duplicates: messages.count - stored - dropped, createdProfiles: createdProfiles,
                                  merges: merges)
        result.storedMessageIds = storedMessageIds.intersection(seen)
        result.dropped = dropped
        result.droppedMessageIds = droppedMessageIds.intersection(messages.map(\.messageId))
        return result
    }

    public static func == (a: IngestResult, b: IngestResult) -> Bool {
        a.stored == b.stored && a.duplicates == b.duplicates && a.createdProfiles == b.createdProfiles && a.merges == b.merges
            && a.dropped == b.dropped
    }

    public static func + (a: IngestResult, b: IngestResult) -> IngestResult {
        var sum = IngestResult(stored: a.stored + b.stored, duplicates: a.duplicates + b.duplicates,
                               createdProfiles: a.createdProfiles + b.createdProfiles, merges: a.merges + b.merges)
        sum.storedMessageIds = a.storedMessageIds.union(b.storedMessageIds)
        sum.dropped = a.dropped + b.dropped
        sum.droppedMessageIds = a.droppedMessageIds.union(b.droppedMessageIds)
        return sum
    }
}
