public import Foundation
public import Logging
import Metrics
public import ServiceLifecycle
public import TailorCore
public import TailorMail
public import TailorStore

/// Sends what the outbox holds: claims a batch under a lease, skips suppressed recipients, sends the
/// rest through a ``MailTransport`` (several at once), decides each outcome with ``DeliveryDecision``,
/// records the delivery events and suppressions, and completes the batch.
///
/// Order matters for crashes: events and suppressions are written *before* the batch is completed, and
/// the events have ids derived from the outbox row (`outbox-<id>-sent`), so a worker that dies after
/// sending and before completing leaves its batch to be claimed again when the lease expires; the
/// messages are sent again (the only duplicates a crash can cause: those in flight) and their events
/// are not stored twice.
public final class OutboxWorker: Sendable {
    /// How a worker works.
    public struct Configuration: Sendable {
        /// Messages claimed at once.
        public var batchSize = 100
        /// Messages rendered, signed and handed to the transport at once. The SMTP pool's connections
        /// bound the real parallelism; eight per connection of the default pool of four keep a next
        /// message ready behind each one in flight, which is what SMTP pipelining across messages needs
        /// (with two per connection it rarely had one).
        public var concurrency = 32
        /// How long a claimed batch belongs to this worker; a crashed worker's batch is claimable after it.
        /// Must exceed the time a batch takes to send.
        public var lease: Duration = .seconds(120)
        /// The pause when nothing is due.
        public var idleDelay: Duration = .seconds(1)
        /// The pause after a database error before trying again.
        public var errorDelay: Duration = .seconds(5)
        /// Backoff for transient failures.
        public var retry = RetrySchedule()
        /// This worker's name in leases: unique per process.
        public var workerID: String
        /// Asked right before each batch is sent which messages may no longer go (consent withdrawn since
        /// they were queued); nil: every message not suppressed goes.
        public var consent: (any DeliveryConsent)?

        public init(workerID: String = OutboxWorker.defaultWorkerID()) {
            self.workerID = workerID
        }
    }

    /// What one batch or a drain did.
    public struct Summary: Sendable, Hashable {
        public var claimed = 0
        public var sent = 0
        public var retried = 0
        public var failed = 0
        public var bounced = 0
        public var suppressed = 0

        public init() {}

        static func + (a: Summary, b: Summary) -> Summary {
            var s = a
            s.claimed += b.claimed
            s.sent += b.sent
            s.retried += b.retried
            s.failed += b.failed
            s.bounced += b.bounced
            s.suppressed += b.suppressed
            return s
        }
    }

    public let store: any MailStore
    public let configuration: Configuration
    let clock: any WallClock
    let logger: Logger
    let sentCounter = Counter(label: "tailor_mail_outbox_total", dimensions: [("outcome", "sent")])
    let retriedCounter = Counter(label: "tailor_mail_outbox_total", dimensions: [("outcome", "retried")])
    let failedCounter = Counter(label: "tailor_mail_outbox_total", dimensions: [("outcome", "failed")])
    let bouncedCounter = Counter(label: "tailor_mail_outbox_total", dimensions: [("outcome", "bounced")])
    let suppressedCounter = Counter(label: "tailor_mail_outbox_total", dimensions: [("outcome", "suppressed")])

    public init(store: any MailStore, configuration: Configuration = Configuration(), clock: any WallClock = SystemClock(),
                logger: Logger = Logger(label: "tailor.mail.outbox")) {
        self.store = store
        self.configuration = configuration
        self.clock = clock
        self.logger = logger
    }

    /// `host-pid-random`: unique per process, readable in the outbox's `lease_owner`.
    public static func defaultWorkerID() -> String {
        "\(ProcessInfo.processInfo.hostName)-\(ProcessInfo.processInfo.processIdentifier)-\(UInt32.random(in: 0...UInt32.max))"
    }

    // MARK: - Loops

    /// Sends until graceful shutdown (the batch in progress is finished) or cancellation.
    public func run(using transport: any MailTransport) async throws {
        while !Task.isShuttingDownGracefully && !Task.isCancelled {
            let pause: Duration?
            do {
                let summary = try await processBatch(using: transport)
                pause = summary.claimed == 0 ? configuration.idleDelay : nil
            } catch is CancellationError {
                return
            } catch {
                logger.error("outbox batch failed; retrying", metadata: ["error": "\(error)"])
                pause = configuration.errorDelay
            }
            if let pause {
                do {
                    try await cancelWhenGracefulShutdown { try await Task.sleep(for: pause) }
                } catch {
                    return
                }
            }
        }
    }

    /// Sends batches until nothing is due (retries scheduled for later stay queued).
    /// - Parameter progress: called after each batch with the running total.
    public func drain(using transport: any MailTransport, progress: (@Sendable (Summary) -> Void)? = nil) async throws -> Summary {
        var total = Summary()
        while true {
            let summary = try await processBatch(using: transport)
            guard summary.claimed > 0 else { return total }
            total = total + summary
            progress?(total)
        }
    }

    // MARK: - One batch

    /// Claims one batch, sends it, records everything. Returns what happened (`claimed == 0`: nothing due).
    public func processBatch(using transport: any MailTransport) async throws -> Summary {
        let worker = configuration.workerID
        let claimed = try await store.claim(limit: configuration.batchSize, worker: worker, lease: configuration.lease, at: clock.now())
        var summary = Summary()
        summary.claimed = claimed.count
        guard !claimed.isEmpty else { return summary }

        // Suppression and consent are checked for every message, right before it is sent.
        let suppressed = try await store.suppressions(keys: claimed.map(\.recipientIndex))
        let refused = try await configuration.consent?.refused(claimed.filter { suppressed[$0.recipientIndex] == nil }) ?? []
        let toSend = claimed.filter { suppressed[$0.recipientIndex] == nil && !refused.contains($0.id) }
        let results = await send(toSend, using: transport)

        let now = clock.now()
        var random = SystemRandomNumberGenerator()
        var outcomes: [OutboxOutcome] = []
        var events: [(profile: ProfileID, message: TailorCore.Message)] = []
        var suppressions: [SuppressionEntry] = []
        for message in claimed where suppressed[message.recipientIndex] != nil {
            outcomes.append(OutboxOutcome(id: message.id, .suppressed, detail: suppressed[message.recipientIndex]?.reason.rawValue))
            summary.suppressed += 1
        }
        for message in claimed where refused.contains(message.id) {
            outcomes.append(OutboxOutcome(id: message.id, .suppressed, detail: DeliveryConsentDetail.noConsent))
            summary.suppressed += 1
        }
        for (message, result) in zip(toSend, results) {
            let decision = DeliveryDecision.decide(result, recipient: message.recipient, attempts: message.attempts,
                                                   schedule: configuration.retry, using: &random)
            switch decision {
            case .sent(let detail):
                outcomes.append(OutboxOutcome(id: message.id, .sent, detail: detail))
                events.append((message.profileID, Self.event(TailorEvent.emailSent, for: message, suffix: "sent", at: now)))
                var delivered = Self.event(TailorEvent.emailDelivered, for: message, suffix: "delivered", at: now)
                if case .delivered(let receipt) = result, let reply = receipt.reply {
                    delivered.properties["smtp_code"] = .number(Double(reply.code))
                    if let enhanced = reply.enhancedCode { delivered.properties["smtp_status"] = .string(enhanced.description) }
                }
                events.append((message.profileID, delivered))
                summary.sent += 1
            case .retry(let delay, let detail):
                outcomes.append(OutboxOutcome(id: message.id, .retry(at: now.addingTimeInterval(RetrySchedule.seconds(delay))), detail: detail))
                summary.retried += 1
            case .hardBounce(let detail):
                outcomes.append(OutboxOutcome(id: message.id, .failed, detail: detail))
                suppressions.append(SuppressionEntry(key: message.recipientIndex, reason: .hardBounce, source: message.campaign ?? "outbox",
                                                     createdAt: now))
                events.append((message.profileID, Self.bounce(message, result: result, type: "hard", at: now)))
                summary.bounced += 1
            case .failed(let detail, let exhausted):
                outcomes.append(OutboxOutcome(id: message.id, .failed, detail: detail))
                events.append((message.profileID, Self.bounce(message, result: result, type: exhausted ? "soft" : "block", at: now)))
                summary.failed += 1
            }
        }
        // Before completing: a crash from here on leaves the batch to be claimed again, and these writes are idempotent.
        if !events.isEmpty { _ = try await store.appendEvents(events) }
        if !suppressions.isEmpty { try await store.suppress(suppressions) }
        let recorded = try await store.complete(outcomes, worker: worker, at: now)
        if recorded < outcomes.count {
            logger.warning("some outbox leases expired before the batch was completed; raise the lease",
                           metadata: ["expired": "\(outcomes.count - recorded)"])
        }
        sentCounter.increment(by: summary.sent)
        retriedCounter.increment(by: summary.retried)
        failedCounter.increment(by: summary.failed)
        bouncedCounter.increment(by: summary.bounced)
        suppressedCounter.increment(by: summary.suppressed)
        return summary
    }

    /// Sends messages, at most `concurrency` at once; the results are in the messages' order.
    func send(_ messages: [ClaimedMessage], using transport: any MailTransport) async -> [DeliveryResult] {
        guard !messages.isEmpty else { return [] }
        let width = max(1, configuration.concurrency)
        return await withTaskGroup(of: (Int, DeliveryResult).self) { group in
            var results = [DeliveryResult?](repeating: nil, count: messages.count)
            var next = 0
            func start() {
                let index = next
                let message = messages[index]
                next += 1
                group.addTask {
                    let mail = OutgoingMail(envelope: Envelope(sender: message.sender, recipients: [message.recipient]), data: message.data)
                    return (index, await transport.deliver(mail))
                }
            }
            while next < min(width, messages.count) { start() }
            while let (index, result) = await group.next() {
                results[index] = result
                if next < messages.count { start() }
            }
            return results.map { $0! }
        }
    }

    // MARK: - Events

    /// A delivery event on the message's profile, its id derived from the outbox row so that it is stored once.
    static func event(_ name: String, for message: ClaimedMessage, suffix: String, at date: Date) -> TailorCore.Message {
        var properties: JSONObject = ["outbox_id": .number(Double(message.id)), "message_key": .string(message.idempotencyKey)]
        if let campaign = message.campaign { properties["campaign_id"] = .string(campaign) }
        if let variant = message.variant { properties["variant"] = .string(variant) }
        return TailorCore.Message(type: .track, messageId: "outbox-\(message.id)-\(suffix)", event: name, properties: properties, timestamp: date)
    }

    static func bounce(_ message: ClaimedMessage, result: DeliveryResult, type: String, at date: Date) -> TailorCore.Message {
        var event = event(TailorEvent.emailBounced, for: message, suffix: "bounced", at: date)
        event.properties["bounce_type"] = .string(type)
        let error: MailError? = switch result {
        case .transientFailure(let e), .permanentFailure(let e): e
        case .delivered: nil
        }
        if let error {
            event.properties["error"] = .string("\(error.code)")
            if let stage = error.stage { event.properties["smtp_stage"] = .string(stage.rawValue) }
            if let reply = error.reply {
                event.properties["smtp_code"] = .number(Double(reply.code))
                if let enhanced = reply.enhancedCode { event.properties["smtp_status"] = .string(enhanced.description) }
            }
        }
        return event
    }
}

/// The outbox worker as a service of `tailor serve`: opens the transport a URL names (an SMTP pool runs
/// meanwhile, or a file sink) and runs ``OutboxWorker/run(using:)`` until graceful shutdown.
public struct OutboxService: Service {
    public let worker: OutboxWorker
    public let transport: MailTransportURL
    let logger: Logger

    public init(worker: OutboxWorker, transport: MailTransportURL, logger: Logger = Logger(label: "tailor.mail.outbox")) {
        self.worker = worker
        self.transport = transport
        self.logger = logger
    }

    public func run() async throws {
        try await transport.withTransport(logger: logger) { transport in
            try await worker.run(using: transport)
        }
    }
}
