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

    /// A page of recipients still pending, in profile id order after `after`.
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
    /// The snapshot's size, once sending started.
    public var audience: Int?
    public var createdAt: Date
    public var updatedAt: Date
    public var startedAt: Date?
    public var finishedAt: Date?

    public init(id: String, name: String, template: String, segments: [String], excluded: [String] = [], transactional: Bool = false,
                scheduledAt: Date? = nil, ratePerSecond: Int? = nil, sendTime: SendTime = .now, state: CampaignState = .draft,
                audience: Int? = nil, createdAt: Date, updatedAt: Date? = nil, startedAt: Date? = nil, finishedAt: Date? = nil) {
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
        /// Not sent, for a reason (`no_email`, `suppressed`, `unsubscribed`, `frequency_cap`, `no_consent`, `render_failed`).
        case skipped(String)
    }

    public var profileID: ProfileID
    public var status: Status

    public init(_ profileID: ProfileID, _ status: Status) {
        self.profileID = profileID
        self.status = status
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
    /// Of the `suppressed` ones, those held back at delivery for lack of consent (outbox detail `no_consent`).
    public var heldForConsent = 0

    public init() {}
}
