import Foundation
import Synchronization
import TailorStore

/// What the server read of keys lately, by hash, and when it last recorded each key's use: the state behind
/// ``APIKeyService/authenticate(hash:)``. Unknown secrets are not cached, so a key works as soon as it is created.
final class APIKeyCache: Sendable {
    struct State {
        var keys: [String: (key: APIKeyRecord, readAt: Date)] = [:]
        var usesRecorded: [Int64: Date] = [:]
    }

    private let state = Mutex(State())

    /// The key read for `hash` less than `lifetime` ago.
    func key(hash: String, at now: Date, lifetime: TimeInterval) -> APIKeyRecord? {
        state.withLock { state in
            guard let entry = state.keys[hash], now.timeIntervalSince(entry.readAt) < lifetime, now >= entry.readAt else { return nil }
            return entry.key
        }
    }

    func keep(_ key: APIKeyRecord, hash: String, at now: Date, capacity: Int) {
        state.withLock { state in
            if state.keys.count >= capacity { state.keys.removeAll(keepingCapacity: true) }
            state.keys[hash] = (key, now)
        }
    }

    /// Whether this request should record the key's use: the first after `interval` since the last one
    /// recorded (by this server, else as stored) claims it, so concurrent requests write it once.
    func claimUse(of key: APIKeyRecord, at now: Date, interval: TimeInterval) -> Bool {
        state.withLock { state in
            let last = state.usesRecorded[key.id] ?? key.lastUsedAt
            if let last, now.timeIntervalSince(last) < interval, now >= last { return false }
            if state.usesRecorded.count >= 4096 { state.usesRecorded.removeAll(keepingCapacity: true) }
            state.usesRecorded[key.id] = now
            return true
        }
    }

    func forget(keyID: Int64) {
        state.withLock { state in
            state.keys = state.keys.filter { $0.value.key.id != keyID }
        }
    }
}
