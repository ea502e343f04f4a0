public import Foundation
import TailorCore
public import TailorStore

extension ReportService {
    /// The overview of a range of days (docs/REPORTS.md, "The overview"): the same call serves
    /// `tailor report overview`, `GET /v1/reports/overview` and the dashboard's overview page.
    /// - Parameters:
    ///   - window: how long after a touch an order counts (default 5 days).
    ///   - opensCount: whether a (human) open is a touch, as a click is.
    public func overview(_ range: DayRange, window: TimeInterval = 5 * 86_400, opensCount: Bool = false) async throws -> OverviewReport {
        var counts: [OverviewCount: [Int64: Int]] = [:]
        for kind in OverviewCount.allCases { counts[kind] = try await stores.reports.quarterHourCounts(kind, from: range.start, to: range.end) }
        // Touches up to a window before the range earn its orders; deliveries 2 s earlier still tell a scanner's click.
        let engagement = try await stores.reports.emailEngagement(from: range.start.addingTimeInterval(-window - CampaignReport.botClickDelay),
                                                                  to: range.end)
        let orders = try await stores.reports.orders(from: range.start, to: range.end)
        return OverviewReport.compute(range: range, counts: counts, engagement: engagement, orders: orders, window: window, opensCount: opensCount)
    }
}
