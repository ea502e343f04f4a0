import Logging
import NIOCore
import NIOSSL
import Synchronization

/// Closes a connection whose reply is overdue. One per connection: the session stores a deadline
/// before each read (an atomic store, cheap at thousands of replies a second) and a repeated task on
/// the channel's event loop checks it.
final class ReplyWatchdog: Sendable {
    private let deadline = Atomic<Int64>(0)  // uptime nanoseconds; 0 = not waiting
    private let fired = Atomic<Bool>(false)
    private let task = Mutex<RepeatedTask?>(nil)

    init(channel: any Channel, interval: TimeAmount) {
        let repeated = channel.eventLoop.scheduleRepeatedTask(initialDelay: interval, delay: interval) { [weak self] _ in
            guard let self else { return }
            let due = self.deadline.load(ordering: .relaxed)
            if due != 0 && Int64(NIODeadline.now().uptimeNanoseconds) > due {
                self.fired.store(true, ordering: .relaxed)
                channel.close(promise: nil)
            }
        }
        task.withLock { $0 = repeated }
    }

    func arm(_ timeout: TimeAmount) {
        deadline.store(Int64(NIODeadline.now().uptimeNanoseconds) + timeout.nanoseconds, ordering: .relaxed)
    }

    func disarm() { deadline.store(0, ordering: .relaxed) }

    var hasFired: Bool { fired.load(ordering: .relaxed) }

    func cancel() { task.withLock { $0?.cancel() } }
}

/// Drives one connection's ``SMTPClientStateMachine`` over a NIO channel. Lives inside
/// `NIOAsyncChannel.executeThenClose`, used by one task.
///
/// Messages are started with ``start(_:)`` when the session is idle; ``step(nextJob:)`` reads one reply
/// and acts on it, resolving each message's continuation as its outcome becomes known. When the server
/// offers PIPELINING, the next queued message (from `nextJob`) is started as soon as the current one's
/// DATA is answered, and its commands travel in the same write as the current message's content.
struct SMTPSession: ~Copyable {
    /// A message the session started and has not resolved.
    struct InFlightJob {
        var job: SMTPJob
        /// Whether any of its data was written (then it may have been delivered).
        var dataSent: Bool
    }

    /// A failure that ends the session.
    struct SessionFailure: Error {
        var error: MailError
        /// The messages started and not resolved, oldest first; the caller resolves or requeues them.
        var unfinished: [InFlightJob] = []
    }

    private var machine: SMTPClientStateMachine
    private var inbound: NIOAsyncChannelInboundStream<SMTPReply>.AsyncIterator
    private let outbound: NIOAsyncChannelOutboundWriter<ByteBuffer>
    private let channel: any Channel
    private let watchdog: ReplyWatchdog
    private let timeout: TimeAmount
    private let tlsContext: NIOSSLContext?
    private let serverHostname: String?
    private let messageLimit: Int
    private var scratch: [UInt8] = []
    /// Started and unresolved messages, oldest first (at most two: one whose end-of-data reply is due and
    /// one pipelined behind it).
    private var inFlight: [InFlightJob] = []
    /// TLS was started and no reply has come through it yet: a failure now is a TLS failure.
    private var tlsPending: Bool
    private(set) var capabilities = SMTPCapabilities()
    /// Messages resolved on this session (delivered or failed).
    private(set) var messagesSent = 0

    init(
        configuration: SMTPConfiguration, secured: Bool, channel: any Channel,
        inbound: NIOAsyncChannelInboundStream<SMTPReply>, outbound: NIOAsyncChannelOutboundWriter<ByteBuffer>,
        tlsContext: NIOSSLContext?, serverHostname: String?
    ) {
        self.machine = SMTPClientStateMachine(configuration: configuration.stateMachineConfiguration, secured: secured)
        self.inbound = inbound.makeAsyncIterator()
        self.outbound = outbound
        self.channel = channel
        self.timeout = .nanoseconds(Int64(configuration.commandTimeout.components.seconds) * 1_000_000_000 + configuration.commandTimeout.components.attoseconds / 1_000_000_000)
        let interval = TimeAmount.nanoseconds(max(10_000_000, min(1_000_000_000, self.timeout.nanoseconds / 4)))
        self.watchdog = ReplyWatchdog(channel: channel, interval: interval)
        self.tlsContext = tlsContext
        self.serverHostname = serverHostname
        self.tlsPending = secured
        self.messageLimit = configuration.maximumMessagesPerConnection
    }

    deinit { watchdog.cancel() }

    /// Whether no message is in flight (a new one may be started with ``start(_:)``).
    var isIdle: Bool { inFlight.isEmpty }

    /// Whether the per-connection message limit is reached.
    var isExhausted: Bool { messageLimit > 0 && machine.messagesStarted >= messageLimit }

    /// Reads the greeting and sets the session up (EHLO, STARTTLS, AUTH).
    mutating func setUp() async throws(SessionFailure) {
        var action = try await nextAction(afterReadingAt: .greeting)
        while true {
            switch action {
            case .send(let commands):
                try await write(commands)
                action = try await nextAction(afterReadingAt: commands.last!.stage)
            case .startTLS:
                try await startTLS()
                action = machine.tlsEstablished()
            case .ready(let capabilities):
                self.capabilities = capabilities
                return
            case .fail(let error):
                throw SessionFailure(error: error)
            case .wait:
                action = try await nextAction(afterReadingAt: .greeting)
            case .close, .sendData, .delivered, .deliveryFailed:
                throw SessionFailure(error: MailError(.protocolViolation, severity: .transient, "unexpected step during setup", stage: .greeting))
            }
        }
    }

    /// Starts `job` on an idle session: writes its first commands, or resolves it at once when the server
    /// cannot take it (SIZE, SMTPUTF8, 8BITMIME, invalid envelope).
    mutating func start(_ job: SMTPJob) async throws(SessionFailure) {
        switch machine.startTransaction(envelope: job.envelope, size: job.size, eightBit: job.eightBit) {
        case .send(let commands):
            inFlight.append(InFlightJob(job: job, dataSent: false))
            try await write(commands)
        case .deliveryFailed(let error):
            messagesSent += 1
            job.continuation.resume(throwing: error)
        default:
            inFlight.append(InFlightJob(job: job, dataSent: false))
            throw sessionFailure(MailError(.protocolViolation, severity: .transient, "unexpected step starting a message", stage: .mailFrom))
        }
    }

    /// Reads one reply and acts on it: writes what comes next, resolves the message it concludes. When the
    /// server answers DATA with 354 and pipelining is possible, `nextJob` is asked for a queued message to
    /// start behind the current one (`nil`: none waiting).
    /// - Throws: ``SessionFailure`` when the session ended; its unfinished messages are the caller's.
    mutating func step(nextJob: () -> SMTPJob?) async throws(SessionFailure) {
        let action = try await nextAction(afterReadingAt: machine.awaitedStage ?? .mailFrom)
        switch action {
        case .wait:
            return
        case .send(let commands):
            try await write(commands)
        case .sendData(let abort):
            try await writeData(abort: abort, nextJob: nextJob)
        case .delivered where inFlight.isEmpty, .deliveryFailed where inFlight.isEmpty:
            throw sessionFailure(MailError(.protocolViolation, severity: .transient, "an outcome without a message in flight", stage: .endOfData))
        case .delivered(let receipt):
            messagesSent += 1
            inFlight.removeFirst().job.continuation.resume(returning: receipt)
        case .deliveryFailed(let error):
            messagesSent += 1
            inFlight.removeFirst().job.continuation.resume(throwing: error)
        case .fail(let error):
            throw sessionFailure(error)
        case .close, .startTLS, .ready:
            throw sessionFailure(MailError(.protocolViolation, severity: .transient, "unexpected step in a transaction", stage: .mailFrom))
        }
    }

    /// Writes the current message (or an empty one when aborting), followed in the same write by the
    /// commands of the next queued message when it can be pipelined.
    private mutating func writeData(abort: Bool, nextJob: () -> SMTPJob?) async throws(SessionFailure) {
        guard !inFlight.isEmpty else {
            throw sessionFailure(MailError(.protocolViolation, severity: .transient, "354 without a message", stage: .data))
        }
        inFlight[0].dataSent = true
        let data = abort ? ByteBuffer(string: ".\r\n") : inFlight[0].job.payload
        var commands: ByteBuffer?
        while !abort && machine.canPipelineNextMessage && !isExhausted, let next = nextJob() {
            switch machine.startTransaction(envelope: next.envelope, size: next.size, eightBit: next.eightBit) {
            case .send(let pipelined):
                inFlight.append(InFlightJob(job: next, dataSent: false))
                commands = encode(pipelined)
            case .deliveryFailed(let error):
                messagesSent += 1
                next.continuation.resume(throwing: error)
                continue
            default:
                inFlight.append(InFlightJob(job: next, dataSent: false))
                throw sessionFailure(MailError(.protocolViolation, severity: .transient, "unexpected step pipelining a message", stage: .mailFrom))
            }
            break
        }
        do {
            if let commands {
                try await outbound.write(contentsOf: [data, commands])
            } else {
                try await outbound.write(data)
            }
        } catch {
            throw sessionFailure(failure(from: error, stage: .endOfData))
        }
    }

    /// Says goodbye; errors are ignored (the connection closes either way).
    mutating func quit() async {
        guard case .send(let commands) = machine.quit() else { return }
        do {
            try await write(commands)
            _ = try await nextAction(afterReadingAt: .quit)
        } catch {}
    }

    // MARK: - I/O

    private mutating func encode(_ commands: [SMTPCommand]) -> ByteBuffer {
        scratch.removeAll(keepingCapacity: true)
        for command in commands { command.write(into: &scratch) }
        return ByteBuffer(bytes: scratch)
    }

    private mutating func write(_ commands: [SMTPCommand]) async throws(SessionFailure) {
        let buffer = encode(commands)
        do {
            try await outbound.write(buffer)
        } catch {
            throw sessionFailure(failure(from: error, stage: commands.first!.stage))
        }
    }

    /// A session failure carrying the unresolved messages (the session holds none afterwards).
    private mutating func sessionFailure(_ error: MailError) -> SessionFailure {
        let unfinished = inFlight
        inFlight = []
        return SessionFailure(error: error, unfinished: unfinished)
    }

    /// Reads a reply and feeds it (or the end of the connection) to the state machine.
    private mutating func nextAction(afterReadingAt stage: SMTPStage) async throws(SessionFailure) -> SMTPClientStateMachine.Action {
        watchdog.arm(timeout)
        defer { watchdog.disarm() }
        do {
            if let reply = try await inbound.next() {
                tlsPending = false
                return machine.receivedReply(reply)
            }
        } catch {
            throw sessionFailure(failure(from: error, stage: stage))
        }
        if watchdog.hasFired {
            throw sessionFailure(MailError(.timeout, severity: .transient, "no reply within the command timeout", stage: stage))
        }
        if tlsPending {
            throw sessionFailure(MailError(.tlsFailed, severity: .transient, "connection closed during the TLS handshake", stage: .tlsHandshake))
        }
        return machine.connectionClosed()
    }

    private mutating func startTLS() async throws(SessionFailure) {
        tlsPending = true
        guard let tlsContext else {
            throw SessionFailure(error: MailError(.tlsFailed, severity: .permanent, "no TLS configuration", stage: .startTLS))
        }
        let hostname = serverHostname
        let channel = self.channel
        do {
            try await channel.eventLoop.submit {
                let handler = try NIOSSLClientHandler(context: tlsContext, serverHostname: hostname)
                try channel.pipeline.syncOperations.addHandler(handler, position: .first)
            }.get()
        } catch {
            throw SessionFailure(error: MailError(.tlsFailed, severity: .transient, "cannot start TLS", stage: .tlsHandshake, underlying: error))
        }
    }

    private func failure(from error: any Error, stage: SMTPStage) -> MailError {
        if let error = error as? MailError {
            var error = error
            if error.stage == nil { error.stage = stage }
            return error
        }
        if watchdog.hasFired {
            return MailError(.timeout, severity: .transient, "no reply within the command timeout", stage: stage, underlying: error)
        }
        if tlsPending || error is NIOSSLError || error is BoringSSLError {
            return MailError(.tlsFailed, severity: .transient, "TLS handshake or record failed", stage: .tlsHandshake, underlying: error)
        }
        return MailError(.connectionClosed, severity: .transient, "connection failed", stage: stage, underlying: error)
    }
}
