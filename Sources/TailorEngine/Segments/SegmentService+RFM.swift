import TailorCore
import TailorStore

/// What recomputing RFM scores did: how many customers were scored, how many fell in each group, and what
/// re-evaluating the segments that read the scores changed.
public struct RFMSummary: Sendable, Equatable {
    public var customers: Int
    /// Customers per ``RFMGroup`` (by its raw value).
    public var groups: [String: Int]
    public var refresh: SegmentRefresh

    public init(customers: Int, groups: [String: Int], refresh: SegmentRefresh) {
        self.customers = customers
        self.groups = groups
        self.refresh = refresh
    }
}

// MARK: - RFM

extension SegmentService {
    /// Recomputes every customer's RFM scores (ranked against each other by `RFMScorer`), stores them, then
    /// re-evaluates the segments that read them (reason `rfm`).
    @discardableResult
    public func refreshRFM() async throws -> RFMSummary {
        let now = clock.now()
        let scores = RFMScorer.score(try await segments.rfmCustomers()).sorted { $0.key < $1.key }
        var groups: [String: Int] = [:]
        for (_, s) in scores { groups[s.group.rawValue, default: 0] += 1 }
        try await segments.replaceRFMScores(scores.map { (profile: $0.key, score: $0.value) }, at: now)
        let catalog = try SegmentCatalog(try await segments.segments(), policy: segments.segmentPolicy)
        let readers = Set(catalog.dependencies.filter { $0.value.rfm }.keys)
        var summary = RFMSummary(customers: scores.count, groups: groups, refresh: SegmentRefresh())
        if !readers.isEmpty { summary.refresh = try await reevaluate(readers, reason: "rfm") }
        return summary
    }
}
