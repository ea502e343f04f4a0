public import Foundation
public import Hummingbird
import NIOCore
public import Logging
public import Prometheus
public import ServiceLifecycle
public import TailorCore
public import TailorEngine
public import TailorStore

/// How the HTTP server is set up.
public struct ServerSettings: Sendable {
    public var host: String
    public var port: Int
    public var keys: APIKeys
    public var limits: MessageDecoder.Limits
    /// The recommendation model file `GET /v1/profiles/{id}/recommendations` reads (nil: the route answers 409).
    public var recommendationModelPath: String?
    /// The mail links' endpoints (open pixel, click redirect, unsubscribe), when mail is configured.
    public var mailTracking: MailEngagement? = nil
    /// What campaign sends and template previews use, when mail is configured (`TAILOR_MAIL_FROM`); without
    /// it no campaign runner runs and previews show placeholder links.
    public var campaigns: CampaignSettings? = nil
    /// The dashboard under `/app` (cookies, session lifetime, bcrypt cost).
    public var dashboard = DashboardSettings()
    /// Failed authentications allowed per client address (admin API keys and dashboard sign-ins together).
    public var authFailures = AuthFailureLimiter.Policy()
    /// Send `Strict-Transport-Security` with HTML pages: Tailor is reached over HTTPS (`TAILOR_PUBLIC_URL`).
    public var strictTransportSecurity = false
    /// How long a named API key read from the database is trusted, and how often its use is recorded.
    public var apiKeys = APIKeyService.Options()
    /// The web origins whose pages may call the tracking API (`TAILOR_TRACKING_ORIGINS`; any by default).
    public var trackingOrigins = TrackingOrigins.any
    /// Double opt-in (`TAILOR_EMAIL_CONSENT=double-opt-in`, or for some countries): the confirmation links' pages,
    /// and the runner that mails the confirmations.
    public var doubleOptIn: DoubleOptInService.Options? = nil
    /// The `email_marketing` policy (`TAILOR_EMAIL_CONSENT`, by country), shown with a person's consent.
    public var emailConsent = EmailConsentPolicy()
    /// The retention policy's rules from the environment (`TAILOR_RETENTION`); the stored ones apply too. The
    /// purge runs beside the server every `retentionInterval`.
    public var retention = RetentionPolicy()
    public var retentionInterval: Duration = .seconds(3600)
    /// The keyed pseudonyms of `pseudonymize=true` exports (from the master key); nil: such exports answer 409.
    public var pseudonymizer: Pseudonymizer? = nil
    /// How `personalization` consent is read (`TAILOR_PERSONALIZATION_CONSENT`): opt-out unless set.
    public var personalizationConsent = ConsentPolicy.optOut
    /// The clock reports count days on (`TAILOR_TIMEZONE`; UTC by default).
    public var timeZone = TimeZone(identifier: "UTC")!

    public init(host: String = "127.0.0.1", port: Int = 8080, keys: APIKeys, limits: MessageDecoder.Limits = .init()) {
        self.host = host
        self.port = port
        self.keys = keys
        self.limits = limits
    }
}

/// Builds Tailor's HTTP application: tracking API, admin API, health and metrics.
///
/// `services` run alongside the server in its service group (the ingest loop, background workers) and
/// are shut down gracefully with it.
public func buildApplication(
    settings: ServerSettings,
    stores: Stores,
    ingest: IngestService,
    clock: any WallClock = SystemClock(),
    metrics: PrometheusCollectorRegistry? = nil,
    services: [any Service] = [],
    logger: Logger = Logger(label: "tailor.server"),
    onServerRunning: @escaping @Sendable (Int) async -> Void = { _ in }
) -> some ApplicationProtocol {
    let wakeups = JourneyWakeups()
    let router = buildRouter(settings: settings, stores: stores, ingest: ingest, clock: clock, metrics: metrics, journeyWakeups: wakeups)
    return Application(
        router: router,
        server: .http1(configuration: .init(idleTimeout: TimeAmount(RequestTimeouts.idle))),
        configuration: .init(address: .hostname(settings.host, port: settings.port), serverName: "Tailor"),
        // Segment timers, the RFM schedule and webhook calls run beside the server; with mail configured, campaigns and
        // journeys too.
        services: [ingest, SegmentService(stores: stores, clock: clock), WebhookRunner(deliverer: WebhookDeliverer(stores: stores, clock: clock))]
            + (settings.campaigns.map { [CampaignRunner(service: CampaignService(stores: stores, clock: clock), settings: $0),
                                         JourneyRunner(service: JourneyService(stores: stores, clock: clock), settings: $0, wakeups: wakeups)] } ?? [])
            + [PeriodicPass.retention(RetentionService(stores: stores, configured: settings.retention, clock: clock), every: settings.retentionInterval)]
            + (settings.doubleOptIn.map { [PeriodicPass.doubleOptIn(DoubleOptInService(stores: stores, options: $0, clock: clock))] } ?? [])
            + services,
        onServerRunning: { channel in await onServerRunning(channel.localAddress?.port ?? settings.port) },
        logger: logger
    )
}

/// The router alone, for tests that drive it without a socket.
public func buildRouter(
    settings: ServerSettings,
    stores: Stores,
    ingest: IngestService,
    clock: any WallClock = SystemClock(),
    metrics: PrometheusCollectorRegistry? = nil,
    journeyWakeups: JourneyWakeups = JourneyWakeups()
) -> Router<TailorRequestContext> {
    stores.installEventSteps(journeyWakeups: journeyWakeups)
    let router = Router(context: TailorRequestContext.self)
    router.add(middleware: SecurityHeadersMiddleware(strictTransportSecurity: settings.strictTransportSecurity))
    router.add(middleware: MetricsMiddleware())
    // Outside the error middleware, so that the tracking API's error answers carry CORS headers too.
    router.add(middleware: TrackingCORSMiddleware(origins: settings.trackingOrigins))
    router.add(middleware: ServerErrorMiddleware())
    router.get("/healthz") { _, _ in
        JSONResponse.make(["status": "ok"])
    }
    router.get("/openapi.json") { _, _ in
        Response(status: .ok, headers: [.contentType: "application/json; charset=utf-8"],
                 body: ResponseBody(byteBuffer: ByteBuffer(string: OpenAPIDocument.json)))
    }
    if let metrics {
        router.get("/metrics") { _, _ in
            Response(status: .ok, headers: [.contentType: "text/plain; version=0.0.4"],
                     body: ResponseBody(byteBuffer: ByteBuffer(bytes: metrics.emitToBuffer())))
        }
    }
    TrackingController(ingest: ingest, keys: settings.keys, decoder: MessageDecoder(limits: settings.limits), clock: clock)
        .addRoutes(to: router)
    TrackingScriptController().addRoutes(to: router)
    // The admin API: every route of this group needs a secret key with the route's scope (docs/SECURITY.md).
    let failures = AuthFailureGuard(policy: settings.authFailures, clock: clock)
    let namedKeys = APIKeyService(stores: stores, clock: clock, options: settings.apiKeys)
    let admin = router.group().add(middleware: AdminKeyMiddleware(keys: settings.keys, named: namedKeys, failures: failures))
    let privacy = PrivacyService(stores: stores, clock: clock)
    ProfilesController(profiles: stores.profiles, events: stores.events, service: ProfileService(stores: stores), privacy: privacy)
        .addRoutes(to: admin)
    let personalization = PersonalizationConsent(store: stores.consent, policy: settings.personalizationConsent, clock: clock)
    SegmentsController(segments: stores.segments, profiles: stores.profiles, service: SegmentService(stores: stores, clock: clock),
                       personalization: personalization, pseudonymizer: settings.pseudonymizer)
        .addRoutes(to: admin)
    RecommendationsController(service: RecommendationService(stores: stores),
                              models: RecommendationModelCache(path: settings.recommendationModelPath ?? ""),
                              personalization: personalization)
        .addRoutes(to: admin)
    let campaigns = CampaignService(stores: stores, clock: clock)
    // Previews render as the email would be: unpersonalized for who refused personalization.
    var previewSettings = settings.campaigns ?? .preview
    if previewSettings.personalization == nil { previewSettings.personalization = personalization }
    TemplatesController(service: TemplateService(stores: stores, clock: clock), campaigns: campaigns,
                        settings: previewSettings, privacy: privacy)
        .addRoutes(to: admin)
    CampaignsController(service: campaigns).addRoutes(to: admin)
    ReportsController(service: ReportService(stores: stores), timeZone: settings.timeZone).addRoutes(to: admin)
    JourneysController(service: JourneyService(stores: stores, clock: clock)).addRoutes(to: admin)
    WebhooksController(service: WebhookService(stores: stores, clock: clock)).addRoutes(to: admin)
    PrivacyController(service: privacy).addRoutes(to: admin)
    ConsentController(service: ConsentService(stores: stores, clock: clock), privacy: privacy, emailPolicy: settings.emailConsent).addRoutes(to: admin)
    DashboardRoutes.add(to: router, settings: settings.dashboard, stores: stores, clock: clock, failures: failures, timeZone: settings.timeZone)
    if let engagement = settings.mailTracking { MailTrackingController(engagement: engagement).addRoutes(to: router) }
    if let doubleOptIn = settings.doubleOptIn {
        ConsentConfirmationController(service: DoubleOptInService(stores: stores, options: doubleOptIn, clock: clock)).addRoutes(to: router)
    }
    if let campaignSettings = settings.campaigns {
        EmailWebVersionController(links: campaignSettings.composer.links, campaigns: campaigns,
                                  journeys: JourneyService(stores: stores, clock: clock), settings: campaignSettings).addRoutes(to: router)
    }
    return router
}

// Prometheus' registry is a final class with internal locking.
extension PrometheusCollectorRegistry: @retroactive @unchecked Sendable {}
