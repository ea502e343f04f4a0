public import Foundation
public import Logging

/// A transport named by a URL:
/// - `smtp://user:pass@host:port` — plain SMTP (port 25 by default);
/// - `smtp+starttls://…` — STARTTLS required (587);
/// - `smtps://…` — implicit TLS (465);
/// - `file:///path/to/folder` — a ``FileSink``.
///
/// SMTP URLs take query options: `connections=N`, `helo=name`, `timeout=seconds`,
/// `ca=/path/to/roots.pem` (trust these roots), `verify=none` (no certificate checks; tests only) or
/// `verify=no-hostname`. User name and password are percent-decoded.
public enum MailTransportURL: Sendable {
    case smtp(SMTPConfiguration)
    case file(URL)

    /// Parses a transport URL.
    /// - Throws: ``MailError`` (``MailError/Code/invalidURL``) for other schemes or malformed URLs.
    public init(_ string: String) throws {
        guard let components = URLComponents(string: string), let scheme = components.scheme?.lowercased() else {
            throw MailError(.invalidURL, severity: .permanent, "not a URL")
        }
        if scheme == "file" {
            guard !components.path.isEmpty else { throw MailError(.invalidURL, severity: .permanent, "file URL needs a path") }
            self = .file(URL(fileURLWithPath: components.path, isDirectory: true))
            return
        }
        let security: SMTPConfiguration.Security
        switch scheme {
        case "smtp": security = .plain
        case "smtp+starttls", "submission": security = .startTLS
        case "smtps": security = .implicitTLS
        default: throw MailError(.invalidURL, severity: .permanent, "scheme must be smtp, smtp+starttls, smtps or file")
        }
        guard let host = components.host, !host.isEmpty else {
            throw MailError(.invalidURL, severity: .permanent, "SMTP URL needs a host")
        }
        var configuration = SMTPConfiguration(host: host.trimmingCharacters(in: CharacterSet(charactersIn: "[]")), port: components.port, security: security)
        if let user = components.user {
            configuration.credentials = SMTPClientStateMachine.Credentials(
                username: user.removingPercentEncoding ?? user, password: components.password.map { $0.removingPercentEncoding ?? $0 } ?? "")
        }
        for item in components.queryItems ?? [] {
            let value = item.value ?? ""
            switch item.name {
            case "connections":
                guard let count = Int(value), count > 0 else { throw MailError(.invalidURL, severity: .permanent, "connections must be a positive integer") }
                configuration.maximumConnections = count
            case "helo":
                configuration.heloName = value
            case "timeout":
                guard let seconds = Double(value), seconds > 0 else { throw MailError(.invalidURL, severity: .permanent, "timeout must be positive seconds") }
                configuration.commandTimeout = .milliseconds(Int64(seconds * 1000))
            case "ca":
                do {
                    configuration.tls.trustRootsPEM = try String(contentsOfFile: value, encoding: .utf8)
                } catch {
                    throw MailError(.invalidURL, severity: .permanent, "cannot read the ca file", underlying: error)
                }
            case "verify":
                switch value {
                case "none": configuration.tls.verifiesCertificate = false
                case "no-hostname": configuration.tls.verifiesHostname = false
                case "full": break
                default: throw MailError(.invalidURL, severity: .permanent, "verify must be full, no-hostname or none")
                }
            default:
                throw MailError(.invalidURL, severity: .permanent, "unknown option \(item.name)")
            }
        }
        self = .smtp(configuration)
    }

    /// Runs `body` with the transport this URL names (an SMTP client's pool runs meanwhile).
    public func withTransport<Result: Sendable>(
        logger: Logger = Logger(label: "tailor.mail"),
        isolation: isolated (any Actor)? = #isolation,
        _ body: (any MailTransport) async throws -> Result
    ) async throws -> Result {
        switch self {
        case .file(let directory):
            return try await body(try FileSink(directory: directory))
        case .smtp(let configuration):
            return try await SMTPClient.withClient(configuration: configuration, logger: logger) { client in
                try await body(client)
            }
        }
    }
}
