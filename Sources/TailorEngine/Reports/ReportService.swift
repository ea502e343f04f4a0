public import Foundation
public import TailorCore
public import TailorStore

/// Campaign reports on the store.
public struct ReportService: Sendable {
    public let stores: Stores

    public init(stores: Stores) { self.stores = stores }

    /// The report of a campaign (by id or name).
    /// - Parameters:
    ///   - window: how long after a touch an order counts (default 5 days).
    ///   - opensCount: whether a (human) open is a touch, as a click is.
    ///   - by: the figures by variant or by segment as well.
    /// - Throws: ``RequestError`` `.notFound`; `.invalid` (field `by`) for variants of a campaign without any.
    public func campaign(_ idOrName: String, window: TimeInterval = 5 * 86_400, opensCount: Bool = false,
                         by dimension: CampaignBreakdown.Dimension? = nil) async throws -> CampaignReport {
        guard let c = try await stores.campaigns.campaign(idOrName) else { throw RequestError(.notFound, "no campaign named \(idOrName)") }
        if dimension == .variant, c.experiment == nil {
            throw RequestError(.invalid, "campaign \(c.id) has no variants", field: "by")
        }
        let (events, activities) = try await activities(of: c.id, window: window, opensCount: opensCount)
        let recipients = try await stores.campaigns.campaignCounts(c.id).audience
        var report = CampaignReport(campaign: c.id, figures: CampaignFigures(recipients: recipients, activities: activities.values), window: window,
                                    opensCount: opensCount)
        guard let dimension else { return report }
        let rows = try await stores.campaigns.campaignRecipients(of: c.id, phase: nil)
        var eventVariants: [ProfileID: String] = [:]
        for e in events { if let v = e.variant { eventVariants[e.profileID] = v } }
        var orders: [OrderEvent]?
        if dimension == .variant, rows.contains(where: { $0.variant == VariantAssignment.holdout }),
           let first = rows.map(\.updatedAt).min(), let last = rows.map(\.updatedAt).max() {
            orders = try await stores.reports.orders(of: rows.map(\.profileID), from: first, to: last.addingTimeInterval(window))
        }
        let order = dimension == .variant ? (c.experiment?.variants.map(\.name) ?? []) + [VariantAssignment.holdout] : c.segments
        report.breakdown = CampaignBreakdown.make(dimension, order: order, recipients: rows, activities: activities, eventVariants: eventVariants,
                                                  orders: orders, window: window)
        return report
    }

    /// A campaign's email events and what each recipient with one did.
    func activities(of campaign: String, window: TimeInterval, opensCount: Bool) async throws -> ([EmailEvent], [ProfileID: RecipientActivity]) {
        let events = try await stores.reports.emailEvents(ofCampaign: campaign)
        let profiles = Array(Set(events.map(\.profileID)))
        var clicks: [EmailEvent] = []
        var orders: [OrderEvent] = []
        if let first = events.first?.timestamp, let last = events.last?.timestamp {
            let end = last.addingTimeInterval(window)
            clicks = try await stores.reports.emailClicks(of: profiles, from: first, to: end)
            orders = try await stores.reports.orders(of: profiles, from: first, to: end)
        }
        return (events, CampaignReport.activities(campaign: campaign, events: events, otherClicks: clicks, orders: orders, window: window,
                                                  opensCount: opensCount))
    }
}
