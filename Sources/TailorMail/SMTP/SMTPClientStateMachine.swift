/// The client side of an SMTP session as a pure state machine (no I/O).
///
/// The connection code feeds it events — a reply arrived (``receivedReply(_:)``), TLS is up
/// (``tlsEstablished()``), the caller wants to send (``startTransaction(envelope:size:eightBit:)``) or
/// leave (``quit()``), the connection dropped (``connectionClosed()``) — and performs the
/// ``Action`` each returns. It covers the greeting, EHLO (HELO fallback), STARTTLS, AUTH PLAIN and
/// LOGIN, PIPELINING (MAIL, RCPT and DATA in one write when the server allows it), SIZE, 8BITMIME,
/// SMTPUTF8, several messages per session, RSET after a failed transaction (or always, when
/// configured) and QUIT.
///
/// With PIPELINING, messages are also pipelined across transactions (RFC 2920 §3.1: message content
/// may start a group): once the server answers 354, the caller may start the next message
/// (``canPipelineNextMessage``) and write its MAIL, RCPT and DATA right after the current message's
/// content and final dot, in the same write, so that a message costs one round trip instead of two.
/// At most two messages are then in flight; replies are matched to them in order, and
/// ``Action/delivered(_:)`` and ``Action/deliveryFailed(_:)`` always concern the oldest message in
/// flight. A failure of the end of data fails only that message (the transaction is over either way,
/// RFC 5321 §4.1.1.4); a refused MAIL, RCPT or DATA of the next one fails only the next one, and the
/// message after it starts with RSET.
public struct SMTPClientStateMachine: Sendable {
    /// How the session is set up.
    public struct Configuration: Sendable, Hashable {
        /// The name sent in EHLO/HELO.
        public var heloName: String
        /// Whether to upgrade with STARTTLS; ``TLSUpgrade/required`` fails if the server cannot.
        public var startTLS: TLSUpgrade
        /// Credentials for AUTH, if any.
        public var credentials: Credentials?
        /// Send RSET before every message after the first, not only after a failed one.
        public var resetBetweenMessages: Bool

        /// Makes a configuration.
        public init(heloName: String = "localhost", startTLS: TLSUpgrade = .never, credentials: Credentials? = nil, resetBetweenMessages: Bool = false) {
            self.heloName = heloName
            self.startTLS = startTLS
            self.credentials = credentials
            self.resetBetweenMessages = resetBetweenMessages
        }
    }

    /// Whether to issue STARTTLS.
    public enum TLSUpgrade: Sendable, Hashable {
        /// Plain session (or TLS already set up by the connection, implicit TLS).
        case never
        /// Upgrade; fail if the server does not offer STARTTLS.
        case required
    }

    /// A user name and password for AUTH PLAIN or LOGIN.
    public struct Credentials: Sendable, Hashable, CustomStringConvertible {
        public var username: String
        public var password: String
        public init(username: String, password: String) {
            self.username = username
            self.password = password
        }
        public var description: String { "Credentials(<redacted>)" }
    }

    /// What the connection must do next.
    public enum Action: Sendable, Equatable {
        /// Nothing; wait for the next reply.
        case wait
        /// Write these commands (more than one only when pipelining).
        case send([SMTPCommand])
        /// Start the TLS handshake now, then call ``tlsEstablished()``.
        case startTLS
        /// The session is ready for messages.
        case ready(SMTPCapabilities)
        /// Write the message (dot-stuffed, ending with `CRLF.CRLF`); an empty message (just `.`) when
        /// ``SMTPClientStateMachine/Action/sendData(abort:)`` has `abort` set because no recipient was
        /// accepted.
        case sendData(abort: Bool)
        /// The oldest message in flight is delivered (to at least one recipient).
        case delivered(DeliveryReceipt)
        /// The oldest message in flight failed; the session remains usable (a RSET is sent before the
        /// next message when the server may still hold part of the transaction).
        case deliveryFailed(MailError)
        /// The session failed: report the error (to a transaction in flight, if any) and close.
        case fail(MailError)
        /// The session is over: close the connection.
        case close
    }

    private enum AuthStep: Sendable {
        case plain
        case loginStart
        case loginUsername
        case loginPassword
    }

    private struct Transaction: Sendable {
        var envelope: Envelope
        /// Commands not yet written (non-pipelined mode).
        var unsent: [SMTPCommand]
        /// Commands written whose replies are outstanding, oldest first.
        var awaiting: [SMTPCommand]
        var accepted: [String] = []
        var rejected: [RecipientRejection] = []
        var firstFailure: MailError?
        var dataSent = false
        var pipelined: Bool
    }

    private enum State: Sendable {
        case awaitingGreeting
        case awaitingEHLO(afterTLS: Bool)
        case awaitingHELO
        case awaitingStartTLS
        case tlsHandshake
        case authenticating(AuthStep)
        case ready(needsReset: Bool)
        /// Placeholder while a transaction is mutated in place (avoids copy-on-write of its arrays).
        case modifying
        /// A transaction in progress and, once its data is written with PIPELINING, the next one whose
        /// commands followed the data.
        case transaction(Transaction, next: Transaction?)
        case quitting
        case closed
    }

    private var state: State = .awaitingGreeting
    private let configuration: Configuration
    /// What the server announced in its last EHLO reply.
    public private(set) var capabilities = SMTPCapabilities()
    private var secured = false
    /// Messages started on this session.
    public private(set) var messagesStarted = 0

    /// Makes a state machine for a fresh connection (the greeting not yet read).
    /// - Parameters:
    ///   - configuration: how to set up the session.
    ///   - secured: whether the connection is already encrypted (implicit TLS).
    public init(configuration: Configuration, secured: Bool = false) {
        self.configuration = configuration
        self.secured = secured
    }

    /// Whether the session can start a message now.
    public var isReady: Bool {
        if case .ready = state { return true }
        return false
    }

    /// Whether the connection is encrypted.
    public var isSecured: Bool { secured }

    /// Whether ``startTransaction(envelope:size:eightBit:)`` may be called now to pipeline the next
    /// message behind the current one: the server offers PIPELINING, the current message's data is being
    /// written (its DATA got 354, it was not aborted), and no next message is in flight yet. The
    /// commands it returns are written right after the current message's data, in the same write.
    public var canPipelineNextMessage: Bool {
        guard case .transaction(let current, let next) = state else { return false }
        return next == nil && current.pipelined && current.dataSent && current.firstFailure == nil
    }

    /// Messages started whose outcome is not known yet (0, 1, or 2 when one is pipelined behind another).
    public var messagesInFlight: Int {
        guard case .transaction(_, let next) = state else { return 0 }
        return next == nil ? 1 : 2
    }

    /// The stage of the oldest reply awaited in a transaction (for error context), `nil` outside one.
    public var awaitedStage: SMTPStage? {
        guard case .transaction(let current, _) = state else { return nil }
        return current.dataSent ? .endOfData : current.awaiting.first?.stage
    }

    // MARK: - Events

    /// The server sent `reply`.
    public mutating func receivedReply(_ reply: SMTPReply) -> Action {
        switch state {
        case .awaitingGreeting:
            guard reply.code == 220 else {
                return failSession(.rejected(reply, at: .greeting, "server refused the session"))
            }
            state = .awaitingEHLO(afterTLS: false)
            return .send([.ehlo(configuration.heloName)])

        case .awaitingEHLO(let afterTLS):
            if reply.code == 421 { return failSession(.rejected(reply, at: .ehlo, "server is closing the session")) }
            guard reply.isSuccess else {
                // Old servers: fall back to HELO unless an extension is required.
                if reply.code / 100 == 5 && !afterTLS && configuration.startTLS == .never && configuration.credentials == nil {
                    state = .awaitingHELO
                    return .send([.helo(configuration.heloName)])
                }
                return failSession(.rejected(reply, at: .ehlo, "server refused EHLO"))
            }
            capabilities = SMTPCapabilities(ehloReply: reply)
            if !secured && configuration.startTLS == .required {
                guard capabilities.startTLS else {
                    return failSession(MailError(.tlsFailed, severity: .permanent, "server does not offer STARTTLS", stage: .startTLS))
                }
                state = .awaitingStartTLS
                return .send([.startTLS])
            }
            return authenticateOrReady()

        case .awaitingHELO:
            guard reply.isSuccess else { return failSession(.rejected(reply, at: .helo, "server refused HELO")) }
            capabilities = SMTPCapabilities()
            state = .ready(needsReset: false)
            return .ready(capabilities)

        case .awaitingStartTLS:
            guard reply.code == 220 else {
                var error = MailError.rejected(reply, at: .startTLS, "server refused STARTTLS")
                error.code = .tlsFailed
                return failSession(error)
            }
            state = .tlsHandshake
            return .startTLS

        case .tlsHandshake:
            return failSession(MailError(.protocolViolation, severity: .transient, "reply received during the TLS handshake", stage: .tlsHandshake, reply: reply))

        case .authenticating(let step):
            return authenticationReply(reply, step: step)

        case .ready:
            if reply.code == 421 { return failSession(.rejected(reply, at: .mailFrom, "server closed an idle session")) }
            return failSession(MailError(.protocolViolation, severity: .transient, "unsolicited reply", stage: .mailFrom, reply: reply))

        case .modifying:
            preconditionFailure("state machine re-entered while modifying")

        case .transaction(var transaction, let next):
            state = .modifying
            let action = transactionReply(reply, transaction: &transaction, next: next)
            if case .modifying = state { state = .transaction(transaction, next: next) }
            return action

        case .quitting:
            state = .closed
            return .close

        case .closed:
            return .wait
        }
    }

    /// The TLS handshake finished.
    public mutating func tlsEstablished() -> Action {
        guard case .tlsHandshake = state else {
            return failSession(MailError(.protocolViolation, severity: .transient, "TLS established in an unexpected state", stage: .tlsHandshake))
        }
        secured = true
        state = .awaitingEHLO(afterTLS: true)
        return .send([.ehlo(configuration.heloName)])
    }

    /// The caller wants to send a message of `size` octets to `envelope`, either on a ready session
    /// (``isReady``) or pipelined behind the message whose data is being written
    /// (``canPipelineNextMessage``; then the commands go right after that data).
    /// - Returns: the commands to write, or `.deliveryFailed` when the server cannot take the message
    ///   (SIZE, SMTPUTF8, 8BITMIME) or the session cannot start one now — the session stays usable.
    public mutating func startTransaction(envelope: Envelope, size: Int, eightBit: Bool) -> Action {
        let needsReset: Bool
        switch state {
        case .ready(let reset):
            needsReset = reset
        case .transaction where canPipelineNextMessage:
            needsReset = false
        default:
            return .deliveryFailed(MailError(.protocolViolation, severity: .transient, "session is not ready for a message", stage: .mailFrom))
        }
        do {
            try envelope.validate()
        } catch let error as MailError {
            return .deliveryFailed(error)
        } catch {
            return .deliveryFailed(MailError(.invalidAddress, severity: .permanent, "invalid envelope"))
        }
        if let limit = capabilities.maximumSize, size > limit {
            return .deliveryFailed(MailError(.messageTooLarge, severity: .permanent, "message of \(size) octets exceeds the server's SIZE \(limit)", stage: .mailFrom))
        }
        let international = envelope.isInternationalized
        if international && !capabilities.smtpUTF8 {
            return .deliveryFailed(MailError(.unsupportedByServer, severity: .permanent, "internationalized address needs SMTPUTF8", stage: .mailFrom))
        }
        if eightBit && !capabilities.eightBitMIME && !international {
            return .deliveryFailed(MailError(.unsupportedByServer, severity: .permanent, "8-bit message needs 8BITMIME", stage: .mailFrom))
        }
        messagesStarted += 1
        var commands: [SMTPCommand] = []
        if needsReset || (configuration.resetBetweenMessages && messagesStarted > 1) { commands.append(.reset) }
        commands.append(
            .mailFrom(
                envelope.sender, size: capabilities.maximumSize != nil || capabilities.supports("SIZE") ? size : nil,
                eightBitMIME: eightBit && capabilities.eightBitMIME, smtpUTF8: international))
        commands += envelope.recipients.map { .rcptTo($0) }
        commands.append(.data)
        let pipelined = capabilities.pipelining
        var transaction = Transaction(envelope: envelope, unsent: [], awaiting: [], pipelined: pipelined)
        if case .transaction(let current, _) = state {
            // Behind the current message's data (checked by canPipelineNextMessage above).
            transaction.awaiting = commands
            state = .transaction(current, next: transaction)
            return .send(commands)
        }
        if pipelined {
            transaction.awaiting = commands
            state = .transaction(transaction, next: nil)
            return .send(commands)
        }
        transaction.awaiting = [commands[0]]
        transaction.unsent = Array(commands.dropFirst())
        state = .transaction(transaction, next: nil)
        return .send([commands[0]])
    }

    /// The caller is done with the session.
    public mutating func quit() -> Action {
        switch state {
        case .ready:
            state = .quitting
            return .send([.quit])
        case .closed:
            return .close
        default:
            state = .closed
            return .close
        }
    }

    /// The connection closed (or failed) under the session.
    /// - Returns: `.fail` with a transient error if a transaction was in flight or setup was not done,
    ///   `.close` otherwise.
    public mutating func connectionClosed() -> Action {
        let previous = state
        state = .closed
        switch previous {
        case .ready, .quitting, .closed:
            return .close
        case .transaction(let transaction, _):
            let stage = transaction.awaiting.first?.stage ?? .endOfData
            return .fail(MailError(.connectionClosed, severity: .transient, "connection closed during the transaction", stage: stage))
        default:
            return .fail(MailError(.connectionClosed, severity: .transient, "connection closed during session setup", stage: .greeting))
        }
    }

    // MARK: - Helpers

    private mutating func failSession(_ error: MailError) -> Action {
        state = .closed
        return .fail(error)
    }

    private mutating func authenticateOrReady() -> Action {
        guard let credentials = configuration.credentials else {
            state = .ready(needsReset: false)
            return .ready(capabilities)
        }
        let mechanisms = capabilities.authMechanisms
        if mechanisms.contains("PLAIN") {
            state = .authenticating(.plain)
            let token = Array("\0\(credentials.username)\0\(credentials.password)".utf8)
            return .send([.authPlain(Base64.encodeToString(token))])
        }
        if mechanisms.contains("LOGIN") {
            state = .authenticating(.loginStart)
            return .send([.authLogin])
        }
        return failSession(MailError(.unsupportedByServer, severity: .permanent, "server offers neither AUTH PLAIN nor AUTH LOGIN", stage: .auth))
    }

    private mutating func authenticationReply(_ reply: SMTPReply, step: AuthStep) -> Action {
        let credentials = configuration.credentials!
        switch (step, reply.code) {
        case (.plain, 235), (.loginPassword, 235):
            state = .ready(needsReset: false)
            return .ready(capabilities)
        case (.loginStart, 334):
            state = .authenticating(.loginUsername)
            return .send([.authResponse(Base64.encodeToString(Array(credentials.username.utf8)))])
        case (.loginUsername, 334):
            state = .authenticating(.loginPassword)
            return .send([.authResponse(Base64.encodeToString(Array(credentials.password.utf8)))])
        default:
            var error = MailError.rejected(reply, at: .auth, "authentication failed")
            if reply.code / 100 == 5 || reply.code / 100 == 3 { error.code = .authenticationFailed }
            if reply.code / 100 == 3 { error.severity = .permanent }
            return failSession(error)
        }
    }

    /// A reply for the oldest transaction in flight; `next` is the one pipelined behind it, if any.
    private mutating func transactionReply(_ reply: SMTPReply, transaction: inout Transaction, next: Transaction?) -> Action {
        if transaction.dataSent {
            // The reply to the end of data: the outcome of the message. The transaction is over either
            // way; a message pipelined behind it becomes the current one (no RSET needed: RFC 5321
            // §4.1.1.4 clears the server's state after the end-of-data reply, success or not).
            if let next {
                state = .transaction(next, next: nil)
            } else {
                state = .ready(needsReset: !reply.isSuccess || transaction.accepted.isEmpty)
            }
            if reply.code == 421 { return failSession(.rejected(reply, at: .endOfData, "server closed the session")) }
            if let failure = transaction.firstFailure {
                return .deliveryFailed(failure)
            }
            guard reply.isSuccess else { return .deliveryFailed(.rejected(reply, at: .endOfData, "message refused")) }
            return .delivered(DeliveryReceipt(accepted: transaction.accepted, rejected: transaction.rejected, reply: reply))
        }
        guard !transaction.awaiting.isEmpty else {
            return failSession(MailError(.protocolViolation, severity: .transient, "unsolicited reply", stage: .endOfData, reply: reply))
        }
        let command = transaction.awaiting.removeFirst()
        if reply.code == 421 {
            return failSession(.rejected(reply, at: command.stage, "server closed the session"))
        }
        switch command {
        case .reset:
            guard reply.isSuccess else { return failSession(.rejected(reply, at: .reset, "server refused RSET")) }
        case .mailFrom:
            if !reply.isSuccess {
                transaction.firstFailure = .rejected(reply, at: .mailFrom, "sender refused")
                if !transaction.pipelined { return endFailedTransaction(transaction) }
            }
        case .rcptTo(let recipient):
            if reply.isSuccess {
                transaction.accepted.append(recipient)
            } else {
                transaction.rejected.append(RecipientRejection(recipient: recipient, reply: reply))
            }
            if !transaction.pipelined && transaction.unsent.first == .data && transaction.accepted.isEmpty {
                let first = transaction.rejected.first!.reply
                transaction.firstFailure = .rejected(first, at: .rcptTo, "every recipient refused")
                return endFailedTransaction(transaction)
            }
        case .data:
            if reply.code == 354 {
                transaction.dataSent = true
                if transaction.firstFailure == nil && transaction.accepted.isEmpty, let first = transaction.rejected.first {
                    transaction.firstFailure = .rejected(first.reply, at: .rcptTo, "every recipient refused")
                }
                return .sendData(abort: transaction.firstFailure != nil)
            }
            if transaction.firstFailure == nil {
                if transaction.accepted.isEmpty, let first = transaction.rejected.first {
                    transaction.firstFailure = .rejected(first.reply, at: .rcptTo, "every recipient refused")
                } else {
                    transaction.firstFailure = .rejected(reply, at: .data, "DATA refused")
                }
            }
            return endFailedTransaction(transaction)
        default:
            return failSession(MailError(.protocolViolation, severity: .transient, "reply to an unexpected command", stage: command.stage, reply: reply))
        }
        if !transaction.unsent.isEmpty && transaction.awaiting.isEmpty {
            let next = transaction.unsent.removeFirst()
            transaction.awaiting.append(next)
            return .send([next])
        }
        return .wait
    }

    private mutating func endFailedTransaction(_ transaction: Transaction) -> Action {
        state = .ready(needsReset: true)
        return .deliveryFailed(transaction.firstFailure!)
    }
}

/// What happened to one message.
public struct DeliveryReceipt: Sendable, Hashable {
    /// Recipients the server accepted.
    public var accepted: [String]
    /// Recipients the server refused (the message went to the others).
    public var rejected: [RecipientRejection]
    /// The server's final reply (often carrying its queue id), if there was a server.
    public var reply: SMTPReply?

    /// Makes a receipt.
    public init(accepted: [String], rejected: [RecipientRejection] = [], reply: SMTPReply? = nil) {
        self.accepted = accepted
        self.rejected = rejected
        self.reply = reply
    }
}

/// A recipient the server refused, with its reply.
public struct RecipientRejection: Sendable, Hashable {
    /// The refused address.
    public var recipient: String
    /// The server's reply to `RCPT TO`.
    public var reply: SMTPReply
    /// Transient (4xx) or permanent (5xx).
    public var severity: MailError.Severity { reply.severity }
}
