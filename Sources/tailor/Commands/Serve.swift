import ArgumentParser
import Foundation
import Logging
import Metrics
import Prometheus
import ServiceLifecycle
import TailorCore
import TailorEngine
import TailorServer
import TailorStore

/// `tailor serve`: the HTTP API and background work, until SIGTERM or SIGINT (graceful: in-flight
/// requests finish and queued events are written before the process exits).
struct Serve: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Run the HTTP API and background work.")

    @OptionGroup var global: GlobalOptions

    @Option(help: "Address to listen on (env TAILOR_HOST; default 127.0.0.1).")
    var host: String?

    @Option(help: "Port (env TAILOR_PORT; default 8080; 0 picks a free one).")
    var port: Int?

    @Option(name: .customLong("write-key"), help: "Public write key for the tracking API (env TAILOR_WRITE_KEY; generated on first run).")
    var writeKey: String?

    @Option(name: .customLong("admin-key"), help: "Secret key for the admin API (env TAILOR_ADMIN_KEY; generated and printed on first run).")
    var adminKey: String?

    func run() async throws {
        var extra: [String: String] = [:]
        if let host { extra["tailor.host"] = host }
        if let port { extra["tailor.port"] = String(port) }
        if let writeKey { extra["tailor.write.key"] = writeKey }
        if let adminKey { extra["tailor.admin.key"] = adminKey }
        let settings = try global.settings(extra: extra)
        let trackingOrigins: TrackingOrigins
        do {
            trackingOrigins = try TrackingOrigins(parsing: settings.trackingOrigins)
        } catch {
            throw ValidationError(error.description)
        }

        let registry = PrometheusCollectorRegistry()
        MetricsSystem.bootstrap(PrometheusMetricsFactory(registry: registry))
        var logger = Logger(label: "tailor")
        logger.logLevel = ProcessInfo.processInfo.environment["LOG_LEVEL"].flatMap(Logger.Level.init(rawValue:)) ?? .info

        let runtime = try await Runtime.open(settings)
        let keys = try await Self.resolveKeys(settings: settings, store: runtime.stores.settings)
        let ingest = IngestService(events: runtime.stores.events, logger: logger)
        var limits = MessageDecoder.Limits()
        limits.maxFutureSkew = TimeInterval(settings.maxFutureSeconds)
        var serverSettings = ServerSettings(host: settings.host, port: settings.port, keys: keys, limits: limits)
        var dashboard = DashboardService.Options()
        dashboard.sessionLifetime = TimeInterval(settings.dashboardSessionHours * 3600)
        serverSettings.dashboard = DashboardSettings(secureCookies: settings.dashboardSecureCookies, options: dashboard)
        serverSettings.strictTransportSecurity = settings.publicURL.hasPrefix("https://")
        serverSettings.authFailures = AuthFailureLimiter.Policy(failures: settings.authFailureLimit)
        serverSettings.trackingOrigins = trackingOrigins
        guard let zone = TimeZone(identifier: settings.timeZone) else { throw ValidationError("TAILOR_TIMEZONE is not a time zone name, like Europe/Paris") }
        serverSettings.timeZone = zone
        let mail = try MailSetup(settings: settings, runtime: runtime, logger: logger)
        serverSettings.mailTracking = mail?.engagement
        // Campaigns are sent by this server when it knows their sender.
        if settings.mailFrom != nil { serverSettings.campaigns = try runtime.campaignSettings() }
        serverSettings.doubleOptIn = try runtime.doubleOptInOptions()
        serverSettings.emailConsent = settings.emailConsent
        serverSettings.personalizationConsent = settings.personalizationConsent
        serverSettings.retention = settings.retention
        serverSettings.pseudonymizer = runtime.pseudonymizer
        let app = buildApplication(
            settings: serverSettings.recommending(from: settings.recommendationModelPath),
            stores: runtime.stores, ingest: ingest, clock: runtime.clock, metrics: registry, services: mail?.services ?? [], logger: logger,
            onServerRunning: { port in
                Console.note("tailor is listening on http://\(settings.host):\(port) (database \(Self.redacted(settings.databaseURL)))")
                Console.note("dashboard: http://\(settings.host):\(port)/app")
            })
        let group = ServiceGroup(configuration: .init(services: [app], gracefulShutdownSignals: [.sigterm, .sigint], logger: logger))
        do {
            try await group.run()
        } catch {
            await runtime.close()
            throw error
        }
        await runtime.close()
    }

    /// The write key and the admin key: from configuration, else the ones generated on an earlier run
    /// (kept in the database: the write key in clear, it is public; the admin key as a hash only), else new.
    static func resolveKeys(settings: Settings, store: any SettingsStore) async throws -> APIKeys {
        var write = settings.writeKey
        if write == nil {
            let stored = try await store.insertSettingIfAbsent("write_key", value: APIKeys.generate(prefix: "wk_"))
            write = stored
            Console.note("write key (public, for the tracking API and tailor.js): \(stored)")
        }
        var adminHashes: Set<String> = []
        if let admin = settings.adminKey {
            adminHashes.insert(APIKeys.hash(admin))
        } else if let hash = try await store.setting("admin_key_hash") {
            adminHashes.insert(hash)
        } else {
            let key = APIKeys.generate(prefix: "ak_")
            let stored = try await store.insertSettingIfAbsent("admin_key_hash", value: APIKeys.hash(key))
            adminHashes.insert(stored)
            if stored == APIKeys.hash(key) {
                Console.note("admin key (secret, shown once; Tailor keeps only its hash): \(key)")
            }
        }
        return APIKeys(writeKeys: [write!], adminKeyHashes: adminHashes)
    }

    static func redacted(_ url: String) -> String {
        guard let at = url.firstIndex(of: "@"), let scheme = url.range(of: "://") else { return url }
        return String(url[..<scheme.upperBound]) + "…" + String(url[at...])
    }
}
