import Synchronization

/// Per-domain send rates (token buckets), for example at most 20 messages a second to one mailbox
/// provider. Shared by all connections of a client.
public struct DomainRateLimits: Sendable {
    /// A rate: `messages` per `per` seconds, with bursts of up to `burst`.
    public struct Rate: Sendable, Hashable {
        public var messagesPerSecond: Double
        public var burst: Double
        /// Makes a rate.
        public init(messagesPerSecond: Double, burst: Double? = nil) {
            self.messagesPerSecond = messagesPerSecond
            self.burst = burst ?? max(1, messagesPerSecond)
        }
    }

    /// Rates by lowercase recipient domain.
    public var perDomain: [String: Rate]
    /// The rate for domains not listed; `nil` for no limit.
    public var defaultRate: Rate?

    /// Makes limits.
    public init(perDomain: [String: Rate] = [:], defaultRate: Rate? = nil) {
        self.perDomain = Dictionary(uniqueKeysWithValues: perDomain.map { ($0.key.lowercased(), $0.value) })
        self.defaultRate = defaultRate
    }

    /// Whether any limit is set.
    public var isEmpty: Bool { perDomain.isEmpty && defaultRate == nil }

    func rate(for domain: String) -> Rate? { perDomain[domain] ?? defaultRate }
}

/// Token buckets for ``DomainRateLimits``; `acquire` waits until a send to the domain is allowed.
final class DomainRateLimiter: Sendable {
    private struct Bucket {
        var tokens: Double
        var updated: ContinuousClock.Instant
    }

    private let limits: DomainRateLimits
    private let buckets = Mutex<[String: Bucket]>([:])
    private let clock = ContinuousClock()

    init(limits: DomainRateLimits) {
        self.limits = limits
    }

    /// Takes one token for each domain, waiting as long as needed.
    func acquire(domains: some Sequence<String>) async throws {
        for domain in Set(domains.map { $0.lowercased() }) {
            guard let rate = limits.rate(for: domain), rate.messagesPerSecond > 0 else { continue }
            while true {
                let wait: Double = buckets.withLock { buckets in
                    let now = clock.now
                    var bucket = buckets[domain] ?? Bucket(tokens: rate.burst, updated: now)
                    let elapsed = now - bucket.updated
                    let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
                    bucket.tokens = min(rate.burst, bucket.tokens + seconds * rate.messagesPerSecond)
                    bucket.updated = now
                    defer { buckets[domain] = bucket }
                    if bucket.tokens >= 1 {
                        bucket.tokens -= 1
                        return 0
                    }
                    return (1 - bucket.tokens) / rate.messagesPerSecond
                }
                if wait == 0 { break }
                try await Task.sleep(for: .nanoseconds(Int64(wait * 1e9) + 1))
            }
        }
    }
}
