public import Logging
public import NIOCore
import NIOPosix
import NIOSSL

/// An SMTP client with a connection pool, on SwiftNIO.
///
/// Messages passed to ``send(_:)`` wait in a queue; up to ``SMTPConfiguration/maximumConnections``
/// workers each own one connection (opened on demand, reused for many messages, closed after
/// ``SMTPConfiguration/idleTimeout`` without work) and deliver them. The pool runs inside ``run()``;
/// ``withClient(configuration:eventLoopGroup:logger:_:)`` runs it around a closure.
///
/// ```swift
/// try await SMTPClient.withClient(configuration: .init(host: "127.0.0.1", port: 2525)) { client in
///     let receipt = try await client.send(message, signer: signer)
/// }
/// ```
public final class SMTPClient: MailTransport {
    /// The configuration the client was made with.
    public let configuration: SMTPConfiguration
    private let eventLoopGroup: any EventLoopGroup
    private let logger: Logger
    private let queue = SMTPJobQueue()
    private let rateLimiter: DomainRateLimiter?
    private let tlsContext: NIOSSLContext?

    /// Makes a client. Nothing connects until messages are sent while ``run()`` runs.
    /// - Throws: ``MailError`` (``MailError/Code/tlsFailed``) if the TLS options cannot be used.
    public init(
        configuration: SMTPConfiguration,
        eventLoopGroup: (any EventLoopGroup)? = nil,
        logger: Logger = Logger(label: "tailor.mail.smtp")
    ) throws {
        self.configuration = configuration
        self.eventLoopGroup = eventLoopGroup ?? MultiThreadedEventLoopGroup.singleton
        self.logger = logger
        self.rateLimiter = configuration.rateLimits.isEmpty ? nil : DomainRateLimiter(limits: configuration.rateLimits)
        if configuration.security == .plain {
            tlsContext = nil
        } else {
            var tls = TLSConfiguration.makeClientConfiguration()
            if !configuration.tls.verifiesCertificate {
                tls.certificateVerification = .none
            } else if !configuration.tls.verifiesHostname {
                tls.certificateVerification = .noHostnameVerification
            }
            do {
                if let pem = configuration.tls.trustRootsPEM {
                    tls.trustRoots = .certificates(try NIOSSLCertificate.fromPEMBytes(Array(pem.utf8)))
                }
                tlsContext = try NIOSSLContext(configuration: tls)
            } catch {
                throw MailError(.tlsFailed, severity: .permanent, "invalid TLS configuration or trust roots", underlying: error)
            }
        }
    }

    /// Runs `body` with a client whose pool runs meanwhile; then finishes queued messages, says QUIT
    /// and closes every connection.
    public static func withClient<Result: Sendable>(
        configuration: SMTPConfiguration,
        eventLoopGroup: (any EventLoopGroup)? = nil,
        logger: Logger = Logger(label: "tailor.mail.smtp"),
        isolation: isolated (any Actor)? = #isolation,
        _ body: (SMTPClient) async throws -> Result
    ) async throws -> Result {
        let client = try SMTPClient(configuration: configuration, eventLoopGroup: eventLoopGroup, logger: logger)
        return try await withThrowingTaskGroup(of: Void.self, returning: Result.self) { group in
            group.addTask { await client.run() }
            do {
                let result = try await body(client)
                client.shutdown()
                try await group.waitForAll()
                return result
            } catch {
                client.shutdown()
                try? await group.waitForAll()
                throw error
            }
        }
    }

    /// Runs the connection workers until ``shutdown()`` is called (and the queue is drained) or the
    /// task is cancelled.
    public func run() async {
        await withTaskCancellationHandler {
            await withTaskGroup(of: Void.self) { group in
                for worker in 0..<max(1, configuration.maximumConnections) {
                    group.addTask { await self.runWorker(worker) }
                }
            }
        } onCancel: {
            queue.close()
        }
        queue.failRemaining(MailError(.shutdown, severity: .transient, "the SMTP client stopped before sending"))
    }

    /// Stops taking messages; those already queued are still sent.
    public func shutdown() {
        queue.close()
    }

    /// Queues `mail` and waits for its outcome.
    /// - Returns: the receipt (recipients accepted and refused).
    /// - Throws: ``MailError``, classified transient (4xx, network, timeout) or permanent (5xx).
    public func send(_ mail: OutgoingMail) async throws -> DeliveryReceipt {
        try mail.envelope.validate()
        if let rateLimiter {
            try await rateLimiter.acquire(domains: mail.envelope.recipients.map { address in
                address.lastIndex(of: "@").map { String(address[address.index(after: $0)...]) } ?? address
            })
        }
        var payload = ByteBufferAllocator().buffer(capacity: mail.data.count + 64)
        mail.data.withUnsafeBufferPointer { SMTPDotStuffing.append($0, into: &payload) }
        let eightBit = mail.hasEightBitData
        let size = mail.data.count
        return try await withCheckedThrowingContinuation { continuation in
            queue.enqueue(SMTPJob(envelope: mail.envelope, payload: payload, size: size, eightBit: eightBit, continuation: continuation))
        }
    }

    // MARK: - Workers

    private func runWorker(_ number: Int) async {
        while let job = await queue.next(timeout: nil, hasConnection: false) {
            await serveConnection(startingWith: job, worker: number)
        }
    }

    /// Opens a connection and delivers `first` and whatever else arrives until idle, the per-connection
    /// limit, a session failure, or shutdown.
    private func serveConnection(startingWith first: SMTPJob, worker: Int) async {
        var pending: SMTPJob? = first
        let configuration = self.configuration
        let serverHostname = Self.isIPAddress(configuration.host) ? nil : configuration.host
        do {
            let channel = try await connect(serverHostname: serverHostname)
            // The session runs on its channel's event loop, not behind rendering and signing on the
            // cooperative pool (see EventLoopTaskExecutor).
            try await withTaskExecutorPreference(EventLoopTaskExecutor(channel.channel.eventLoop)) {
                try await channel.executeThenClose { inbound, outbound in
                    var session = SMTPSession(
                        configuration: configuration, secured: configuration.security == .implicitTLS, channel: channel.channel,
                        inbound: inbound, outbound: outbound, tlsContext: tlsContext, serverHostname: serverHostname)
                    do {
                        try await session.setUp()
                    } catch let failure as SMTPSession.SessionFailure {
                        throw failure.error
                    }
                    logger.debug("SMTP session ready", metadata: ["worker": "\(worker)", "pipelining": "\(session.capabilities.pipelining)"])
                    do {
                        while true {
                            if session.isIdle {
                                if session.isExhausted { break }
                                let job: SMTPJob?
                                if let first = pending {
                                    pending = nil
                                    job = first
                                } else {
                                    job = await queue.next(timeout: configuration.idleTimeout, hasConnection: true)
                                }
                                guard let job else { break }
                                try await session.start(job)
                            } else {
                                try await session.step(nextJob: queue.poll)
                            }
                        }
                    } catch let failure as SMTPSession.SessionFailure {
                        resolve(failure, reused: session.messagesSent > 0)
                        logger.debug("SMTP session ended", metadata: ["worker": "\(worker)", "error": "\(failure.error.code)"])
                        return
                    }
                    await session.quit()
                }
            }
        } catch {
            let mailError = (error as? MailError) ?? MailError(.connectionFailed, severity: .transient, "cannot connect", stage: .connect, underlying: error)
            logger.debug("SMTP connection failed", metadata: ["worker": "\(worker)", "error": "\(mailError.code)"])
            pending?.continuation.resume(throwing: mailError)
        }
    }

    /// Resolves the messages a failed session left unfinished, oldest first. One whose data never reached
    /// the server, on a reused connection that the server dropped (closed, or 421), goes back to the front
    /// of the queue once for a fresh connection; the others get the error.
    private func resolve(_ failure: SMTPSession.SessionFailure, reused: Bool) {
        let stale = reused && (failure.error.code == .connectionClosed || failure.error.reply?.code == 421)
        var retries: [SMTPJob] = []
        for (index, unfinished) in failure.unfinished.enumerated() {
            if stale && !unfinished.dataSent && unfinished.job.retries == 0 {
                var retry = unfinished.job
                retry.retries += 1
                retries.append(retry)
                continue
            }
            var error = failure.error
            // A message pipelined behind another had its commands outstanding, not the other's data.
            if index > 0 && !unfinished.dataSent { error.stage = .mailFrom }
            unfinished.job.continuation.resume(throwing: error)
        }
        for retry in retries.reversed() { queue.enqueue(retry, front: true) }
    }

    private func connect(serverHostname: String?) async throws -> NIOAsyncChannel<SMTPReply, ByteBuffer> {
        let configuration = self.configuration
        let tlsContext = self.tlsContext
        let timeout = TimeAmount.nanoseconds(
            Int64(configuration.connectTimeout.components.seconds) * 1_000_000_000 + configuration.connectTimeout.components.attoseconds
                / 1_000_000_000)
        do {
            return try await ClientBootstrap(group: eventLoopGroup)
                .connectTimeout(timeout)
                .channelOption(.socketOption(.tcp_nodelay), value: 1)
                .connect(host: configuration.host, port: configuration.port) { channel in
                    channel.eventLoop.makeCompletedFuture {
                        if configuration.security == .implicitTLS, let tlsContext {
                            try channel.pipeline.syncOperations.addHandler(NIOSSLClientHandler(context: tlsContext, serverHostname: serverHostname))
                        }
                        try channel.pipeline.syncOperations.addHandler(ByteToMessageHandler(SMTPReplyDecoder()))
                        return try NIOAsyncChannel<SMTPReply, ByteBuffer>(wrappingChannelSynchronously: channel)
                    }
                }
        } catch {
            throw MailError(.connectionFailed, severity: .transient, "cannot connect to the SMTP server", stage: .connect, underlying: error)
        }
    }

    private static func isIPAddress(_ host: String) -> Bool {
        (try? SocketAddress(ipAddress: host, port: 0)) != nil
    }
}
