public import Foundation
import Synchronization
public import TailorCore
public import TailorStore

/// A database that holds every `ingest` until the test opens the gate: for testing back-pressure and
/// what callers see while a write is in flight. Everything else goes straight to the wrapped database.
public final class GatedDatabase: TailorDatabase {
    let base: any TailorDatabase
    let state = Mutex<(open: Bool, waiters: [CheckedContinuation<Void, Never>], entered: Int)>((false, [], 0))

    public init(_ base: any TailorDatabase) { self.base = base }

    /// How many ingest calls have reached the gate.
    public var entered: Int { state.withLock { $0.entered } }

    public func open() {
        let waiters = state.withLock { s in
            s.open = true
            defer { s.waiters = [] }
            return s.waiters
        }
        for w in waiters { w.resume() }
    }

    public func ingest(_ messages: [Message], planner: IngestPlanner) async throws -> IngestResult {
        await withCheckedContinuation { (c: CheckedContinuation<Void, Never>) in
            let pass = state.withLock { s -> Bool in
                s.entered += 1
                if s.open { return true }
                s.waiters.append(c)
                return false
            }
            if pass { c.resume() }
        }
        return try await base.ingest(messages, planner: planner)
    }

    public func events(of profile: ProfileID, before: Int64?, limit: Int) async throws -> [StoredEvent] {
        try await base.events(of: profile, before: before, limit: limit)
    }
    public func rebuildProfiles(progress: (@Sendable (Int, Int) -> Void)?) async throws -> Int { try await base.rebuildProfiles(progress: progress) }
    public func profile(_ reference: ProfileReference) async throws -> ProfileView? { try await base.profile(reference) }
    public func aggregate(_ id: ProfileID) async throws -> ProfileAggregate? { try await base.aggregate(id) }
    public func merges(into profile: ProfileID) async throws -> [MergeRecord] { try await base.merges(into: profile) }
    public func profileIDs(after: ProfileID?, limit: Int) async throws -> [ProfileID] { try await base.profileIDs(after: after, limit: limit) }
    public func upsertProducts(_ products: [Product]) async throws { try await base.upsertProducts(products) }
    public func products() async throws -> [Product] { try await base.products() }
    public func product(id: String) async throws -> Product? { try await base.product(id: id) }
    public func migrate() async throws -> [String] { try await base.migrate() }
    public func counts() async throws -> StoreCounts { try await base.counts() }
    public func close() async throws { try await base.close() }

    // Segments: straight through.
    public func useSegmentClock(_ clock: any WallClock) { base.useSegmentClock(clock) }
    public func segments() async throws -> [SegmentDefinition] { try await base.segments() }
    public func segment(_ idOrName: String) async throws -> SegmentDefinition? { try await base.segment(idOrName) }
    public var segmentPolicy: PersonalDataPolicy { base.segmentPolicy }
    public func editSegments(at now: Date, _ plan: @escaping @Sendable ([SegmentDefinition]) throws -> SegmentEdit) async throws -> SegmentEdit {
        try await base.editSegments(at: now, plan)
    }
    public func evaluateMemberships(_ selection: MembershipSelection, now: Date,
                                    plan: @escaping @Sendable (MembershipBatch) throws -> MembershipOutcome) async throws -> MembershipPass {
        try await base.evaluateMemberships(selection, now: now, plan: plan)
    }
    public func rfmCustomers() async throws -> [RFMScorer.Customer] { try await base.rfmCustomers() }
    public func replaceRFMScores(_ scores: [(profile: ProfileID, score: RFMScore)], at: Date) async throws {
        try await base.replaceRFMScores(scores, at: at)
    }
    public func recordSegmentSizes(at: Date) async throws -> [String: Int] { try await base.recordSegmentSizes(at: at) }
    public func audience(_ condition: Condition, limit: Int?) async throws -> [ProfileID] { try await base.audience(condition, limit: limit) }
    public func audienceCount(_ condition: Condition) async throws -> Int { try await base.audienceCount(condition) }
    public func members(of segmentId: String, after: ProfileID?, limit: Int) async throws -> [ProfileID] {
        try await base.members(of: segmentId, after: after, limit: limit)
    }
    public func memberCount(of segmentId: String) async throws -> Int { try await base.memberCount(of: segmentId) }
    public func memberships(of profile: ProfileID) async throws -> [String] { try await base.memberships(of: profile) }
    public func userIds(of profiles: [ProfileID]) async throws -> [ProfileID: String] { try await base.userIds(of: profiles) }
    public func membershipHistory(segment: String?, profile: ProfileID?, limit: Int) async throws -> [MembershipChange] {
        try await base.membershipHistory(segment: segment, profile: profile, limit: limit)
    }
    public func segmentSubject(_ profile: ProfileID) async throws -> SegmentSubject? { try await base.segmentSubject(profile) }
    public func nextSegmentTimer() async throws -> Date? { try await base.nextSegmentTimer() }
    public func rfmScore(of profile: ProfileID) async throws -> RFMScore? { try await base.rfmScore(of: profile) }
    public func segmentSizeHistory() async throws -> [String: [(Date, Int)]] { try await base.segmentSizeHistory() }

    // Mail, settings and the models' stores: straight through.
    public func appendEvents(_ events: [(profile: ProfileID, message: Message)]) async throws -> IngestResult { try await base.appendEvents(events) }
    public func enqueue(_ messages: [OutboxMessage], at now: Date) async throws -> Int { try await base.enqueue(messages, at: now) }
    public func claim(limit: Int, worker: String, lease: Duration, at now: Date) async throws -> [ClaimedMessage] {
        try await base.claim(limit: limit, worker: worker, lease: lease, at: now)
    }
    public func complete(_ outcomes: [OutboxOutcome], worker: String, at now: Date) async throws -> Int {
        try await base.complete(outcomes, worker: worker, at: now)
    }
    public func outboxRecord(key: String) async throws -> OutboxRecord? { try await base.outboxRecord(key: key) }
    public func outboxCounts() async throws -> [OutboxStatus: Int] { try await base.outboxCounts() }
    public func outboxRecords(status: OutboxStatus, after: Int64?, limit: Int) async throws -> [OutboxRecord] {
        try await base.outboxRecords(status: status, after: after, limit: limit)
    }
    public func suppressionKey(forAddress address: String) -> String { base.suppressionKey(forAddress: address) }
    public func suppress(_ entries: [SuppressionEntry]) async throws -> Int { try await base.suppress(entries) }
    public func unsuppress(key: String) async throws -> Bool { try await base.unsuppress(key: key) }
    public func suppressions(keys: [String]) async throws -> [String: SuppressionEntry] { try await base.suppressions(keys: keys) }
    public func suppressions(after: String?, limit: Int) async throws -> [SuppressionEntry] { try await base.suppressions(after: after, limit: limit) }
    public func setting(_ name: String) async throws -> String? { try await base.setting(name) }
    public func insertSettingIfAbsent(_ name: String, value: String) async throws -> String { try await base.insertSettingIfAbsent(name, value: value) }
    public func writeComputedTraits(_ traits: [ComputedTrait], at: Date) async throws { try await base.writeComputedTraits(traits, at: at) }
    public func computedTraits(of profile: ProfileID) async throws -> [ComputedTrait] { try await base.computedTraits(of: profile) }
    public func interactions(after cursor: Int64?, limit: Int) async throws -> InteractionPage { try await base.interactions(after: cursor, limit: limit) }
    public func interactions(of profile: ProfileID) async throws -> [Interaction] { try await base.interactions(of: profile) }
    public func eventTimes(named names: Set<String>, after cursor: Int64?, limit: Int) async throws -> EventTimePage {
        try await base.eventTimes(named: names, after: cursor, limit: limit)
    }
    public func orderSummaries(until: Date, after: ProfileID?, limit: Int) async throws -> [OrderSummary] {
        try await base.orderSummaries(until: until, after: after, limit: limit)
    }
    public func insertTemplate(_ template: EmailTemplate) async throws -> Bool { try await base.insertTemplate(template) }
    public func updateTemplate(_ template: EmailTemplate) async throws -> Bool { try await base.updateTemplate(template) }
    public func template(named name: String) async throws -> EmailTemplate? { try await base.template(named: name) }
    public func templates() async throws -> [EmailTemplate] { try await base.templates() }
    public func deleteTemplate(named name: String) async throws -> Bool { try await base.deleteTemplate(named: name) }
    public func insertCampaign(_ campaign: Campaign) async throws -> Bool { try await base.insertCampaign(campaign) }
    public func campaign(_ idOrName: String) async throws -> Campaign? { try await base.campaign(idOrName) }
    public func campaigns() async throws -> [Campaign] { try await base.campaigns() }
    public func moveCampaign(_ id: String, from: Set<CampaignState>, to: CampaignState, scheduledAt: Date?, at now: Date) async throws -> Bool {
        try await base.moveCampaign(id, from: from, to: to, scheduledAt: scheduledAt, at: now)
    }
    public func startCampaign(_ id: String, from: Set<CampaignState>, include: [String], exclude: [String], at now: Date) async throws -> Int? {
        try await base.startCampaign(id, from: from, include: include, exclude: exclude, at: now)
    }
    public func pendingRecipients(of campaign: String, after: ProfileID?, limit: Int) async throws -> [ProfileID] {
        try await base.pendingRecipients(of: campaign, after: after, limit: limit)
    }
    public func recordRecipients(of campaign: String, _ outcomes: [RecipientOutcome], messages: [OutboxMessage], at now: Date) async throws -> Int {
        try await base.recordRecipients(of: campaign, outcomes, messages: messages, at: now)
    }
    public func withdrawCampaign(_ id: String, at now: Date) async throws -> Int { try await base.withdrawCampaign(id, at: now) }
    public func campaignCounts(_ id: String) async throws -> CampaignCounts { try await base.campaignCounts(id) }
    public func marketingMessages(to profiles: [ProfileID], since: Date) async throws -> [ProfileID: Int] {
        try await base.marketingMessages(to: profiles, since: since)
    }
    public func humanOpenTimes(of profiles: [ProfileID], limit: Int) async throws -> [ProfileID: [Date]] {
        try await base.humanOpenTimes(of: profiles, limit: limit)
    }
    public func humanOpensByHour() async throws -> [Int: Int] { try await base.humanOpensByHour() }
    public func appendConsent(_ entries: [ConsentEntry], at now: Date) async throws -> Int { try await base.appendConsent(entries, at: now) }
    public func consentHistory(of profile: ProfileID) async throws -> [ConsentEntry] { try await base.consentHistory(of: profile) }
    public func latestConsent(of profiles: [ProfileID], purpose: ConsentPurpose) async throws -> [ProfileID: ConsentEntry] {
        try await base.latestConsent(of: profiles, purpose: purpose)
    }
    public func emailEvents(ofCampaign campaign: String) async throws -> [EmailEvent] { try await base.emailEvents(ofCampaign: campaign) }
    public func emailClicks(of profiles: [ProfileID], from: Date, to: Date) async throws -> [EmailEvent] {
        try await base.emailClicks(of: profiles, from: from, to: to)
    }
    public func orders(of profiles: [ProfileID], from: Date, to: Date) async throws -> [OrderEvent] {
        try await base.orders(of: profiles, from: from, to: to)
    }
}
