public import TailorCore

/// Events whose profile is already known (Tailor's own: `Email Sent`, `Email Opened`, `Unsubscribed`, …),
/// appended without identity resolution.
public protocol ProfileEventAppender: Sendable {
    /// Stores the events on their profiles (following merges to the survivor) and updates each profile's
    /// computed state as ingest does, in one transaction. Events whose `messageId` is stored already are
    /// skipped, so appending the same events twice (a retry after a crash) stores them once; events of
    /// profiles that do not exist are dropped. Segment memberships follow in the same transaction, as on ingest.
    func appendEvents(_ events: [(profile: ProfileID, message: Message)]) async throws -> IngestResult
}
