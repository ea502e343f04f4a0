public import Foundation
public import TailorCore

/// Journeys and their runs (docs/JOURNEYS.md). Runs start in the transaction that stores their trigger (an
/// event step, `JourneyTriggerStep`); this port moves them on.
public protocol JourneyStore: Sendable {
    /// Stores a journey, replacing the definition of one with its id.
    func saveJourney(_ record: JourneyRecord) async throws
    func journeys() async throws -> [JourneyRecord]
    /// Sets a journey's state; archiving also ends its active runs (`archived`). Returns whether it exists.
    @discardableResult func setJourneyState(_ id: String, _ state: JourneyState, at now: Date) async throws -> Bool
    /// Active runs of active journeys whose step is due at `now`, earliest first.
    func dueJourneyRuns(at now: Date, limit: Int) async throws -> [JourneyRun]
    /// The earliest due time of an active run of an active journey.
    func nextJourneyDue() async throws -> Date?
    /// Moves runs on, queues their `mail` and records their `events` (on the run's profile) as pending events,
    /// both by run id, in one
    /// transaction, each only if its run is still active at `move.from`; returns the runs that moved (a run
    /// that a goal ended, or that another runner moved, is left alone: no mail, no event).
    func advanceJourneyRuns(_ moves: [JourneyMove], mail: [Int64: [OutboxMessage]], events: [Int64: [(profile: ProfileID, message: Message)]],
                            at now: Date) async throws
        -> Set<Int64>
    func journeyRuns(of profile: ProfileID) async throws -> [JourneyRun]
    func journeyCounts(_ journey: String) async throws -> JourneyCounts
}
