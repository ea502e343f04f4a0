/// A string-keyed map that remembers insertion order (JSON objects, Ruby hashes).
///
/// Copy-on-write over one storage object, so passing objects around costs a single retain.
public struct LiquidObject: Sendable {
    /// `@unchecked Sendable`: the storage is only mutated when uniquely referenced (copy-on-write),
    /// so a storage shared between values, tasks or threads is never written.
    final class Storage: @unchecked Sendable {
        var values: [String: Value]
        var keys: [String]

        init(values: [String: Value], keys: [String]) {
            self.values = values
            self.keys = keys
        }
    }

    var storage: Storage

    public init() {
        storage = Storage(values: [:], keys: [])
    }

    public init(minimumCapacity: Int) {
        storage = Storage(values: Dictionary(minimumCapacity: minimumCapacity), keys: [])
        storage.keys.reserveCapacity(minimumCapacity)
    }

    /// Keys in insertion order.
    public var keys: [String] { storage.keys }
    /// The number of entries.
    public var count: Int { storage.keys.count }
    /// Whether there are no entries.
    public var isEmpty: Bool { storage.keys.isEmpty }

    /// The value for `key`; setting `nil` removes the entry.
    public subscript(key: String) -> Value? {
        @inline(__always) get { storage.values[key] }
        set {
            if !isKnownUniquelyReferenced(&storage) {
                storage = Storage(values: storage.values, keys: storage.keys)
            }
            if let newValue {
                if storage.values.updateValue(newValue, forKey: key) == nil { storage.keys.append(key) }
            } else if storage.values.removeValue(forKey: key) != nil {
                storage.keys.removeAll { $0 == key }
            }
        }
    }

    /// Entries in insertion order.
    public var entries: [(key: String, value: Value)] {
        storage.keys.map { ($0, storage.values[$0]!) }
    }
}

extension LiquidObject: Equatable {
    public static func == (lhs: LiquidObject, rhs: LiquidObject) -> Bool {
        if lhs.storage === rhs.storage { return true }
        guard lhs.count == rhs.count else { return false }
        for (key, value) in lhs.storage.values {
            guard let other = rhs.storage.values[key], value.liquidEquals(other) else { return false }
        }
        return true
    }
}
