public import Foundation

/// What retention needs of the event log (docs/PRIVACY.md, "Retention"): counting and deleting the events of one
/// name older than a time, a small batch per transaction so that ingest never waits long for the writer.
/// Profile aggregates (order count, revenue, RFM inputs, computed state) live in the profile rows and are not
/// touched.
public protocol EventRetentionStore: Sendable {
    /// How many stored events have this name (the event of a track, the name of a page or screen, else the
    /// call type) and a timestamp before `before`.
    func eventCount(named name: String, before: Date) async throws -> Int
    /// Deletes up to `limit` of those events, oldest first, in one transaction; returns how many.
    func purgeEvents(named name: String, before: Date, limit: Int) async throws -> Int
}
