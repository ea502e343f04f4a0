public import Foundation

/// Counts failed authentications per client address and says when an address must wait: after
/// ``Policy/failures`` failures within ``Policy/window`` of its first one, every attempt from it is refused
/// until that window ends (docs/SECURITY.md). A pure value: the time comes in with each call.
///
/// Memory is bounded: at most ``Policy/capacity`` addresses are followed; past it the one followed longest is
/// forgotten. Addresses are kept in the order their windows began, so expiring and evicting are O(1) each.
public struct AuthFailureLimiter: Sendable {
    public struct Policy: Sendable, Equatable {
        /// Failures allowed within a window; the next attempt is refused.
        public var failures: Int
        /// How long a window lasts from its first failure.
        public var window: TimeInterval
        /// The most addresses followed at once.
        public var capacity: Int

        public init(failures: Int = 20, window: TimeInterval = 60, capacity: Int = 10_000) {
            self.failures = max(1, failures)
            self.window = max(1, window)
            self.capacity = max(1, capacity)
        }
    }

    public enum Decision: Sendable, Equatable {
        case allowed
        /// Refused; the address may try again after this many seconds (at least 1).
        case limited(retryAfter: Int)
    }

    struct Window: Equatable {
        var start: Date
        var failures: Int
    }

    public let policy: Policy
    private(set) var windows: [String: Window] = [:]
    /// Addresses by the start of their window, oldest first, from `head` on; an entry whose window was replaced
    /// is skipped when reached.
    private var order: [(address: String, start: Date)] = []
    private var head = 0

    public init(policy: Policy = Policy()) {
        self.policy = policy
    }

    /// How many addresses are followed now.
    public var count: Int { windows.count }

    /// Whether `address` may try to authenticate at `now`.
    public mutating func check(_ address: String, at now: Date) -> Decision {
        expire(at: now)
        guard let window = windows[address], window.failures >= policy.failures else { return .allowed }
        let end = window.start.addingTimeInterval(policy.window)
        guard now < end else { return .allowed }
        return .limited(retryAfter: max(1, Int(end.timeIntervalSince(now).rounded(.up))))
    }

    /// Records a failed attempt from `address` at `now`.
    public mutating func recordFailure(_ address: String, at now: Date) {
        expire(at: now)
        if var window = windows[address], now < window.start.addingTimeInterval(policy.window) {
            window.failures += 1
            windows[address] = window
            return
        }
        while windows.count >= policy.capacity, let oldest = popOldest() { windows[oldest] = nil }
        windows[address] = Window(start: now, failures: 1)
        order.append((address, now))
    }

    /// Forgets the addresses whose window has ended.
    mutating func expire(at now: Date) {
        while head < order.count {
            let (address, start) = order[head]
            if let window = windows[address], window.start == start {
                guard now >= start.addingTimeInterval(policy.window) else { break }
                windows[address] = nil
            }
            head += 1
        }
        compact()
    }

    /// The address followed longest, removed from the order.
    private mutating func popOldest() -> String? {
        while head < order.count {
            let (address, start) = order[head]
            head += 1
            if windows[address]?.start == start { compact(); return address }
        }
        return nil
    }

    /// Drops the consumed part of `order` once it is the larger half.
    private mutating func compact() {
        if head > 64 && head * 2 > order.count {
            order.removeFirst(head)
            head = 0
        }
    }
}
