import Foundation
import TailorCore

/// How both adapters store a campaign: one row, the columns in this order; segment lists as JSON arrays.
package enum CampaignRecord {
    package static let columns = """
        id, name, template, segments, excluded, transactional, scheduled_at, rate_per_second, send_time, state, audience, created_at, \
        updated_at, started_at, finished_at
        """

    package static func list(_ ids: [String]) -> String { JSONWriter.string(.array(ids.map { .string($0) })) }

    package static func campaign(id: String, name: String, template: String, segments: String, excluded: String, transactional: Bool,
                                 scheduledAt: Int64?, ratePerSecond: Int?, sendTime: String, state: String, audience: Int?, createdAt: Int64,
                                 updatedAt: Int64, startedAt: Int64?, finishedAt: Int64?) throws -> Campaign {
        guard let state = CampaignState(rawValue: state), let sendTime = SendTime(rawValue: sendTime) else {
            throw StoreError(.corruptRow, "campaign \(id): unknown state or send time")
        }
        func ids(_ text: String) throws -> [String] {
            guard case .array(let items)? = try? JSONParser.parse(text) else { throw StoreError(.corruptRow, "campaign \(id): segment list is not an array") }
            return items.compactMap(\.stringValue)
        }
        func date(_ ms: Int64?) -> Date? { ms.map(Date.init(millisecondsSince1970:)) }
        return Campaign(id: id, name: name, template: template, segments: try ids(segments), excluded: try ids(excluded),
                        transactional: transactional, scheduledAt: date(scheduledAt), ratePerSecond: ratePerSecond, sendTime: sendTime,
                        state: state, audience: audience, createdAt: Date(millisecondsSince1970: createdAt),
                        updatedAt: Date(millisecondsSince1970: updatedAt), startedAt: date(startedAt), finishedAt: date(finishedAt))
    }

    /// The stored text of a recipient's status, and its reason.
    package static func status(_ status: RecipientOutcome.Status) -> (String, String?) {
        switch status {
        case .queued: ("queued", nil)
        case .skipped(let reason): ("skipped", reason)
        }
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
