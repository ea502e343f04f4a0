import Foundation
public import HTTPTypes
public import NIOCore
import Synchronization
public import TailorCore

/// The server's one ``AuthFailureLimiter``, shared by the admin API and the dashboard's sign-in form: failed
/// attempts at either count against the same address.
public final class AuthFailureGuard: Sendable {
    private let limiter: Mutex<AuthFailureLimiter>
    let clock: any WallClock

    public init(policy: AuthFailureLimiter.Policy = .init(), clock: any WallClock) {
        self.limiter = Mutex(AuthFailureLimiter(policy: policy))
        self.clock = clock
    }

    func check(_ address: String) -> AuthFailureLimiter.Decision {
        let now = clock.now()
        return limiter.withLock { $0.check(address, at: now) }
    }

    func recordFailure(_ address: String) {
        let now = clock.now()
        limiter.withLock { $0.recordFailure(address, at: now) }
    }

    /// The address failures are counted against: the connection's peer, unless that is a proxy on this host
    /// (loopback, or no socket at all when a test drives the router), in which case the last address the proxy
    /// put in `X-Forwarded-For`, else `X-Real-IP`. Only a proxy on this host is believed: a client elsewhere could
    /// write any header, and would choose a new address for every attempt.
    public static func clientAddress(peer: SocketAddress?, headers: HTTPFields) -> String {
        let peerIP = peer?.ipAddress
        if let peerIP, !isLoopback(peerIP) { return peerIP }
        if let forwarded = headers[HTTPField.Name("X-Forwarded-For")!]?.split(separator: ",").last?.trimmingCharacters(in: .whitespaces),
           !forwarded.isEmpty {
            return String(forwarded.prefix(64))
        }
        if let real = headers[HTTPField.Name("X-Real-IP")!]?.trimmingCharacters(in: .whitespaces), !real.isEmpty {
            return String(real.prefix(64))
        }
        return peerIP ?? "local"
    }

    static func isLoopback(_ ip: String) -> Bool {
        ip.hasPrefix("127.") || ip == "::1" || ip.hasPrefix("::ffff:127.")
    }
}
