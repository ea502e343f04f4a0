public import Foundation
public import TailorCore
public import TailorStore

/// Campaigns: created against a stored template and segments, moved through their lifecycle
/// (``CampaignLifecycle``), sent (``send(_:settings:progress:)``) and reported on (``status(_:)``).
///
/// Every move is the store's compare-and-set, so a CLI and a server (or two servers) acting on one
/// campaign at once never both win; the loser gets the refusal naming the state it found.
public struct CampaignService: Sendable {
    public let stores: Stores
    public let clock: any WallClock

    public init(stores: Stores, clock: any WallClock = SystemClock()) {
        self.stores = stores
        self.clock = clock
    }

    /// What a new campaign is made of.
    public struct Draft: Sendable {
        public var name: String
        public var template: String
        /// Segment ids or names.
        public var segments: [String]
        public var excluded: [String]
        public var transactional: Bool
        public var scheduledAt: Date?
        public var ratePerSecond: Int?
        public var sendTime: SendTime
        /// Variants, a holdout, a test phase (docs/EXPERIMENTS.md).
        public var experiment: CampaignExperiment?

        public init(name: String, template: String, segments: [String], excluded: [String] = [], transactional: Bool = false,
                    scheduledAt: Date? = nil, ratePerSecond: Int? = nil, sendTime: SendTime = .now, experiment: CampaignExperiment? = nil) {
            self.experiment = experiment
            self.name = name
            self.template = template
            self.segments = segments
            self.excluded = excluded
            self.transactional = transactional
            self.scheduledAt = scheduledAt
            self.ratePerSecond = ratePerSecond
            self.sendTime = sendTime
        }
    }

    /// A campaign with its progress.
    public struct Status: Sendable {
        public var campaign: Campaign
        public var counts: CampaignCounts
        /// The experiment's state and the analysis behind it, once checked.
        public var experiment: ExperimentRecord?

        /// Recipients whose message waits in the outbox or is being sent.
        public var queued: Int { (counts.outbox[.queued] ?? 0) + (counts.outbox[.sending] ?? 0) }
        public var sent: Int { counts.outbox[.sent] ?? 0 }
        public var failed: Int { counts.outbox[.failed] ?? 0 }
        /// Skips by reason, those the outbox held back at delivery (suppressed, or consent withdrawn) included.
        public var skipped: [String: Int] {
            var out = counts.skipped
            let suppressed = (counts.outbox[.suppressed] ?? 0) - counts.heldForConsent
            if suppressed > 0 { out["suppressed", default: 0] += suppressed }
            if counts.heldForConsent > 0 { out["no_consent", default: 0] += counts.heldForConsent }
            if counts.cancelled > 0 { out["cancelled", default: 0] += counts.cancelled }
            return out
        }

        /// Recipients per variant (the holdout's included) and per status: `{variant: {status: n}}`, with
        /// `waiting` for those of the rest still waiting for the decision.
        public var assignment: [String: [String: Int]] {
            var out: [String: [String: Int]] = [:]
            for v in counts.variants {
                if let name = v.variant {
                    out[name, default: [:]][v.status, default: 0] += v.count
                } else if v.status == "pending" {
                    out["waiting", default: [:]]["pending", default: 0] += v.count
                }
            }
            return out
        }

        /// `{"state", "audience", "queued", "sent", "failed", "skipped": {reason: n}}` and the campaign's settings;
        /// with an experiment, `experiment`: its design, the assignment counts and its state.
        public var json: JSONObject {
            var skippedJSON: JSONObject = [:]
            for (reason, n) in skipped { skippedJSON[reason] = .number(Double(n)) }
            var out: JSONObject = [
                "id": .string(campaign.id), "name": .string(campaign.name), "template": .string(campaign.template),
                "segments": .array(campaign.segments.map { .string($0) }), "excluded": .array(campaign.excluded.map { .string($0) }),
                "transactional": .bool(campaign.transactional),
                "scheduled_at": campaign.scheduledAt.map { .string(ISO8601.format($0)) } ?? .null,
                "started_at": campaign.startedAt.map { .string(ISO8601.format($0)) } ?? .null,
                "finished_at": campaign.finishedAt.map { .string(ISO8601.format($0)) } ?? .null,
                "state": .string(campaign.state.rawValue), "audience": .number(Double(campaign.audience ?? counts.audience)),
                "pending": .number(Double(counts.pending)), "queued": .number(Double(queued)), "sent": .number(Double(sent)),
                "failed": .number(Double(failed)), "skipped": .object(skippedJSON),
            ]
            if let design = campaign.experiment {
                var e = design.json
                var assigned: JSONObject = [:]
                for (variant, statuses) in assignment {
                    assigned[variant] = .object(statuses.mapValues { .number(Double($0)) })
                }
                e["assignment"] = .object(assigned)
                e["state"] = .string(experiment?.state.rawValue ?? (design.test == nil ? "none" : "testing"))
                e["winner"] = experiment?.winner.map { .string($0) } ?? .null
                e["checked_at"] = experiment.map { .string(ISO8601.format($0.checkedAt)) } ?? .null
                e["decided_at"] = experiment?.decidedAt.map { .string(ISO8601.format($0)) } ?? .null
                e["analysis"] = experiment.map { .object($0.analysis) } ?? .null
                out["experiment"] = .object(e)
            }
            return out
        }
    }

    // MARK: - Creating and reading

    /// Checks and stores a campaign: in `scheduled` when it has a time, else a `draft`.
    /// - Throws: ``RequestError``: `.invalid` (naming the field), `.notFound` (template, segment), `.exists`.
    @discardableResult
    public func create(_ draft: Draft) async throws -> Campaign {
        let name = draft.name.trimmingCharacters(in: .whitespaces)
        let id = SegmentDefinition.slug(name)
        guard !name.isEmpty, !id.isEmpty, name.count <= 200 else {
            throw RequestError(.invalid, "a campaign needs a name of 1 to 200 characters with a letter or digit", field: "name")
        }
        guard let template = try await stores.templates.template(named: draft.template) else {
            throw RequestError(.notFound, "no template named \(draft.template)", field: "template")
        }
        guard template.kind == .email else {
            throw RequestError(.invalid, "template \(template.name) is a \(template.kind.rawValue), not an email", field: "template")
        }
        guard !draft.segments.isEmpty else { throw RequestError(.invalid, "a campaign needs at least one segment", field: "segments") }
        let segments = try await resolve(draft.segments, field: "segments")
        let excluded = try await resolve(draft.excluded, field: "excluded")
        if let rate = draft.ratePerSecond, rate < 1 {
            throw RequestError(.invalid, "the rate is a whole number of emails a second, 1 or more", field: "rate")
        }
        if let experiment = draft.experiment { try await check(experiment) }
        let now = clock.now()
        let campaign = Campaign(id: id, name: name, template: template.name, segments: segments, excluded: excluded,
                                transactional: draft.transactional, scheduledAt: draft.scheduledAt, ratePerSecond: draft.ratePerSecond,
                                sendTime: draft.sendTime, state: draft.scheduledAt == nil ? .draft : .scheduled, createdAt: now,
                                experiment: draft.experiment)
        guard try await stores.campaigns.insertCampaign(campaign) else {
            throw RequestError(.exists, "a campaign named \(name) (id \(id)) exists")
        }
        return campaign
    }

    /// Segment ids for ids or names, in order, without repeats.
    func resolve(_ names: [String], field: String) async throws -> [String] {
        var ids: [String] = []
        for (i, name) in names.enumerated() {
            guard let segment = try await stores.segments.segment(name) else {
                throw RequestError(.notFound, "no segment named \(name)", field: "\(field)[\(i)]")
            }
            if !ids.contains(segment.id) { ids.append(segment.id) }
        }
        return ids
    }

    public func campaign(_ idOrName: String) async throws -> Campaign {
        guard let c = try await stores.campaigns.campaign(idOrName) else { throw RequestError(.notFound, "no campaign named \(idOrName)") }
        return c
    }

    public func list() async throws -> [Campaign] { try await stores.campaigns.campaigns() }

    /// The campaign and its counts; a campaign whose every recipient is handled and whose every message
    /// left the outbox is marked `sent` on the way.
    public func status(_ idOrName: String) async throws -> Status {
        var c = try await campaign(idOrName)
        var counts = try await stores.campaigns.campaignCounts(c.id)
        if c.state == .sending, counts.pending == 0, (counts.outbox[.queued] ?? 0) + (counts.outbox[.sending] ?? 0) == 0,
           try await stores.campaigns.moveCampaign(c.id, from: CampaignLifecycle.sources(of: .finish), to: .sent, scheduledAt: nil,
                                                   at: clock.now()) {
            c = try await campaign(c.id)
            counts = try await stores.campaigns.campaignCounts(c.id)
        }
        let record = c.experiment?.test == nil ? nil : try await stores.campaigns.experimentRecord(of: c.id)
        return Status(campaign: c, counts: counts, experiment: record)
    }

    // MARK: - Moves

    /// Schedules a draft (or moves a scheduled campaign) to a time.
    public func schedule(_ idOrName: String, at date: Date) async throws -> Campaign {
        try await move(idOrName, .schedule, scheduledAt: date)
    }

    /// Holds a scheduled or sending campaign: nothing more is queued, and its queued messages wait.
    public func pause(_ idOrName: String) async throws -> Campaign { try await move(idOrName, .pause) }

    /// Sending (or the schedule) goes on where it stopped.
    public func resume(_ idOrName: String) async throws -> Campaign {
        let c = try await campaign(idOrName)
        guard CampaignLifecycle.allows(.resume, from: c.state) else { throw CampaignLifecycle.refusal(.resume, campaign: c.id, state: c.state) }
        let target = CampaignLifecycle.target(of: .resume, startedBefore: c.startedAt != nil)
        guard try await stores.campaigns.moveCampaign(c.id, from: CampaignLifecycle.sources(of: .resume), to: target, scheduledAt: nil,
                                                      at: clock.now()) else {
            throw CampaignLifecycle.refusal(.resume, campaign: c.id, state: try await campaign(c.id).state)
        }
        return try await campaign(c.id)
    }

    /// Stops a campaign for good: pending recipients and queued messages are withdrawn; a message a
    /// worker already holds may still leave.
    public func cancel(_ idOrName: String) async throws -> Campaign {
        let c = try await move(idOrName, .cancel)
        _ = try await stores.campaigns.withdrawCampaign(c.id, at: clock.now())
        return c
    }

    func move(_ idOrName: String, _ move: CampaignLifecycle.Move, scheduledAt: Date? = nil) async throws -> Campaign {
        let c = try await campaign(idOrName)
        guard CampaignLifecycle.allows(move, from: c.state) else { throw CampaignLifecycle.refusal(move, campaign: c.id, state: c.state) }
        guard try await stores.campaigns.moveCampaign(c.id, from: CampaignLifecycle.sources(of: move), to: CampaignLifecycle.target(of: move),
                                                      scheduledAt: scheduledAt, at: clock.now()) else {
            throw CampaignLifecycle.refusal(move, campaign: c.id, state: try await campaign(c.id).state)
        }
        return try await campaign(c.id)
    }
}
