public import Foundation
public import TailorCore

/// What campaign reports read from the event log: the email events of a campaign, and the clicks and orders
/// of its recipients that attribution weighs. Tailor's own email events carry `campaign_id` (docs/MAIL.md).
public protocol ReportStore: Sendable {
    /// The `Email Sent`, `Email Delivered`, `Email Bounced`, `Email Opened`, `Email Clicked` and `Unsubscribed`
    /// events whose `campaign_id` is the campaign, oldest first.
    func emailEvents(ofCampaign campaign: String) async throws -> [EmailEvent]
    /// Every human `Email Clicked` (of any campaign) of some profiles in a time range: the touches that
    /// compete for a conversion.
    func emailClicks(of profiles: [ProfileID], from: Date, to: Date) async throws -> [EmailEvent]
    /// The `Order Completed` events of some profiles in a time range, valued by the revenue rule.
    func orders(of profiles: [ProfileID], from: Date, to: Date) async throws -> [OrderEvent]

    // MARK: - The overview (docs/REPORTS.md, "The overview")

    /// How many rows of a kind fall in `[from, to)`, per UTC quarter of an hour: the key is the quarter's number
    /// (milliseconds since 1970 ÷ 900,000). Every time zone's offset and daylight-saving change falls on a quarter,
    /// so the engine sums quarters into local days exactly.
    func quarterHourCounts(_ kind: OverviewCount, from: Date, to: Date) async throws -> [Int64: Int]
    /// Every `Email Delivered`, `Email Opened` and `Email Clicked` in `[from, to)`, oldest first, machine flags kept.
    func emailEngagement(from: Date, to: Date) async throws -> [EmailEvent]
    /// Every `Order Completed` in `[from, to)`, oldest first, valued by the revenue rule.
    func orders(from: Date, to: Date) async throws -> [OrderEvent]
}

/// What the overview counts in SQL (the rest it reads as events).
public enum OverviewCount: String, Sendable, CaseIterable {
    /// Profiles (not merged into another) first seen then: their first event, else their creation.
    case newProfiles = "new_profiles"
    /// Events of every type, by their timestamp.
    case events
    /// `Email Sent` events.
    case emailsSent = "emails_sent"

    /// A quarter of an hour in milliseconds.
    public static let quarter: Int64 = 900_000
}

/// One email event of a profile.
public struct EmailEvent: Sendable, Hashable {
    public var profileID: ProfileID
    public var name: String
    public var timestamp: Date
    public var campaign: String?
    /// Flagged on arrival as a machine open or a scanner's click (`machine_open`, `machine_click`).
    public var machine: Bool
    /// The campaign experiment's variant the email carried (`variant`).
    public var variant: String?

    public init(profileID: ProfileID, name: String, timestamp: Date, campaign: String?, machine: Bool, variant: String? = nil) {
        self.profileID = profileID
        self.name = name
        self.timestamp = timestamp
        self.campaign = campaign
        self.machine = machine
        self.variant = variant
    }
}

/// One order of a profile.
public struct OrderEvent: Sendable, Hashable {
    public var profileID: ProfileID
    public var timestamp: Date
    /// `revenue`, else `total`, else Σ price × quantity (the profile's revenue rule).
    public var value: Double

    public init(profileID: ProfileID, timestamp: Date, value: Double) {
        self.profileID = profileID
        self.timestamp = timestamp
        self.value = value
    }
}
