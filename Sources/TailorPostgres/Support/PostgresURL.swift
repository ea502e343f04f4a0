import Foundation
import PostgresNIO
import TailorStore

/// The parts of a `postgres://user:password@host:port/database?sslmode=…` URL that Tailor uses.
///
/// `host` may also be given as a query item naming a Unix socket directory (`?host=/var/run/postgresql`),
/// as libpq allows. `sslmode` is `disable` (the default, for loopback and private networks), `prefer` or
/// `require`.
public struct PostgresURL: Sendable, Equatable {
    public enum TLSMode: String, Sendable { case disable, prefer, require }

    public var host: String
    public var port: Int
    public var username: String
    public var password: String?
    public var database: String
    public var unixSocketDirectory: String?
    public var tls: TLSMode

    /// Parses a URL.
    /// - Throws: ``StoreError`` (`unsupportedURL`) naming what is wrong, never the password.
    public init(_ text: String) throws {
        guard text.hasPrefix("postgres://") || text.hasPrefix("postgresql://"), let components = URLComponents(string: text) else {
            throw StoreError(.unsupportedURL, "a PostgreSQL URL looks like postgres://user:password@host:5432/database")
        }
        username = components.percentEncodedUser.flatMap { $0.removingPercentEncoding } ?? "postgres"
        password = components.percentEncodedPassword.flatMap { $0.removingPercentEncoding }
        host = components.host.flatMap { $0.isEmpty ? nil : $0 } ?? "127.0.0.1"
        port = components.port ?? 5432
        let path = components.path.hasPrefix("/") ? String(components.path.dropFirst()) : components.path
        database = path.removingPercentEncoding.flatMap { $0.isEmpty ? nil : $0 } ?? username
        tls = .disable
        for item in components.queryItems ?? [] {
            switch item.name {
            case "sslmode":
                switch item.value ?? "" {
                case "disable", "allow": tls = .disable
                case "prefer": tls = .prefer
                case "require", "verify-ca", "verify-full": tls = .require
                default: throw StoreError(.unsupportedURL, "unknown sslmode in the PostgreSQL URL")
                }
            case "host":
                if let value = item.value, value.hasPrefix("/") { unixSocketDirectory = value }
            default:
                continue  // libpq options Tailor does not use (application_name, connect_timeout, …)
            }
        }
    }

    /// The same server with another database (tests create and drop databases next to the given one).
    public func with(database: String) -> PostgresURL {
        var copy = self
        copy.database = database
        return copy
    }

    /// A description for errors and logs: no password.
    public var redacted: String {
        if let unixSocketDirectory { return "postgres://\(username)@[\(unixSocketDirectory)]/\(database)" }
        return "postgres://\(username)@\(host):\(port)/\(database)"
    }

    /// Settings every Tailor session starts with. JIT compilation is off: Tailor's queries are short, and a
    /// segment of a thousand conditions is a query of a thousand subplans, which the JIT spends minutes
    /// compiling for a result the executor gives in milliseconds.
    static let sessionSettings = [("jit", "off")]

    var clientConfiguration: PostgresClient.Configuration {
        var configuration: PostgresClient.Configuration
        if let unixSocketDirectory {
            configuration = PostgresClient.Configuration(unixSocketPath: "\(unixSocketDirectory)/.s.PGSQL.\(port)", username: username,
                                                         password: password, database: database)
        } else {
            let mode: PostgresClient.Configuration.TLS
            switch tls {
            case .disable: mode = .disable
            case .prefer: mode = .prefer(.makeClientConfiguration())
            case .require: mode = .require(.makeClientConfiguration())
            }
            configuration = PostgresClient.Configuration(host: host, port: port, username: username, password: password, database: database,
                                                         tls: mode)
        }
        configuration.options.additionalStartupParameters = Self.sessionSettings
        return configuration
    }

    var connectionConfiguration: PostgresConnection.Configuration {
        get throws {
            if let unixSocketDirectory {
                var configuration = PostgresConnection.Configuration(unixSocketPath: "\(unixSocketDirectory)/.s.PGSQL.\(port)",
                                                                     username: username, password: password, database: database)
                configuration.options.additionalStartupParameters = Self.sessionSettings
                return configuration
            }
            let mode: PostgresConnection.Configuration.TLS
            switch tls {
            case .disable: mode = .disable
            case .prefer: mode = .prefer(try .init(configuration: .makeClientConfiguration()))
            case .require: mode = .require(try .init(configuration: .makeClientConfiguration()))
            }
            var configuration = PostgresConnection.Configuration(host: host, port: port, username: username, password: password,
                                                                 database: database, tls: mode)
            configuration.options.additionalStartupParameters = Self.sessionSettings
            return configuration
        }
    }
}
