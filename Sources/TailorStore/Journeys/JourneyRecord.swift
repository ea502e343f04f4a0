public import Foundation
public import TailorCore

/// Whether a journey takes new runs and moves its runs on.
public enum JourneyState: String, Sendable, Hashable, CaseIterable {
    /// Triggers start runs; due steps run.
    case active
    /// Nothing starts and nothing moves; runs keep their place and go on at `resume` (steps that came due
    /// meanwhile run then).
    case paused
    /// Ended for good: no new runs; its active runs are ended with the reason `archived`.
    case archived
}

/// A stored journey.
public struct JourneyRecord: Sendable, Hashable {
    public var definition: JourneyDefinition
    public var state: JourneyState
    public var createdAt: Date
    public var updatedAt: Date

    public var id: String { definition.id }
    public var name: String { definition.name }

    public init(definition: JourneyDefinition, state: JourneyState = .active, createdAt: Date, updatedAt: Date) {
        self.definition = definition
        self.state = state
        self.createdAt = createdAt
        self.updatedAt = updatedAt
    }
}

/// Where a run is.
public enum JourneyRunState: String, Sendable, Hashable, CaseIterable {
    case active, completed, exited
}

/// One profile's way through a journey.
public struct JourneyRun: Sendable, Hashable {
    public var id: Int64
    public var journey: String
    public var profile: ProfileID
    /// What the run is kept per besides the profile (empty, or the trigger's key property).
    public var key: String
    public var state: JourneyRunState
    /// The index of the step it waits to run; `steps.count` once done.
    public var step: Int
    /// When that step runs (nil once ended).
    public var dueAt: Date?
    public var enteredAt: Date
    /// The message id of the event that started it.
    public var triggerMessage: String?
    public var exitReason: String?
    /// At a `wait_for` step: when its timeout ends (nil until the run has started waiting there).
    public var deadlineAt: Date?

    public init(id: Int64, journey: String, profile: ProfileID, key: String, state: JourneyRunState, step: Int, dueAt: Date?,
                enteredAt: Date, triggerMessage: String?, exitReason: String?, deadlineAt: Date? = nil) {
        self.deadlineAt = deadlineAt
        self.id = id
        self.journey = journey
        self.profile = profile
        self.key = key
        self.state = state
        self.step = step
        self.dueAt = dueAt
        self.enteredAt = enteredAt
        self.triggerMessage = triggerMessage
        self.exitReason = exitReason
    }
}

/// A run moved on from one step: to another with its due time, or ended.
public struct JourneyMove: Sendable, Hashable {
    public var run: Int64
    /// The step the run must still be at (compare-and-set: a run that moved or ended meanwhile is left alone).
    public var from: Int
    public var to: Int
    public var dueAt: Date?
    /// Set when the run ends with this move (`completed`, or `exited` with a reason).
    public var endState: JourneyRunState?
    public var endReason: String?
    /// The timeout of the `wait_for` step the run is at after the move (nil elsewhere).
    public var deadlineAt: Date?
    /// When set, the move applies only if the run is still due at this time (a run whose due time an event
    /// changed meanwhile is looked at again instead).
    public var expectedDue: Date?
    /// The path a split took, or how a wait ended (`event`, `condition`, `timeout`), for its step event.
    public var outcome: String?

    public init(run: Int64, from: Int, to: Int, dueAt: Date?, endState: JourneyRunState? = nil, endReason: String? = nil,
                deadlineAt: Date? = nil, expectedDue: Date? = nil, outcome: String? = nil) {
        self.deadlineAt = deadlineAt
        self.expectedDue = expectedDue
        self.outcome = outcome
        self.run = run
        self.from = from
        self.to = to
        self.dueAt = dueAt
        self.endState = endState
        self.endReason = endReason
    }
}

/// What a run's move does besides moving it, made only if it moves.
public struct JourneyEffects: Sendable {
    public var mail: [OutboxMessage] = []
    public var webhooks: [WebhookCall] = []
    /// Events for the run's profile (`Journey Step Completed`, `Journey Exited`, traits set), recorded as pending.
    public var events: [(profile: ProfileID, message: Message)] = []

    public init(mail: [OutboxMessage] = [], webhooks: [WebhookCall] = [], events: [(profile: ProfileID, message: Message)] = []) {
        self.mail = mail
        self.webhooks = webhooks
        self.events = events
    }
}

/// A journey's runs counted: those waiting at each step, and those ended by how.
public struct JourneyCounts: Sendable, Hashable {
    public var activeAtStep: [Int: Int] = [:]
    public var completed = 0
    public var exited: [String: Int] = [:]

    public init() {}
}

/// How both adapters store a journey's definition and read it back.
package enum JourneyRecordCoding {
    package static func record(id: String, name: String, definition: String, state: String, createdAt: Int64, updatedAt: Int64) throws -> JourneyRecord {
        guard let state = JourneyState(rawValue: state), let json = try? JSONParser.parse(definition),
              let parsed = try? JourneyDefinition(json: json, id: id, name: name) else {
            throw StoreError(.corruptRow, "journey \(id): unreadable definition or state")
        }
        return JourneyRecord(definition: parsed, state: state, createdAt: Date(millisecondsSince1970: createdAt),
                             updatedAt: Date(millisecondsSince1970: updatedAt))
    }

    package static func run(id: Int64, journey: String, profile: String, key: String, state: String, step: Int64, dueAt: Int64?,
                            enteredAt: Int64, triggerMessage: String?, exitReason: String?, deadlineAt: Int64?) throws -> JourneyRun {
        guard let state = JourneyRunState(rawValue: state) else { throw StoreError(.corruptRow, "journey run \(id): unknown state") }
        return JourneyRun(id: id, journey: journey, profile: ProfileID(profile), key: key, state: state, step: Int(step),
                          dueAt: dueAt.map(Date.init(millisecondsSince1970:)), enteredAt: Date(millisecondsSince1970: enteredAt),
                          triggerMessage: triggerMessage, exitReason: exitReason, deadlineAt: deadlineAt.map(Date.init(millisecondsSince1970:)))
    }

    package static let runColumns = "id, journey_id, profile_id, run_key, state, step, due_at, entered_at, trigger_message, exit_reason, deadline_at"
}
