public import Foundation
public import TailorCore

/// Work that runs inside the transaction that stores events, after they are stored and segment memberships
/// have followed them: journey triggers, consent captured from messages, report counters, outgoing webhooks.
///
/// A step is written once, for both backends, as a pure machine (``EventStepRun``) that asks its adapter to
/// read and write in portable SQL (``StepSQL``); each adapter has one driver that answers it inside its
/// transaction. Steps run, in the order they were installed (``EventStepRegistry``), for every way an event
/// enters: ingest and imports, the events Tailor appends itself (sends, opens, clicks, unsubscribes), and
/// the `Segment Entered`/`Segment Exited` events that ingest, timers, re-evaluation and segment edits write.
/// A step that throws rolls the whole transaction back, events included, so what it keeps is exactly as
/// durable as the events it was given.
public protocol EventStep: Sendable {
    /// A short name, for errors and metrics.
    var name: String { get }
    /// The machine that handles one transaction's events, or nil when none of them concerns this step (the
    /// common case: it costs the transaction nothing more).
    func start(_ input: EventStepInput) -> (any EventStepRun)?
}

/// One run of a step inside one transaction: asked for its next action with the rows its last read
/// returned (empty at the start and after a write).
public protocol EventStepRun: Sendable {
    mutating func next(_ rows: [StepRow]) throws -> StepAction
}

/// What a step's run asks of its transaction.
public enum StepAction: Sendable {
    /// Run a query; its rows are the argument of the next call.
    case read(StepSQL)
    /// Run statements in order.
    case write([StepSQL])
    /// Nothing more.
    case done
}

/// One stored event as a step sees it: the profile it was stored on (after identity resolution and merges)
/// and the message.
public struct StepEvent: Sendable {
    public var profile: ProfileID
    public var message: Message

    public init(profile: ProfileID, message: Message) {
        self.profile = profile
        self.message = message
    }
}

/// What one transaction stored, in the order it stored it: the new events (messages stored before, by
/// `messageId`, are not repeated), then the segment entries and exits that followed.
public struct EventStepInput: Sendable {
    public var events: [StepEvent]
    /// The transaction's clock (the segment clock: tests move it).
    public var now: Date

    /// The input of a transaction that stored `events` and made `changes` to memberships.
    public init(events: [(profile: ProfileID, message: Message)], changes: [MembershipChange], now: Date) {
        self.events = events.map { StepEvent(profile: $0.profile, message: $0.message) }
            + changes.map { StepEvent(profile: $0.profile, message: $0.message) }
        self.now = now
    }
}
