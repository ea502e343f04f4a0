import Foundation
import HTTPTypes
import NIOCore
import Testing
import TailorServer

/// The failed-authentication limit as a pure value: the limit, the window, separate addresses, and bounded memory.
@Suite("Auth failure limiter")
struct AuthFailureLimiterTests {
    let t0 = Date(timeIntervalSince1970: 1_700_000_000)

    @Test func anAddressIsRefusedAfterItsFailuresUntilItsWindowEnds() {
        var limiter = AuthFailureLimiter(policy: .init(failures: 3, window: 60))
        for i in 0..<3 {
            #expect(limiter.check("10.0.0.1", at: t0 + Double(i)) == .allowed)
            limiter.recordFailure("10.0.0.1", at: t0 + Double(i))
        }
        #expect(limiter.check("10.0.0.1", at: t0 + 3) == .limited(retryAfter: 57))
        #expect(limiter.check("10.0.0.1", at: t0 + 59.2) == .limited(retryAfter: 1))
        #expect(limiter.check("10.0.0.2", at: t0 + 3) == .allowed, "another address is not affected")
        #expect(limiter.check("10.0.0.1", at: t0 + 60) == .allowed, "the window has passed")
        limiter.recordFailure("10.0.0.1", at: t0 + 60)
        #expect(limiter.check("10.0.0.1", at: t0 + 61) == .allowed, "a new window counts from zero")
    }

    @Test func failuresBelowTheLimitNeverRefuse() {
        var limiter = AuthFailureLimiter(policy: .init(failures: 20, window: 60))
        // 19 failures a minute, for ten minutes: never refused.
        for minute in 0..<10 {
            for i in 0..<19 {
                let at = t0 + Double(minute * 60 + i)
                #expect(limiter.check("a", at: at) == .allowed)
                limiter.recordFailure("a", at: at)
            }
        }
    }

    @Test func memoryIsBoundedByForgettingTheOldestAddress() {
        var limiter = AuthFailureLimiter(policy: .init(failures: 2, window: 60, capacity: 100))
        for i in 0..<1_000 {
            limiter.recordFailure("addr-\(i)", at: t0 + Double(i) / 100)
            limiter.recordFailure("addr-\(i)", at: t0 + Double(i) / 100)
            #expect(limiter.count <= 100)
        }
        #expect(limiter.check("addr-999", at: t0 + 10) != .allowed, "the newest are still followed")
        #expect(limiter.check("addr-0", at: t0 + 10) == .allowed, "the oldest were forgotten")
    }

    @Test func endedWindowsAreForgotten() {
        var limiter = AuthFailureLimiter(policy: .init(failures: 5, window: 60))
        for i in 0..<500 { limiter.recordFailure("addr-\(i)", at: t0) }
        #expect(limiter.count == 500)
        limiter.recordFailure("late", at: t0 + 61)
        #expect(limiter.count == 1)
        // Renewed windows leave stale order entries behind; they are skipped, not miscounted.
        for round in 0..<50 { limiter.recordFailure("late", at: t0 + 61 + Double(round) * 61) }
        #expect(limiter.count == 1)
        #expect(limiter.check("late", at: t0 + 61 + 49 * 61 + 1) == .allowed)
    }
}

/// Whose address a failure counts against: the peer's, unless the peer is a proxy on this host.
@Suite("Client address")
struct ClientAddressTests {
    @Test func forwardedHeadersAreBelievedFromALocalProxyOnly() throws {
        let forwarded: HTTPFields = [HTTPField.Name("X-Forwarded-For")!: "10.9.9.9, 198.51.100.4", HTTPField.Name("X-Real-IP")!: "192.0.2.1"]
        let remote = try SocketAddress(ipAddress: "203.0.113.5", port: 50_000)
        let local = try SocketAddress(ipAddress: "127.0.0.1", port: 50_000)
        let local6 = try SocketAddress(ipAddress: "::1", port: 50_000)
        #expect(AuthFailureGuard.clientAddress(peer: remote, headers: forwarded) == "203.0.113.5", "a remote client's headers are not believed")
        #expect(AuthFailureGuard.clientAddress(peer: local, headers: forwarded) == "198.51.100.4", "the hop the proxy added, not the client's")
        #expect(AuthFailureGuard.clientAddress(peer: local6, headers: forwarded) == "198.51.100.4")
        #expect(AuthFailureGuard.clientAddress(peer: local, headers: [HTTPField.Name("X-Real-IP")!: "192.0.2.1"]) == "192.0.2.1")
        #expect(AuthFailureGuard.clientAddress(peer: local, headers: [:]) == "127.0.0.1")
        #expect(AuthFailureGuard.clientAddress(peer: nil, headers: [:]) == "local")
    }
}
