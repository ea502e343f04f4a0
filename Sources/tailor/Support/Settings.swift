import ArgumentParser
import Configuration
import Foundation
import TailorCore
import TailorDatabases
import TailorStore

/// Options every command that touches the database takes. Each also reads from the environment
/// (`TAILOR_DATABASE_URL`, …); a flag wins over the environment, which wins over the default.
struct GlobalOptions: ParsableArguments {
    @Option(name: .customLong("database-url"), help: "Database URL: sqlite:PATH or postgres://… (env TAILOR_DATABASE_URL; default sqlite:./tailor.db).")
    var databaseURL: String?

    @Option(help: "A fixed clock, ISO-8601, for reproducible runs (env TAILOR_NOW).")
    var now: String?

    @Option(name: .customLong("encryption-key"), help: "Master key for personal data, 32 bytes base64 (env TAILOR_ENCRYPTION_KEY; default: a key file beside the database).")
    var encryptionKey: String?

    @Option(name: .customLong("key-file"), help: "Where the generated master key is kept (env TAILOR_KEY_FILE).")
    var keyFile: String?

    /// Reads the settings: flags, then environment, then defaults. `extra` holds command-specific flags
    /// under their configuration keys (`tailor.port`).
    func settings(defaultDatabase: String = "sqlite:./tailor.db", extra: [String: String] = [:]) throws -> Settings {
        var flags = extra
        flags["tailor.database.url"] = databaseURL
        flags["tailor.now"] = now
        flags["tailor.encryption.key"] = encryptionKey
        flags["tailor.key.file"] = keyFile
        // Flags are strings, like the environment: one provider reads both the same way.
        var environment = ProcessInfo.processInfo.environment
        for (key, value) in flags { environment[key.uppercased().replacingOccurrences(of: ".", with: "_")] = value }
        let config = ConfigReader(providers: [
            EnvironmentVariablesProvider(environmentVariables: environment,
                                         secretsSpecifier: .specific(["TAILOR_WRITE_KEY", "TAILOR_ADMIN_KEY", "TAILOR_ENCRYPTION_KEY"])),
        ])
        return try Settings(config: config, defaultDatabase: defaultDatabase)
    }
}

/// Tailor's configuration, resolved.
struct Settings: Sendable {
    var databaseURL: String
    var host: String
    var port: Int
    var writeKey: String?
    var adminKey: String?
    var now: Date?
    var encryptionKey: String?
    var keyFile: String
    /// Where model files are kept (`TAILOR_MODELS_DIR`); nil: beside the SQLite file.
    var modelsDirectory: String?
    /// Where `tailor serve` sends the outbox (`TAILOR_MAIL_URL`: smtp://…, file:///folder, or `off`) and the
    /// public base URL of the mail links (`TAILOR_PUBLIC_URL`); see docs/MAIL.md.
    var mailURL = "file:./tailor-mail", publicURL = "http://127.0.0.1:8080"
    /// Campaign sending (docs/CAMPAIGNS.md): the default sender (`TAILOR_MAIL_FROM`), DKIM signing
    /// (`TAILOR_DKIM_KEY` = a PEM file, `TAILOR_DKIM_DOMAIN`, `TAILOR_DKIM_SELECTOR`), the frequency cap
    /// (`TAILOR_FREQUENCY_CAP`, `2/7d`), quiet hours (`TAILOR_QUIET_HOURS`, `21:00-08:00`), the default time
    /// zone of recipients (`TAILOR_TIMEZONE`) and currency (`TAILOR_CURRENCY`).
    var mailFrom: String?, dkimKey: String?, dkimDomain: String?, dkimSelector = "tailor"
    var frequencyCap: String?, quietHours: String?, timeZone = "UTC", currency = "USD"
    /// How `email_marketing` consent is read (`TAILOR_EMAIL_CONSENT`: `opt-out`, the default, `opt-in` or
    /// `double-opt-in`), and per country (`TAILOR_EMAIL_CONSENT_BY_COUNTRY`, `DE:double-opt-in,GB:opt-in`).
    var emailConsent = EmailConsentPolicy()
    /// Days events are kept, per event name (`TAILOR_RETENTION`, `Page Viewed:90,Product Viewed:180`); the rules
    /// stored with `tailor privacy retention set` override these.
    var retention = RetentionPolicy()
    /// How `personalization` consent is read (`TAILOR_PERSONALIZATION_CONSENT`: `opt-out`, the default, or `opt-in`).
    var personalizationConsent = ConsentPolicy.optOut
    /// How long a double opt-in confirmation link works (`TAILOR_DOUBLE_OPT_IN_DAYS`, default 7).
    var doubleOptInDays = 7
    /// How far ahead of its receipt the tracking API takes an event's timestamp (`TAILOR_MAX_FUTURE_SECONDS`,
    /// default a day); a later one takes the received time (`MessageDecoder.Limits.maxFutureSkew`).
    var maxFutureSeconds = 86_400
    /// Names of traits and properties to treat as personal beside Tailor's list (`TAILOR_PERSONAL_FIELDS`,
    /// comma-separated; see `PersonalDataPolicy`).
    var personalFields: [String] = []
    /// Dashboard cookies are `Secure` when Tailor is reached over HTTPS (`TAILOR_PUBLIC_URL`), unless
    /// `TAILOR_DASHBOARD_SECURE_COOKIES` (true/false) says otherwise; sessions last `TAILOR_DASHBOARD_SESSION_HOURS`.
    var dashboardSecureCookies = false
    var dashboardSessionHours = 12
    /// Failed authentications (admin API keys, dashboard sign-ins) allowed per client address and minute
    /// (`TAILOR_AUTH_FAILURE_LIMIT`, docs/SECURITY.md).
    var authFailureLimit = 20
    /// The web origins whose pages may call the tracking API (`TAILOR_TRACKING_ORIGINS`, comma-separated; empty or
    /// `*`: any). `tailor serve` reads it (`TrackingOrigins`).
    var trackingOrigins = ""

    init(config: ConfigReader, defaultDatabase: String) throws {
        databaseURL = config.string(forKey: "tailor.database.url", default: defaultDatabase)
        host = config.string(forKey: "tailor.host", default: "127.0.0.1")
        port = config.int(forKey: "tailor.port", default: 8080)
        writeKey = config.string(forKey: "tailor.write.key", isSecret: true)
        adminKey = config.string(forKey: "tailor.admin.key", isSecret: true)
        encryptionKey = config.string(forKey: "tailor.encryption.key", isSecret: true)
        if let text = config.string(forKey: "tailor.now") {
            guard let date = ISO8601.parse(text) else {
                throw ValidationError("TAILOR_NOW / --now must be an ISO-8601 date-time, like 2024-06-01T12:00:00Z")
            }
            now = date
        }
        let defaultKeyFile = DatabaseOpener.isPostgres(databaseURL) ? "./tailor.key" : DatabaseOpener.sqlitePath(databaseURL) + ".key"
        keyFile = config.string(forKey: "tailor.key.file", default: defaultKeyFile)
        modelsDirectory = config.string(forKey: "tailor.models.dir")
        mailURL = config.string(forKey: "tailor.mail.url", default: mailURL)
        publicURL = config.string(forKey: "tailor.public.url", default: publicURL)
        mailFrom = config.string(forKey: "tailor.mail.from")
        dkimKey = config.string(forKey: "tailor.dkim.key")
        dkimDomain = config.string(forKey: "tailor.dkim.domain")
        dkimSelector = config.string(forKey: "tailor.dkim.selector", default: dkimSelector)
        frequencyCap = config.string(forKey: "tailor.frequency.cap")
        quietHours = config.string(forKey: "tailor.quiet.hours")
        timeZone = config.string(forKey: "tailor.timezone", default: timeZone)
        currency = config.string(forKey: "tailor.currency", default: currency).uppercased()
        let consent = config.string(forKey: "tailor.email.consent", default: ConsentPolicy.optOut.rawValue)
        guard let policy = ConsentPolicy(rawValue: consent) else {
            throw ValidationError("TAILOR_EMAIL_CONSENT is opt-out, opt-in or double-opt-in")
        }
        do {
            emailConsent = EmailConsentPolicy(policy, byCountry: try EmailConsentPolicy.parseCountries(
                config.string(forKey: "tailor.email.consent.by.country", default: "")))
        } catch let error as EmailConsentPolicyError {
            throw ValidationError("TAILOR_EMAIL_CONSENT_BY_COUNTRY: \(error.description)")
        }
        let personalization = config.string(forKey: "tailor.personalization.consent", default: ConsentPolicy.optOut.rawValue)
        guard let personalizationPolicy = ConsentPolicy(rawValue: personalization), personalizationPolicy != .doubleOptIn else {
            throw ValidationError("TAILOR_PERSONALIZATION_CONSENT is opt-out or opt-in")
        }
        personalizationConsent = personalizationPolicy
        do {
            retention = try RetentionPolicy(parsing: config.string(forKey: "tailor.retention", default: ""))
        } catch {
            throw ValidationError("TAILOR_RETENTION: \(error.description)")
        }
        doubleOptInDays = config.int(forKey: "tailor.double.opt.in.days", default: doubleOptInDays)
        guard (1...90).contains(doubleOptInDays) else { throw ValidationError("TAILOR_DOUBLE_OPT_IN_DAYS must be 1...90") }
        maxFutureSeconds = config.int(forKey: "tailor.max.future.seconds", default: maxFutureSeconds)
        personalFields = config.string(forKey: "tailor.personal.fields", default: "").split(separator: ",")
            .map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
        let secure = config.string(forKey: "tailor.dashboard.secure.cookies", default: publicURL.hasPrefix("https://") ? "true" : "false")
        guard secure == "true" || secure == "false" else { throw ValidationError("TAILOR_DASHBOARD_SECURE_COOKIES is true or false") }
        dashboardSecureCookies = secure == "true"
        dashboardSessionHours = config.int(forKey: "tailor.dashboard.session.hours", default: dashboardSessionHours)
        trackingOrigins = config.string(forKey: "tailor.tracking.origins", default: trackingOrigins)
        guard (1...720).contains(dashboardSessionHours) else { throw ValidationError("TAILOR_DASHBOARD_SESSION_HOURS must be 1...720") }
        authFailureLimit = config.int(forKey: "tailor.auth.failure.limit", default: authFailureLimit)
        guard authFailureLimit >= 1 else { throw ValidationError("TAILOR_AUTH_FAILURE_LIMIT must be 1 or more") }
        guard maxFutureSeconds >= 0 else { throw ValidationError("TAILOR_MAX_FUTURE_SECONDS must be 0 or more") }
        guard (1...65_535).contains(port) || port == 0 else { throw ValidationError("TAILOR_PORT / --port must be 0...65535") }
    }


    var clock: any WallClock { now.map { ManualClock($0) } ?? SystemClock() }
}
