/// What opening, migrating and closing a database needs, apart from any feature.
public protocol StoreLifecycle: Sendable {
    /// Applies the named, append-only migrations not applied yet; returns their names.
    @discardableResult func migrate() async throws -> [String]
    func counts() async throws -> StoreCounts
    func close() async throws
}

/// A database Tailor runs on, SQLite (embedded) or PostgreSQL: every port in one value. Each adapter's
/// database type is one; ``Stores`` hands its ports out one by one, and callers take only those they use.
public protocol TailorDatabase: StoreLifecycle, EventStore, ProfileEventAppender, ProfileStore, ProductStore, SegmentStore,
    OutboxStore, SuppressionStore, SettingsStore, ComputedTraitStore, InteractionStore, TemplateStore, CampaignStore, ConsentStore, ReportStore,
    JourneyStore, WebhookStore, ProfileSearchStore, DashboardStore, PendingEventStore, PrivacyStore, APIKeyStore, EventRetentionStore, EventExportStore {}
