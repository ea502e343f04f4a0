public import Foundation
import Liquid
public import TailorCore
public import TailorStore

extension CampaignService {
    /// What sending does with one recipient of a campaign (pure): send it a variant (or the campaign's email),
    /// hold it out, keep it waiting for the decision, or leave it out because the experiment stopped.
    public enum RecipientPlan: Sendable, Hashable {
        case send(variant: String?, phase: RecipientPhase?)
        case holdout(phase: RecipientPhase?)
        case wait
        case stop
    }

    /// The plan of a recipient: its arm by ``VariantAssignment`` (holdout first), then, with a test phase,
    /// whether it is in the test's share (an independent draw); outside it, the winner once decided.
    public static func plan(_ profile: ProfileID, campaign: Campaign, assignment: VariantAssignment?, decision: ExperimentRecord?) -> RecipientPlan {
        guard let experiment = campaign.experiment, let assignment else { return .send(variant: nil, phase: nil) }
        let arm = assignment.arm(for: profile.rawValue)
        guard let test = experiment.test else {
            return arm == VariantAssignment.holdout ? .holdout(phase: nil) : .send(variant: arm, phase: nil)
        }
        let phase: RecipientPhase = assignment.isInSample(profile.rawValue, share: test.share) ? .test : .rest
        if arm == VariantAssignment.holdout { return .holdout(phase: phase) }
        if phase == .test { return .send(variant: arm, phase: .test) }
        switch decision?.state {
        case .decided?: return decision?.winner.map { .send(variant: $0, phase: .rest) } ?? .wait
        case .stopped?: return .stop
        default: return .wait
        }
    }

    /// Checks a campaign's experiment and decides it when due (docs/EXPERIMENTS.md): a winner when the
    /// always-valid test finds one and the sample-ratio check passes; when the test's time is over, the best
    /// variant or a stop, as the experiment says; a failed sample-ratio check blocks any winner. `winner` decides
    /// by hand (after a blocked check, for example). The decision, its statistics and their inputs are stored;
    /// recipients waiting for it get the winner at the next send (the server's runner sends at once).
    /// - Throws: ``RequestError`` `.invalid` (no test phase, or an unknown variant), `.illegalState` (not started,
    ///   or decided already when a winner is given), `.notFound`.
    @discardableResult
    public func decide(_ idOrName: String, winner forced: String? = nil) async throws -> ExperimentRecord {
        let c = try await campaign(idOrName)
        guard let experiment = c.experiment, let test = experiment.test else {
            throw RequestError(.invalid, "campaign \(c.id) has no test phase to decide", field: "experiment")
        }
        if let forced, experiment.variant(named: forced) == nil {
            throw RequestError(.invalid, "campaign \(c.id) has no variant named \(forced)", field: "winner")
        }
        guard let started = c.startedAt else { throw RequestError(.illegalState, "campaign \(c.id) has not started: there is nothing to decide") }
        if let record = try await stores.campaigns.experimentRecord(of: c.id), record.state.isFinal {
            if forced != nil, forced != record.winner {
                throw RequestError(.illegalState, "campaign \(c.id)'s experiment is \(record.state.rawValue) already")
            }
            return record
        }
        let now = clock.now()
        let analysis = try await analyzeExperiment(c)
        var details = analysis.json
        let ends = started.addingTimeInterval(test.duration)
        details["test_ends_at"] = .string(ISO8601.format(ends))
        let testPending = try await stores.campaigns.campaignRecipients(of: c.id, phase: .test).contains { $0.status == "pending" }
        let outcome: (ExperimentState, String?, String)
        if let forced {
            outcome = (.decided, forced, "by_hand")
        } else if testPending || c.state == .cancelled {
            outcome = (.testing, nil, testPending ? "test_phase_sending" : "cancelled")
        } else if analysis.isBlocked {
            outcome = (.blocked, nil, "sample_ratio_mismatch")
        } else if let winner = analysis.winner {
            outcome = (.decided, winner, "significant")
        } else if now >= ends {
            switch test.atEnd {
            case .best: outcome = (.decided, analysis.leader ?? experiment.variants[0].name, "time_ended_best")
            case .stop: outcome = (.stopped, nil, "time_ended_stop")
            }
        } else {
            outcome = (.testing, nil, "no_winner_yet")
        }
        details["reason"] = .string(outcome.2)
        if outcome.0.isFinal {
            _ = try await stores.campaigns.decideExperiment(c.id, state: outcome.0, winner: outcome.1, analysis: details, at: now)
        } else {
            _ = try await stores.campaigns.recordExperimentCheck(c.id, state: outcome.0, analysis: details, at: now)
        }
        guard let record = try await stores.campaigns.experimentRecord(of: c.id) else {
            throw RequestError(.illegalState, "campaign \(c.id)'s experiment could not be recorded")
        }
        return record
    }

    /// The test phase's statistics now: each variant's queued test recipients, in the order they were queued,
    /// with their value of the metric (attribution window 5 days).
    public func analyzeExperiment(_ c: Campaign) async throws -> ExperimentAnalysis {
        guard let experiment = c.experiment else { throw RequestError(.invalid, "campaign \(c.id) has no experiment", field: "experiment") }
        let metric = experiment.test?.metric ?? .clicks
        let recipients = try await stores.campaigns.campaignRecipients(of: c.id, phase: experiment.test == nil ? nil : .test)
            .filter { $0.status == "queued" && $0.variant != nil && $0.variant != VariantAssignment.holdout }
            .sorted { ($0.updatedAt, $0.profileID.rawValue) < ($1.updatedAt, $1.profileID.rawValue) }
        let (_, activities) = try await ReportService(stores: stores).activities(of: c.id, window: 5 * 86_400, opensCount: false)
        var observations: [String: [Double]] = [:]
        for r in recipients {
            let a = activities[r.profileID] ?? RecipientActivity()
            let value: Double = switch metric {
            case .clicks: a.humanClick ? 1 : 0
            case .opens: a.humanOpen ? 1 : 0
            case .conversions: a.conversions > 0 ? 1 : 0
            case .revenue: a.revenue
            }
            observations[r.variant!, default: []].append(value)
        }
        return ExperimentAnalysis.analyze(experiment, observations: observations)
    }

    /// Checks a campaign's experiment if it has a test phase that is not decided and was not checked within
    /// `interval` (the server's runner).
    func decideIfDue(_ c: Campaign, interval: TimeInterval) async throws {
        guard c.experiment?.test != nil, c.state == .sending else { return }
        if let record = try await stores.campaigns.experimentRecord(of: c.id),
           record.state.isFinal || clock.now().timeIntervalSince(record.checkedAt) < interval {
            return
        }
        try await decide(c.id)
    }

    /// Checks what a design names: its templates are stored emails and its subjects and preheaders parse.
    func check(_ experiment: CampaignExperiment) async throws {
        for (i, v) in experiment.variants.enumerated() {
            if let name = v.template {
                guard let t = try await stores.templates.template(named: name) else {
                    throw RequestError(.notFound, "no template named \(name)", field: "experiment.variants[\(i)].template")
                }
                guard t.kind == .email else {
                    throw RequestError(.invalid, "template \(name) is a \(t.kind.rawValue), not an email", field: "experiment.variants[\(i)].template")
                }
            }
            for (field, text) in [("subject", v.subject), ("preheader", v.preheader)] {
                guard let text else { continue }
                do { _ = try Environment().parse(text) } catch let e as LiquidError {
                    throw RequestError(.invalid, TemplateService.location(e), field: "experiment.variants[\(i)].\(field)")
                }
            }
        }
    }
}

extension SkipReason {
    /// A recipient in the experiment's holdout: recorded, never sent.
    public static let heldOut = "held_out"
    /// A recipient left waiting when the experiment stopped without a winner.
    public static let experimentStopped = "experiment_stopped"
}
