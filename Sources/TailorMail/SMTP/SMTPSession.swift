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
struct SMTPSession: ~Copyable {
    /// A failure that ends only the current message; the session goes on.
    struct MessageFailure: Error { var error: MailError }
    /// A failure that ends the session.
    struct SessionFailure: Error {
        var error: MailError
        /// Whether any message data reached the server (then the message may have been delivered).
        var dataSent: Bool
    }

    private var machine: SMTPClientStateMachine
    private var inbound: NIOAsyncChannelInboundStream<SMTPReply>.AsyncIterator
    private let outbound: NIOAsyncChannelOutboundWriter<ByteBuffer>
    private let channel: any Channel
    private let watchdog: ReplyWatchdog
    private let timeout: TimeAmount
    private let tlsContext: NIOSSLContext?
    private let serverHostname: String?
    private var scratch: [UInt8] = []
    /// TLS was started and no reply has come through it yet: a failure now is a TLS failure.
    private var tlsPending: Bool
    private(set) var capabilities = SMTPCapabilities()
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
    }

    deinit { watchdog.cancel() }

    /// Reads the greeting and sets the session up (EHLO, STARTTLS, AUTH).
    mutating func setUp() async throws(SessionFailure) {
        var action = try await nextAction(afterReadingAt: .greeting, dataSent: false)
        while true {
            switch action {
            case .send(let commands):
                try await write(commands, dataSent: false)
                action = try await nextAction(afterReadingAt: commands.last!.stage, dataSent: false)
            case .startTLS:
                try await startTLS()
                action = machine.tlsEstablished()
            case .ready(let capabilities):
                self.capabilities = capabilities
                return
            case .fail(let error):
                throw SessionFailure(error: error, dataSent: false)
            case .wait:
                action = try await nextAction(afterReadingAt: .greeting, dataSent: false)
            case .close, .sendData, .delivered, .deliveryFailed:
                throw SessionFailure(error: MailError(.protocolViolation, severity: .transient, "unexpected step during setup", stage: .greeting), dataSent: false)
            }
        }
    }

    /// Sends one message.
    /// - Throws: ``MessageFailure`` when only the message failed, ``SessionFailure`` when the session ended.
    mutating func deliver(_ job: SMTPJob) async throws -> DeliveryReceipt {
        var action = machine.startTransaction(envelope: job.envelope, size: job.size, eightBit: job.eightBit)
        var dataSent = false
        while true {
            switch action {
            case .send(let commands):
                try await write(commands, dataSent: dataSent)
                action = try await nextAction(afterReadingAt: commands.first!.stage, dataSent: dataSent)
            case .wait:
                action = try await nextAction(afterReadingAt: .rcptTo, dataSent: dataSent)
            case .sendData(let abort):
                dataSent = true
                do {
                    if abort {
                        try await outbound.write(ByteBuffer(string: ".\r\n"))
                    } else {
                        try await outbound.write(job.payload)
                    }
                } catch {
                    throw SessionFailure(error: failure(from: error, stage: .endOfData), dataSent: true)
                }
                action = try await nextAction(afterReadingAt: .endOfData, dataSent: true)
            case .delivered(let receipt):
                messagesSent += 1
                return receipt
            case .deliveryFailed(let error):
                messagesSent += 1
                throw MessageFailure(error: error)
            case .fail(let error):
                throw SessionFailure(error: error, dataSent: dataSent)
            case .close, .startTLS, .ready:
                throw SessionFailure(error: MailError(.protocolViolation, severity: .transient, "unexpected step in a transaction", stage: .mailFrom), dataSent: dataSent)
            }
        }
    }

    /// Says goodbye; errors are ignored (the connection closes either way).
    mutating func quit() async {
        guard case .send(let commands) = machine.quit() else { return }
        do {
            try await write(commands, dataSent: false)
            _ = try await nextAction(afterReadingAt: .quit, dataSent: false)
        } catch {}
    }

    // MARK: - I/O

    private mutating func write(_ commands: [SMTPCommand], dataSent: Bool) async throws(SessionFailure) {
        scratch.removeAll(keepingCapacity: true)
        for command in commands { command.write(into: &scratch) }
        do {
            try await outbound.write(ByteBuffer(bytes: scratch))
        } catch {
            throw SessionFailure(error: failure(from: error, stage: commands.first!.stage), dataSent: dataSent)
        }
    }

    /// Reads a reply and feeds it (or the end of the connection) to the state machine.
    private mutating func nextAction(afterReadingAt stage: SMTPStage, dataSent: Bool) async throws(SessionFailure) -> SMTPClientStateMachine.Action {
        watchdog.arm(timeout)
        defer { watchdog.disarm() }
        do {
            if let reply = try await inbound.next() {
                tlsPending = false
                return machine.receivedReply(reply)
            }
        } catch {
            throw SessionFailure(error: failure(from: error, stage: stage), dataSent: dataSent)
        }
        if watchdog.hasFired {
            throw SessionFailure(error: MailError(.timeout, severity: .transient, "no reply within the command timeout", stage: stage), dataSent: dataSent)
        }
        if tlsPending {
            throw SessionFailure(error: MailError(.tlsFailed, severity: .transient, "connection closed during the TLS handshake", stage: .tlsHandshake), dataSent: dataSent)
        }
        return machine.connectionClosed()
    }

    private mutating func startTLS() async throws(SessionFailure) {
        tlsPending = true
        guard let tlsContext else {
            throw SessionFailure(error: MailError(.tlsFailed, severity: .permanent, "no TLS configuration", stage: .startTLS), dataSent: false)
        }
        let hostname = serverHostname
        let channel = self.channel
        do {
            try await channel.eventLoop.submit {
                let handler = try NIOSSLClientHandler(context: tlsContext, serverHostname: hostname)
                try channel.pipeline.syncOperations.addHandler(handler, position: .first)
            }.get()
        } catch {
            throw SessionFailure(error: MailError(.tlsFailed, severity: .transient, "cannot start TLS", stage: .tlsHandshake, underlying: error), dataSent: false)
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
