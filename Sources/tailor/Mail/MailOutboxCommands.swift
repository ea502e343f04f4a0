import ArgumentParser
import Foundation
import Logging
import TailorCore
import TailorEngine
import TailorMail
import TailorStore

/// `tailor mail drain`: sends what the outbox holds until nothing is due, then exits (the same worker
/// `tailor serve` runs). Safe to kill at any time: a restarted drain picks up the expired leases.
struct MailDrainCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "drain", abstract: "Send the queued mail until nothing is due.")

    @OptionGroup var global: GlobalOptions
    @Option(help: "Transport URL (env TAILOR_MAIL_URL; default file:./tailor-mail).") var smtp: String?
    @Option(name: .customLong("batch-size"), help: "Messages claimed at once.") var batchSize = 100
    @Option(help: "Messages sent at once (eight per SMTP connection lets each pipeline the next).")
    var concurrency = OutboxWorker.Configuration().concurrency
    @Option(help: "Lease of a claimed batch, in seconds (a killed sender's batch is claimable after it).") var lease = 120.0

    func run() async throws {
        let settings = try global.settings()
        let transport = try MailTransportURL(smtp ?? settings.mailURL)
        let runtime = try await Runtime.open(settings)
        do {
            var configuration = OutboxWorker.Configuration()
            configuration.batchSize = batchSize
            configuration.concurrency = concurrency
            configuration.lease = .milliseconds(Int64(lease * 1000))
            configuration.consent = runtime.deliveryConsent
            let worker = OutboxWorker(store: runtime.stores.mail, configuration: configuration, clock: runtime.clock)
            let started = Date()
            let summary = try await transport.withTransport { transport in
                try await worker.drain(using: transport)
            }
            let seconds = Date().timeIntervalSince(started)
            print("sent \(summary.sent), retried \(summary.retried), failed \(summary.failed), bounced \(summary.bounced), "
                  + "suppressed \(summary.suppressed) in \(String(format: "%.1f", seconds)) s "
                  + "(\(String(format: "%.0f", Double(summary.sent) / max(seconds, 0.001))) messages/s)")
            await runtime.close()
        } catch {
            await runtime.close()
            throw error
        }
    }
}

/// `tailor mail status`: the outbox's messages by state, or the idempotency keys in one state.
struct MailStatusCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "status", abstract: "Count the outbox's messages by state.")

    @OptionGroup var global: GlobalOptions
    @Option(help: "Print the idempotency keys of the messages in this state instead (queued, sending, sent, failed, suppressed).")
    var list: String?

    func run() async throws {
        try await withMailStore(global) { store, _ in
            if let list {
                guard let status = OutboxStatus(rawValue: list) else { throw ValidationError("unknown state \(list)") }
                var after: Int64?
                while true {
                    let page = try await store.outboxRecords(status: status, after: after, limit: 5000)
                    for record in page { print(record.idempotencyKey) }
                    guard let last = page.last else { break }
                    after = last.id
                }
                return
            }
            let counts = try await store.outboxCounts()
            for status in OutboxStatus.allCases { print("\(status.rawValue)\t\(counts[status] ?? 0)") }
        }
    }
}

/// `tailor mail enqueue-sample`: queues N sample newsletters (~30 KB HTML) to `user<i>@<domain>`, creating
/// their profiles: load and crash tests of the outbox, and demos. The messages are built as campaigns build
/// theirs (a Liquid email rendered from each profile, `EmailComposer`: tracking links, one-click unsubscribe,
/// the text part), and each carries its idempotency key in an `X-Tailor-Key` header, so a sink can be
/// compared with the database.
struct MailEnqueueSampleCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "enqueue-sample", abstract: "Queue sample messages (tests, benchmarks, demos).")

    @OptionGroup var global: GlobalOptions
    @Option(help: "How many messages.") var count = 1000
    @Option(help: "Campaign id (part of each idempotency key).") var campaign = "sample"
    @Option(help: "Recipients' domain.") var domain = "example.test"
    @Option(help: "Size of each message's HTML, in bytes.") var htmlBytes = 30_000
    @Option(name: .customLong("public-url"), help: "Base URL of the tracking links (env TAILOR_PUBLIC_URL).") var publicURL: String?

    func run() async throws {
        var settings = try global.settings()
        if let publicURL { settings.publicURL = publicURL }
        let runtime = try await Runtime.open(settings)
        do {
            let composer = try runtime.campaignSettings(from: try MailAddress(parsing: "Tailor Shop <news@\(domain)>")).composer
            try await queue(runtime: runtime, composer: composer)
            await runtime.close()
        } catch {
            await runtime.close()
            throw error
        }
    }

    /// The sample email: a heading and one personalized paragraph with a link, repeated to the size asked for.
    func sampleEmail() -> PreparedEmail {
        let paragraph = "<p>Dear {{ traits.first_name }}, here is this week's selection of products picked for you, with "
            + "<a href=\"https://shop.\(domain)/p/{{ traits.sample_index }}\">a link</a>.</p>\n"
        var html = "<html><body><h1>This week</h1>\n"
        while html.utf8.count + paragraph.utf8.count < htmlBytes { html += paragraph }
        html += "</body></html>\n"
        let template = EmailTemplate(name: "sample", subject: "This week at the shop ({{ traits.sample_index }})", html: html,
                                     text: "This week's selection: https://shop.\(domain)/", createdAt: Date())
        return PreparedEmail(template: template, layout: nil, environment: EmailEnvironment(templates: []))
    }

    func queue(runtime: Runtime, composer: EmailComposer) async throws {
        let now = runtime.clock.now()
        let email = sampleEmail()
        let progress = Console.Progress("queuing")
        var queued = 0
        for start in stride(from: 0, to: count, by: 1000) {
            let range = start..<min(count, start + 1000)
            let identifies = range.map { i in
                TailorCore.Message.identify(userId: "\(campaign)-\(i)",
                                            traits: ["email": .string("user\(i)@\(domain)"), "first_name": .string("customer \(i)"),
                                                     "sample_index": .number(Double(i))],
                                            at: now, messageId: "\(campaign)-identify-\(i)")
            }
            _ = try await runtime.stores.events.ingest(identifies, planner: IngestPlanner())
            var batch: [OutboxMessage] = []
            for i in range {
                guard let view = try await runtime.stores.profiles.profile(.identity(Identity(.user, "\(campaign)-\(i)"))),
                      let profile = try await runtime.stores.profiles.aggregate(view.id) else { continue }
                let key = "\(campaign):\(profile.id.rawValue)"
                let token = TrackingToken(profileID: profile.id, campaign: campaign, messageKey: key)
                let context = EmailContext.make(EmailRecipient(profile: profile), catalog: [:],
                                                send: EmailContext.Send(campaignID: campaign, unsubscribeURL: composer.links.unsubscribeURL(token)))
                batch.append(try composer.compose(try email.render(context), to: "user\(i)@\(domain)", profile: profile.id, campaign: campaign,
                                                  key: key, headers: [HeaderField("X-Tailor-Key", key)], at: now))
            }
            queued += try await runtime.stores.outbox.enqueue(batch, at: now)
            progress.update(range.upperBound, count)
        }
        print("queued \(queued) messages (\(count - queued) were queued before)")
    }
}
