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
                while let job = pending {
                    pending = nil
                    do {
                        let receipt = try await session.deliver(job)
                        job.continuation.resume(returning: receipt)
                    } catch let failure as SMTPSession.MessageFailure {
                        job.continuation.resume(throwing: failure.error)
                    } catch let failure as SMTPSession.SessionFailure {
                        // A reused connection that the server dropped while idle: retry once on a fresh one.
                        if session.messagesSent > 0 && !failure.dataSent && job.retries == 0
                            && (failure.error.code == .connectionClosed || failure.error.reply?.code == 421)
                        {
                            var retry = job
                            retry.retries += 1
                            queue.enqueue(retry, front: true)
                        } else {
                            job.continuation.resume(throwing: failure.error)
                        }
                        logger.debug("SMTP session ended", metadata: ["worker": "\(worker)", "error": "\(failure.error.code)"])
                        return
                    } catch {
                        job.continuation.resume(throwing: MailError(.protocolViolation, severity: .transient, "unexpected error", underlying: error))
                        return
                    }
                    if configuration.maximumMessagesPerConnection > 0 && session.messagesSent >= configuration.maximumMessagesPerConnection {
                        break
                    }
                    pending = await queue.next(timeout: configuration.idleTimeout, hasConnection: true)
                }
                await session.quit()
            }
        } catch {
            let mailError = (error as? MailError) ?? MailError(.connectionFailed, severity: .transient, "cannot connect", stage: .connect, underlying: error)
            logger.debug("SMTP connection failed", metadata: ["worker": "\(worker)", "error": "\(mailError.code)"])
            pending?.continuation.resume(throwing: mailError)
        }
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
