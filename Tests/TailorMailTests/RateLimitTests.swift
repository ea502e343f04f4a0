import Foundation
import Testing

@testable import TailorMail

@Suite("Per-domain rate limits")
struct RateLimitTests {
    @Test("a limited domain waits for tokens; other domains do not")
    func tokenBuckets() async throws {
        let limiter = DomainRateLimiter(
            limits: DomainRateLimits(perDomain: ["Slow.example": .init(messagesPerSecond: 20, burst: 1)]))
        let clock = ContinuousClock()
        let fastStart = clock.now
        for _ in 0..<50 { try await limiter.acquire(domains: ["fast.example"]) }
        // Unlimited: far less than the 2.5 s fifty tokens at 20/s would take (generous: tests share the machine).
        #expect(clock.now - fastStart < .seconds(2))
        let slowStart = clock.now
        for _ in 0..<6 { try await limiter.acquire(domains: ["slow.example"]) }
        // One token at once, then 5 more at 20/s: at least 250 ms.
        let elapsed = clock.now - slowStart
        #expect(elapsed >= .milliseconds(240))
        #expect(elapsed < .seconds(60))
    }

    @Test("the default rate applies to unlisted domains")
    func defaultRate() async throws {
        let limits = DomainRateLimits(defaultRate: .init(messagesPerSecond: 10, burst: 2))
        #expect(limits.rate(for: "any.example")?.messagesPerSecond == 10)
        let limiter = DomainRateLimiter(limits: limits)
        let clock = ContinuousClock()
        let start = clock.now
        for _ in 0..<4 { try await limiter.acquire(domains: ["a.example"]) }
        #expect(clock.now - start >= .milliseconds(180))
    }
}
