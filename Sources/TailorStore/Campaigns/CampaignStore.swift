public import Foundation
public import TailorCore

/// Campaigns, their audience snapshots and what became of each recipient (docs/CAMPAIGNS.md).
///
/// Each requirement is one transaction. The workflow that strings them together (the lifecycle, who is
/// eligible, rendering) is the engine's `CampaignService`; the store makes each step atomic, so a crash
/// between two steps leaves a campaign that the next run picks up where it stopped.
public protocol CampaignStore: Sendable {
    /// Stores a new campaign. Returns false, changing nothing, when one of that id exists.
    func insertCampaign(_ campaign: Campaign) async throws -> Bool
    /// By id or by name.
    func campaign(_ idOrName: String) async throws -> Campaign?
    /// Every campaign, newest first.
    func campaigns() async throws -> [Campaign]

    /// Moves a campaign to `to` if its state is one of `from` (compare and set), recording `scheduledAt`
    /// when given. Returns false when the state was not one of `from` (another process moved it first).
    func moveCampaign(_ id: String, from: Set<CampaignState>, to: CampaignState, scheduledAt: Date?, at now: Date) async throws -> Bool

    /// Starts sending, once: if the state is one of `from`, moves it to `sending` and records the audience
    /// snapshot (the live members of any of `include`, minus those of any of `exclude`) as pending
    /// recipients, all in one transaction. Returns the audience size, or nil when the state was not one of
    /// `from` (nothing changed).
    func startCampaign(_ id: String, from: Set<CampaignState>, include: [String], exclude: [String], at now: Date) async throws -> Int?

    /// A page of recipients still pending, in profile id order after `after`. Recipients waiting for an
    /// experiment's decision (phase `rest`, no variant yet) are left out until it gives them one.
    func pendingRecipients(of campaign: String, after: ProfileID?, limit: Int) async throws -> [ProfileID]

    /// Records, in one transaction, what became of some pending recipients and queues their messages:
    /// a recipient no longer pending is left alone, and a message whose idempotency key is queued
    /// already is not queued again. Returns how many messages were queued.
    func recordRecipients(of campaign: String, _ outcomes: [RecipientOutcome], messages: [OutboxMessage], at now: Date) async throws -> Int

    /// Withdraws a cancelled campaign's work: pending recipients become `cancelled`, and its queued
    /// messages (not those a worker holds) are removed from the outbox. Returns how many messages were withdrawn.
    func withdrawCampaign(_ id: String, at now: Date) async throws -> Int

    /// Recipients by status and skip reason, and the campaign's outbox messages by state.
    func campaignCounts(_ id: String) async throws -> CampaignCounts

    /// Every recipient of a campaign (or those of one phase of its experiment), in profile id order.
    func campaignRecipients(of campaign: String, phase: RecipientPhase?) async throws -> [CampaignRecipient]

    /// The state of a campaign's experiment, once it was first checked.
    func experimentRecord(of campaign: String) async throws -> ExperimentRecord?

    /// Records a check of an experiment that is not decided (`testing` or `blocked`) with its analysis. Returns
    /// false, changing nothing, once the experiment is decided or stopped.
    func recordExperimentCheck(_ campaign: String, state: ExperimentState, analysis: JSONObject, at now: Date) async throws -> Bool

    /// Decides an experiment, once (compare and set: only from no record, `testing` or `blocked`), and in the
    /// same transaction gives the recipients waiting for it (phase `rest`, still pending) the winner, or, when
    /// `state` is `stopped`, skips them (`experiment_stopped`). Returns false when it was decided already.
    func decideExperiment(_ campaign: String, state: ExperimentState, winner: String?, analysis: JSONObject, at now: Date) async throws -> Bool

    /// How many marketing messages (of campaigns that are not transactional) each profile was queued
    /// since a time: the frequency cap's count.
    func marketingMessages(to profiles: [ProfileID], since: Date) async throws -> [ProfileID: Int]
}

/// A campaign's lifecycle states (see `CampaignLifecycle` in the engine for the moves between them).
public enum CampaignState: String, Sendable, Hashable, CaseIterable {
    case draft, scheduled, sending, paused, sent, cancelled

    /// No move leaves these.
    public var isFinal: Bool { self == .sent || self == .cancelled }
}

/// When each recipient's email is due.
public enum SendTime: String, Sendable, Hashable, CaseIterable {
    /// As soon as it is queued.
    case now
    /// At the hour of day the recipient most often opens, within the next 24 hours.
    case optimal
}

/// An email to the members of some segments.
public struct Campaign: Sendable, Hashable {
    /// A slug of the name: part of every idempotency key and tracking event (`campaign_id`).
    public var id: String
    public var name: String
    /// The stored template's name.
    public var template: String
    /// Segment ids: members of any are in the audience…
    public var segments: [String]
    /// …unless they are members of any of these.
    public var excluded: [String]
    /// Transactional mail ignores the frequency cap and quiet hours.
    public var transactional: Bool
    /// When sending starts (scheduled campaigns).
    public var scheduledAt: Date?
    /// At most this many messages a second across every sending process; nil for no limit.
    public var ratePerSecond: Int?
    public var sendTime: SendTime
    public var state: CampaignState
    /// Variants, a holdout and a test phase; nil for one email to everyone.
    public var experiment: CampaignExperiment?
    /// The snapshot's size, once sending started.
    public var audience: Int?
    public var createdAt: Date
    public var updatedAt: Date
    public var startedAt: Date?
    public var finishedAt: Date?

    public init(id: String, name: String, template: String, segments: [String], excluded: [String] = [], transactional: Bool = false,
                scheduledAt: Date? = nil, ratePerSecond: Int? = nil, sendTime: SendTime = .now, state: CampaignState = .draft,
                audience: Int? = nil, createdAt: Date, updatedAt: Date? = nil, startedAt: Date? = nil, finishedAt: Date? = nil,
                experiment: CampaignExperiment? = nil) {
        self.id = id
        self.name = name
        self.template = template
        self.segments = segments
        self.excluded = excluded
        self.transactional = transactional
        self.scheduledAt = scheduledAt
        self.ratePerSecond = ratePerSecond
        self.sendTime = sendTime
        self.state = state
        self.experiment = experiment
        self.audience = audience
        self.createdAt = createdAt
        self.updatedAt = updatedAt ?? createdAt
        self.startedAt = startedAt
        self.finishedAt = finishedAt
    }
}

/// What became of one recipient.
public struct RecipientOutcome: Sendable, Hashable {
    public enum Status: Sendable, Hashable {
        /// Its message is in the outbox.
        case queued
        /// Not sent, for a reason (`no_email`, `suppressed`, `unsubscribed`, `frequency_cap`, `no_consent`, `render_failed`,
        /// `held_out`).
        case skipped(String)
        /// Still pending: waits for the experiment's decision (phase `rest`).
        case waiting
    }

    public var profileID: ProfileID
    public var status: Status
    /// The experiment's variant (or `holdout`); nil without an experiment, or while waiting.
    public var variant: String?
    public var phase: RecipientPhase?

    public init(_ profileID: ProfileID, _ status: Status, variant: String? = nil, phase: RecipientPhase? = nil) {
        self.profileID = profileID
        self.status = status
        self.variant = variant
        self.phase = phase
    }
}

/// Which part of an experiment's audience a recipient is in, when the experiment has a test phase.
public enum RecipientPhase: String, Sendable, Hashable, CaseIterable {
    /// Gets a variant at once.
    case test
    /// Waits for the decision, then gets the winner (or nothing when the experiment stops).
    case rest
}

/// A recipient of a campaign as recorded.
public struct CampaignRecipient: Sendable, Hashable {
    public var profileID: ProfileID
    /// `pending`, `queued`, `skipped` or `cancelled`.
    public var status: String
    public var reason: String?
    public var variant: String?
    public var phase: RecipientPhase?
    /// The campaign's included segments the profile was a member of when the audience snapshot was taken.
    public var segments: [String]
    /// When its outcome was recorded (the snapshot's time while pending).
    public var updatedAt: Date

    public init(profileID: ProfileID, status: String, reason: String?, variant: String?, phase: RecipientPhase?, segments: [String],
                updatedAt: Date) {
        self.profileID = profileID
        self.status = status
        self.reason = reason
        self.variant = variant
        self.phase = phase
        self.segments = segments
        self.updatedAt = updatedAt
    }
}

/// Recipients of one variant, phase and status.
public struct VariantCount: Sendable, Hashable {
    /// nil: not assigned yet (waiting for the decision).
    public var variant: String?
    public var phase: RecipientPhase?
    public var status: String
    public var count: Int

    public init(variant: String?, phase: RecipientPhase?, status: String, count: Int) {
        self.variant = variant
        self.phase = phase
        self.status = status
        self.count = count
    }
}

/// Where a campaign's experiment stands.
public enum ExperimentState: String, Sendable, Hashable, CaseIterable {
    /// The test phase runs: no winner yet.
    case testing
    /// The sample-ratio check failed: no winner is sent until someone decides.
    case blocked
    /// A winner goes to the rest.
    case decided
    /// The test's time ended without a winner and the experiment says stop: the rest gets nothing.
    case stopped

    public var isFinal: Bool { self == .decided || self == .stopped }
}

/// A campaign experiment's stored state and the analysis behind it (its statistics and their inputs).
public struct ExperimentRecord: Sendable, Hashable {
    public var state: ExperimentState
    public var winner: String?
    public var checkedAt: Date
    public var decidedAt: Date?
    public var analysis: JSONObject

    public init(state: ExperimentState, winner: String?, checkedAt: Date, decidedAt: Date?, analysis: JSONObject) {
        self.state = state
        self.winner = winner
        self.checkedAt = checkedAt
        self.decidedAt = decidedAt
        self.analysis = analysis
    }
}

/// A campaign's progress.
public struct CampaignCounts: Sendable, Hashable {
    /// Recipients in the snapshot.
    public var audience: Int = 0
    /// Recipients not handled yet.
    public var pending: Int = 0
    /// Recipients withdrawn by a cancel.
    public var cancelled: Int = 0
    /// Recipients skipped, by reason.
    public var skipped: [String: Int] = [:]
    /// The campaign's outbox messages by state.
    public var outbox: [OutboxStatus: Int] = [:]
    /// Recipients by variant, phase and status (campaigns with an experiment).
    public var variants: [VariantCount] = []
    /// Of the `suppressed` ones, those held back at delivery for lack of consent (outbox detail `no_consent`).
    public var heldForConsent = 0

    public init() {}
}
