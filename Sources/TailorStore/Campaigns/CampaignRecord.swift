import Foundation
import TailorCore

/// How both adapters store a campaign: one row, the columns in this order; segment lists as JSON arrays.
package enum CampaignRecord {
    package static let columns = """
        id, name, template, segments, excluded, transactional, scheduled_at, rate_per_second, send_time, state, audience, created_at, \
        updated_at, started_at, finished_at, experiment
        """

    package static func list(_ ids: [String]) -> String { JSONWriter.string(.array(ids.map { .string($0) })) }

    package static func campaign(id: String, name: String, template: String, segments: String, excluded: String, transactional: Bool,
                                 scheduledAt: Int64?, ratePerSecond: Int?, sendTime: String, state: String, audience: Int?, createdAt: Int64,
                                 updatedAt: Int64, startedAt: Int64?, finishedAt: Int64?, experiment: String?) throws -> Campaign {
        guard let state = CampaignState(rawValue: state), let sendTime = SendTime(rawValue: sendTime) else {
            throw StoreError(.corruptRow, "campaign \(id): unknown state or send time")
        }
        func ids(_ text: String) throws -> [String] {
            guard case .array(let items)? = try? JSONParser.parse(text) else { throw StoreError(.corruptRow, "campaign \(id): segment list is not an array") }
            return items.compactMap(\.stringValue)
        }
        func date(_ ms: Int64?) -> Date? { ms.map(Date.init(millisecondsSince1970:)) }
        var design: CampaignExperiment?
        if let experiment {
            guard case .object(let object)? = try? JSONParser.parse(experiment), let parsed = try? CampaignExperiment.parse(object) else {
                throw StoreError(.corruptRow, "campaign \(id): its experiment does not parse")
            }
            design = parsed
        }
        return Campaign(id: id, name: name, template: template, segments: try ids(segments), excluded: try ids(excluded),
                        transactional: transactional, scheduledAt: date(scheduledAt), ratePerSecond: ratePerSecond, sendTime: sendTime,
                        state: state, audience: audience, createdAt: Date(millisecondsSince1970: createdAt),
                        updatedAt: Date(millisecondsSince1970: updatedAt), startedAt: date(startedAt), finishedAt: date(finishedAt),
                        experiment: design)
    }

    /// The stored text of an experiment, or nil.
    package static func experiment(_ e: CampaignExperiment?) -> String? { e.map { JSONWriter.string(.object($0.json)) } }

    /// The stored text of a recipient's status, and its reason.
    package static func status(_ status: RecipientOutcome.Status) -> (String, String?) {
        switch status {
        case .queued: ("queued", nil)
        case .skipped(let reason): ("skipped", reason)
        case .waiting: ("pending", nil)
        }
    }

    /// The reason of recipients an experiment's stop leaves without an email.
    package static let stoppedReason = "experiment_stopped"

    /// A recipient row's stored columns.
    package static func recipient(profile: String, status: String, reason: String?, variant: String?, phase: String?, segments: String?,
                                  updatedAt: Int64) -> CampaignRecipient {
        var list: [String] = []
        if let segments, case .array(let items)? = try? JSONParser.parse(segments) { list = items.compactMap(\.stringValue).sorted() }
        return CampaignRecipient(profileID: ProfileID(profile), status: status, reason: reason, variant: variant,
                                 phase: phase.flatMap(RecipientPhase.init(rawValue:)), segments: list, updatedAt: Date(millisecondsSince1970: updatedAt))
    }

    /// An experiment record's stored columns.
    package static func experimentRecord(campaign: String, state: String, winner: String?, checkedAt: Int64, decidedAt: Int64?,
                                         analysis: String) throws -> ExperimentRecord {
        guard let s = ExperimentState(rawValue: state), case .object(let object)? = try? JSONParser.parse(analysis) else {
            throw StoreError(.corruptRow, "campaign \(campaign): its experiment's state does not parse")
        }
        return ExperimentRecord(state: s, winner: winner, checkedAt: Date(millisecondsSince1970: checkedAt),
                                decidedAt: decidedAt.map(Date.init(millisecondsSince1970:)), analysis: object)
    }

    /// Adds one group of recipient rows (`status`, `reason`, count) to the counts.
    package static func add(status: String, reason: String?, count: Int, to counts: inout CampaignCounts) {
        counts.audience += count
        switch status {
        case "pending": counts.pending += count
        case "cancelled": counts.cancelled += count
        case "skipped": counts.skipped[reason ?? "unknown", default: 0] += count
        default: break
        }
    }
}
