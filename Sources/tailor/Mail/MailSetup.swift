import Foundation
import Logging
import ServiceLifecycle
import TailorEngine
import TailorMail
import TailorStore

/// What `tailor serve` runs for mail: the outbox worker (sending through `TAILOR_MAIL_URL`, a file sink
/// folder by default) and the tracking links' endpoints (signed with a key derived from the master key,
/// links built on `TAILOR_PUBLIC_URL`). `TAILOR_MAIL_URL=off` turns both off.
struct MailSetup {
    let engagement: MailEngagement
    let services: [any Service]

    /// Nil when mail is off.
    init?(settings: Settings, runtime: Runtime, logger: Logger) throws {
        guard settings.mailURL != "off" else { return nil }
        let store = runtime.stores.mail
        let transport = try MailTransportURL(settings.mailURL)
        engagement = MailEngagement(store: store, links: runtime.links, consent: runtime.stores.consent, clock: runtime.clock)
        var configuration = OutboxWorker.Configuration()
        configuration.consent = runtime.deliveryConsent
        let worker = OutboxWorker(store: store, configuration: configuration, clock: runtime.clock, logger: logger)
        services = [OutboxService(worker: worker, transport: transport, logger: logger)]
    }
}
