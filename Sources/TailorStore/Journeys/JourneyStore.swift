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
    /// Active runs of active journeys whose step is due at `now`, earliest first. On PostgreSQL the page is
    /// claimed for a short lease (`FOR UPDATE SKIP LOCKED`): other servers take other runs meanwhile, and a
    /// server that dies leaves its page to the others when the lease ends. A move ends its run's claim.
    func dueJourneyRuns(at now: Date, limit: Int) async throws -> [JourneyRun]
    /// The earliest due time of an active run of an active journey.
    func nextJourneyDue() async throws -> Date?
    /// Moves runs on and, for each run that moved, makes its effects (queues its mail and webhook calls,
    /// records its events as pending events on its profile), in one transaction. A move applies only if its run
    /// is still active at `move.from` (and, when the move says so, still due when it was read); returns the
    /// runs that moved (a run a goal ended, or another runner moved, is left alone: no mail, no event).
    func advanceJourneyRuns(_ moves: [JourneyMove], effects: [Int64: JourneyEffects], at now: Date) async throws -> Set<Int64>
    /// The keys of journey emails (queued, sending or sent) to these profiles created after `since`: what a
    /// frequency cap counts besides campaigns' marketing emails (the engine tells marketing ones apart).
    func journeyMessageKeys(to profiles: [ProfileID], since: Date) async throws -> [ProfileID: [String]]
    /// Calls `changed` with the earliest due time whenever a transaction of any process starts or moves
    /// journey runs, until cancelled: several servers on one PostgreSQL wake each other this way
    /// (`LISTEN/NOTIFY`). On SQLite, where one process writes, it only waits (the trigger step tells its own
    /// runner directly).
    func watchJourneyRuns(_ changed: @escaping @Sendable (Date) -> Void) async throws
    func journeyRuns(of profile: ProfileID) async throws -> [JourneyRun]
    func journeyCounts(_ journey: String) async throws -> JourneyCounts
}
