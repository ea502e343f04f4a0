/// A string-keyed map that remembers insertion order (JSON objects, Ruby hashes).
///
/// Copy-on-write over one storage object, so passing objects around costs a single retain. Lookups
/// use an open-addressing table over an FNV-1a hash of the key's UTF-8 bytes; variable paths
/// precompute the hashes of their keys at parse time, so rendering never hashes a constant key.
public struct LiquidObject: Sendable {
    /// `@unchecked Sendable`: the storage is only mutated when uniquely referenced (copy-on-write),
    /// so a storage shared between values, tasks or threads is never written.
    ///
    /// `@exclusivity(unchecked)`: every access is a plain read or a write of a uniquely referenced
    /// storage that never overlaps another access, so the runtime checks only cost time on lookups.
    final class Storage: @unchecked Sendable {
        @exclusivity(unchecked) var keys: [String] = []
        @exclusivity(unchecked) var values: [Value] = []
        @exclusivity(unchecked) var hashes: [Int] = []
        /// Indexes into `keys`/`values`, -1 for empty; the capacity is a power of two.
        @exclusivity(unchecked) var slots: [Int32] = []

        init() {}

        init(copying other: Storage) {
            keys = other.keys
            values = other.values
            hashes = other.hashes
            slots = other.slots
        }

        @inline(__always) func find(_ key: String, _ hash: Int) -> Int? {
            if slots.isEmpty { return nil }
            let mask = slots.count - 1
            var i = hash & mask
            while true {
                let index = Int(slots[i])
                if index < 0 { return nil }
                if hashes[index] == hash && keys[index] == key { return index }
                i = (i + 1) & mask
            }
        }

        func insert(_ key: String, _ hash: Int, _ value: Value) {
            if (keys.count + 1) * 2 > slots.count { rebuild(capacity: max(8, slots.count * 2)) }
            keys.append(key)
            values.append(value)
            hashes.append(hash)
            place(keys.count - 1)
        }

        func place(_ index: Int) {
            let mask = slots.count - 1
            var i = hashes[index] & mask
            while slots[i] >= 0 { i = (i + 1) & mask }
            slots[i] = Int32(index)
        }

        func rebuild(capacity: Int) {
            var size = 8
            while size < capacity { size *= 2 }
            slots = [Int32](repeating: -1, count: size)
            for index in keys.indices { place(index) }
        }

        func remove(at index: Int) {
            keys.remove(at: index)
            values.remove(at: index)
            hashes.remove(at: index)
            rebuild(capacity: max(8, keys.count * 2))
        }
    }

    var storage: Storage

    public init() {
        storage = Storage()
    }

    public init(minimumCapacity: Int) {
        storage = Storage()
        storage.keys.reserveCapacity(minimumCapacity)
        storage.values.reserveCapacity(minimumCapacity)
        storage.hashes.reserveCapacity(minimumCapacity)
        storage.rebuild(capacity: minimumCapacity * 2)
    }

    /// FNV-1a over the UTF-8 bytes.
    @inline(__always) static func hash(_ key: String) -> Int {
        var h: UInt64 = 0xcbf2_9ce4_8422_2325
        for b in key.utf8 {
            h = (h ^ UInt64(b)) &* 0x100_0000_01b3
        }
        return Int(truncatingIfNeeded: h ^ (h >> 29))
    }

    /// Keys in insertion order.
    public var keys: [String] { storage.keys }
    /// Values in insertion order.
    public var values: [Value] { storage.values }
    /// The number of entries.
    public var count: Int { storage.keys.count }
    /// Whether there are no entries.
    public var isEmpty: Bool { storage.keys.isEmpty }

    /// The value for `key` whose hash is already known (see ``hash(_:)``).
    @inline(__always) func value(forKey key: String, hash: Int) -> Value? {
        guard let i = storage.find(key, hash) else { return nil }
        return storage.values[i]
    }

    /// `body` applied to the value for `key` in place (without copying it), or `nil` when absent.
    @inline(__always) func withValue(forKey key: String, hash: Int, _ body: (Value) -> Value?) -> Value? {
        guard let i = storage.find(key, hash) else { return nil }
        return storage.values.withUnsafeBufferPointer { body($0[i]) }
    }

    /// Sets `key` (hash already known), keeping its original position when it exists.
    mutating func set(_ key: String, hash: Int, _ value: Value) {
        if !isKnownUniquelyReferenced(&storage) { storage = Storage(copying: storage) }
        if let i = storage.find(key, hash) {
            storage.values[i] = value
        } else {
            storage.insert(key, hash, value)
        }
    }

    /// The value for `key`; setting `nil` removes the entry.
    public subscript(key: String) -> Value? {
        get { value(forKey: key, hash: Self.hash(key)) }
        set {
            let h = Self.hash(key)
            if let newValue {
                set(key, hash: h, newValue)
            } else if let i = storage.find(key, h) {
                if !isKnownUniquelyReferenced(&storage) { storage = Storage(copying: storage) }
                storage.remove(at: i)
            }
        }
    }

    /// Entries in insertion order.
    public var entries: [(key: String, value: Value)] {
        Array(zip(storage.keys, storage.values))
    }
}

extension LiquidObject: Equatable {
    public static func == (lhs: LiquidObject, rhs: LiquidObject) -> Bool {
        if lhs.storage === rhs.storage { return true }
        guard lhs.count == rhs.count else { return false }
        for (i, key) in lhs.storage.keys.enumerated() {
            guard let other = rhs.value(forKey: key, hash: lhs.storage.hashes[i]), lhs.storage.values[i].liquidEquals(other) else { return false }
        }
        return true
    }
}
