/// An error from building, signing or delivering mail.
///
/// Every error says *what* went wrong (``code``), *where* (``stage`` for SMTP, ``context``), whether
/// retrying can help (``severity``), and keeps the server's reply when there was one (with its RFC 3463
/// enhanced status code). Its ``description`` never contains addresses, names or message content:
/// the server's reply text (which may echo an address) is only available through ``reply``.
public struct MailError: Error, Sendable, Equatable, CustomStringConvertible {
    /// What kind of failure this is.
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        private enum Base: String, Hashable, Sendable {
            case invalidAddress, invalidHeader, invalidMessage, invalidURL, invalidKey
            case connectionFailed, connectionClosed, timeout, tlsFailed, authenticationFailed
            case rejected, protocolViolation, unsupportedByServer, messageTooLarge, fileSystem
            case shutdown
        }
        private let base: Base
        private init(_ base: Base) { self.base = base }

        /// An address is malformed or contains characters that could inject headers or commands.
        public static let invalidAddress = Code(.invalidAddress)
        /// A header name or value cannot be written safely.
        public static let invalidHeader = Code(.invalidHeader)
        /// The message as a whole cannot be rendered (for example no body, a bad content type).
        public static let invalidMessage = Code(.invalidMessage)
        /// A transport URL cannot be understood.
        public static let invalidURL = Code(.invalidURL)
        /// A DKIM key cannot be loaded or used.
        public static let invalidKey = Code(.invalidKey)
        /// The TCP connection could not be opened.
        public static let connectionFailed = Code(.connectionFailed)
        /// The server closed the connection before the session was over.
        public static let connectionClosed = Code(.connectionClosed)
        /// The server did not answer in time.
        public static let timeout = Code(.timeout)
        /// The TLS handshake failed (certificate, protocol) or STARTTLS was refused.
        public static let tlsFailed = Code(.tlsFailed)
        /// The server refused the credentials.
        public static let authenticationFailed = Code(.authenticationFailed)
        /// The server refused a command with a 4xx or 5xx reply.
        public static let rejected = Code(.rejected)
        /// The server broke the protocol (malformed reply, unexpected code).
        public static let protocolViolation = Code(.protocolViolation)
        /// The message needs an extension the server lacks (SMTPUTF8, AUTH, STARTTLS).
        public static let unsupportedByServer = Code(.unsupportedByServer)
        /// The message is larger than the server's announced SIZE.
        public static let messageTooLarge = Code(.messageTooLarge)
        /// Writing a message file failed.
        public static let fileSystem = Code(.fileSystem)
        /// The transport was shut down before the message was sent.
        public static let shutdown = Code(.shutdown)

        public var description: String { base.rawValue }
    }

    /// Whether a later retry may succeed.
    public enum Severity: String, Sendable, Hashable {
        /// Try again later (4xx replies, network failures, timeouts).
        case transient
        /// Retrying the same message will fail again (5xx replies, malformed input).
        case permanent
    }

    /// What kind of failure this is.
    public var code: Code
    /// Whether a retry may succeed.
    public var severity: Severity
    /// A short, data-free explanation, for example `"header name contains a colon"`.
    public var context: String
    /// The SMTP stage at which the failure happened, if it happened in an SMTP session.
    public var stage: SMTPStage?
    /// The server's reply that caused the failure, if any.
    public var reply: SMTPReply?
    /// The underlying error (a NIO or TLS error), if any.
    public var underlying: (any Error)?

    /// Makes an error.
    public init(
        _ code: Code,
        severity: Severity,
        _ context: String,
        stage: SMTPStage? = nil,
        reply: SMTPReply? = nil,
        underlying: (any Error)? = nil
    ) {
        self.code = code
        self.severity = severity
        self.context = context
        self.stage = stage
        self.reply = reply
        self.underlying = underlying
    }

    /// An error caused by a server reply, classified by the reply's code.
    static func rejected(_ reply: SMTPReply, at stage: SMTPStage, _ context: String) -> MailError {
        MailError(.rejected, severity: reply.severity, context, stage: stage, reply: reply)
    }

    /// Equal when code, severity, context, stage and reply agree (the underlying error is not compared).
    public static func == (lhs: MailError, rhs: MailError) -> Bool {
        lhs.code == rhs.code && lhs.severity == rhs.severity && lhs.context == rhs.context && lhs.stage == rhs.stage
            && lhs.reply == rhs.reply
    }

    public var description: String {
        var text = "mail error (\(code), \(severity)): \(context)"
        if let stage { text += " during \(stage)" }
        if let reply { text += "; server replied \(reply.summary)" }
        if let underlying { text += "; cause: \(underlying)" }
        return text
    }
}
