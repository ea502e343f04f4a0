/// The ports of one database, built once where the database is opened (`DatabaseOpener`) and handed to
/// the services, each of which takes only the ports it uses.
public struct Stores: Sendable {
    /// Ingest, the event log, rebuilding state.
    public var events: any EventStore
    public var profiles: any ProfileStore
    public var products: any ProductStore
    public var segments: any SegmentStore
    /// The mail outbox.
    public var outbox: any OutboxStore
    public var suppressions: any SuppressionStore
    /// What delivery and the tracking links use: the outbox, the suppression list and events appended to
    /// known profiles (sends, opens, clicks, unsubscribes), in one transaction each.
    public var mail: any MailStore
    public var settings: any SettingsStore
    public var computedTraits: any ComputedTraitStore
    public var interactions: any InteractionStore
    /// Email templates, layouts and partials.
    public var templates: any TemplateStore
    /// Campaigns, their audience snapshots and recipients.
    public var campaigns: any CampaignStore
    /// The append-only consent ledger.
    public var consent: any ConsentStore
    /// What campaign reports read.
    public var reports: any ReportStore
    /// Journeys and their runs.
    public var journeys: any JourneyStore
    /// Outgoing webhooks: subscriptions and the queue of calls.
    public var webhooks: any WebhookStore
    /// Events recorded in transactions that may not write the log, appended just after.
    public var pendingEvents: any PendingEventStore
    /// Finding profiles by name (the dashboard's search).
    public var profileSearch: any ProfileSearchStore
    /// The dashboard's users and sessions.
    public var dashboard: any DashboardStore
    /// Erasure, its receipts and tombstones, and the access log.
    public var privacy: any PrivacyStore
    /// The named admin API keys and their scopes.
    public var apiKeys: any APIKeyStore
    /// Purging old events under the retention policy.
    public var retention: any EventRetentionStore
    /// Reading the whole event log in order (exports).
    public var eventExport: any EventExportStore
    /// Migrations, counts, closing.
    public var lifecycle: any StoreLifecycle

    public init(events: any EventStore, profiles: any ProfileStore, products: any ProductStore, segments: any SegmentStore,
                outbox: any OutboxStore, suppressions: any SuppressionStore, mail: any MailStore, settings: any SettingsStore,
                computedTraits: any ComputedTraitStore, interactions: any InteractionStore, templates: any TemplateStore,
                campaigns: any CampaignStore, consent: any ConsentStore, reports: any ReportStore, journeys: any JourneyStore,
                webhooks: any WebhookStore, pendingEvents: any PendingEventStore, profileSearch: any ProfileSearchStore, dashboard: any DashboardStore, privacy: any PrivacyStore,
                apiKeys: any APIKeyStore, retention: any EventRetentionStore, eventExport: any EventExportStore, lifecycle: any StoreLifecycle) {
        self.events = events
        self.profiles = profiles
        self.products = products
        self.segments = segments
        self.outbox = outbox
        self.suppressions = suppressions
        self.mail = mail
        self.settings = settings
        self.computedTraits = computedTraits
        self.interactions = interactions
        self.templates = templates
        self.campaigns = campaigns
        self.consent = consent
        self.reports = reports
        self.journeys = journeys
        self.webhooks = webhooks
        self.pendingEvents = pendingEvents
        self.profileSearch = profileSearch
        self.dashboard = dashboard
        self.privacy = privacy
        self.apiKeys = apiKeys
        self.retention = retention
        self.eventExport = eventExport
        self.lifecycle = lifecycle
    }

    /// Every port from one database.
    public init(_ database: any TailorDatabase) {
        self.init(events: database, profiles: database, products: database, segments: database, outbox: database,
                  suppressions: database, mail: database, settings: database, computedTraits: database, interactions: database,
                  templates: database, campaigns: database, consent: database, reports: database, journeys: database,
                  webhooks: database, pendingEvents: database, profileSearch: database, dashboard: database, privacy: database,
                  apiKeys: database, retention: database, eventExport: database, lifecycle: database)
    }

    /// Applies the migrations not applied yet; returns their names.
    @discardableResult public func migrate() async throws -> [String] { try await lifecycle.migrate() }
    public func counts() async throws -> StoreCounts { try await lifecycle.counts() }
    public func close() async throws { try await lifecycle.close() }
}
