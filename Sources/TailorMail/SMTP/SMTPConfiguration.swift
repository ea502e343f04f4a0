/// Where and how an ``SMTPClient`` connects.
public struct SMTPConfiguration: Sendable {
    /// How the connection is protected.
    public enum Security: Sendable, Hashable {
        /// No TLS (`smtp://`; loopback relays and tests).
        case plain
        /// Plain connect, then STARTTLS, required (`smtp+starttls://`, port 587).
        case startTLS
        /// TLS from the first byte (`smtps://`, port 465).
        case implicitTLS
    }

    /// How TLS certificates are checked.
    public struct TLSOptions: Sendable, Hashable {
        /// PEM certificates to trust instead of the system store (for a private CA or a self-signed
        /// test server).
        public var trustRootsPEM: String?
        /// Whether to verify the server's certificate at all. Turn off only for tests.
        public var verifiesCertificate: Bool = true
        /// Whether the certificate must match the host name (when verifying).
        public var verifiesHostname: Bool = true

        /// Makes TLS options.
        public init(trustRootsPEM: String? = nil, verifiesCertificate: Bool = true, verifiesHostname: Bool = true) {
            self.trustRootsPEM = trustRootsPEM
            self.verifiesCertificate = verifiesCertificate
            self.verifiesHostname = verifiesHostname
        }
    }

    /// The server's host name or address.
    public var host: String
    /// The server's port.
    public var port: Int
    /// Plain, STARTTLS or implicit TLS.
    public var security: Security
    /// TLS verification options.
    public var tls: TLSOptions = TLSOptions()
    /// Credentials for AUTH PLAIN/LOGIN.
    public var credentials: SMTPClientStateMachine.Credentials?
    /// The name sent with EHLO.
    public var heloName: String = "localhost"
    /// How long to wait for the TCP connection.
    public var connectTimeout: Duration = .seconds(10)
    /// How long to wait for any reply (RFC 5321 §4.5.3.2 suggests minutes; relays answer in milliseconds).
    public var commandTimeout: Duration = .seconds(60)
    /// How many connections the client keeps open at most.
    public var maximumConnections: Int = 4
    /// Messages sent on one connection before it is closed and replaced (0: no limit).
    public var maximumMessagesPerConnection: Int = 1000
    /// How long an unused connection stays open.
    public var idleTimeout: Duration = .seconds(10)
    /// Send RSET before every message after the first on a connection, not only after a failure.
    public var resetBetweenMessages: Bool = false
    /// Limits on messages per second by recipient domain.
    public var rateLimits: DomainRateLimits = DomainRateLimits()

    /// Makes a configuration.
    public init(host: String, port: Int? = nil, security: Security = .plain) {
        self.host = host
        self.security = security
        switch security {
        case .plain: self.port = port ?? 25
        case .startTLS: self.port = port ?? 587
        case .implicitTLS: self.port = port ?? 465
        }
    }

    var stateMachineConfiguration: SMTPClientStateMachine.Configuration {
        SMTPClientStateMachine.Configuration(
            heloName: heloName, startTLS: security == .startTLS ? .required : .never, credentials: credentials,
            resetBetweenMessages: resetBetweenMessages)
    }
}
