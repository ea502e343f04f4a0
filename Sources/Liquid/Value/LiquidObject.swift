/// A string-keyed map that remembers insertion order (JSON objects, Ruby hashes).
public struct LiquidObject: Sendable {
    @usableFromInline var storage: [String: Value] = [:]
    /// Keys in insertion order.
    public private(set) var keys: [String] = []

    public init() {}

    public init(minimumCapacity: Int) {
        storage.reserveCapacity(minimumCapacity)
        keys.reserveCapacity(minimumCapacity)
    }

    /// The number of entries.
    public var count: Int { keys.count }
    /// Whether there are no entries.
    public var isEmpty: Bool { keys.isEmpty }

    /// The value for `key`; setting `nil` removes the entry.
    public subscript(key: String) -> Value? {
        @inlinable get { storage[key] }
        set {
            if let newValue {
                if storage.updateValue(newValue, forKey: key) == nil { keys.append(key) }
            } else if storage.removeValue(forKey: key) != nil {
                keys.removeAll { $0 == key }
            }
        }
    }

    /// Entries in insertion order.
    public var entries: [(key: String, value: Value)] {
        keys.map { ($0, storage[$0]!) }
    }
}

extension LiquidObject: Equatable {
    public static func == (lhs: LiquidObject, rhs: LiquidObject) -> Bool {
        guard lhs.count == rhs.count else { return false }
        for (key, value) in lhs.storage {
            guard let other = rhs.storage[key], value.liquidEquals(other) else { return false }
        }
        return true
    }
}
