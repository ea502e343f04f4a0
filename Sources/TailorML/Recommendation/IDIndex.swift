/// A dense numbering of string identifiers (user or item ids), in order of first appearance.
public struct IDIndex: Sendable, Hashable {
    /// The identifiers, by index.
    public private(set) var ids: [String]
    private var lookup: [String: Int32]

    /// Creates an index, numbering `ids` in order (duplicates keep their first number).
    public init(_ ids: [String] = []) {
        self.ids = []
        self.lookup = [:]
        for id in ids { _ = insert(id) }
    }

    /// Number of identifiers.
    public var count: Int { ids.count }

    /// The index of `id`, if known.
    public func index(of id: String) -> Int32? { lookup[id] }

    /// The index of `id`, adding it when new.
    public mutating func insert(_ id: String) -> Int32 {
        if let i = lookup[id] { return i }
        let i = Int32(ids.count)
        ids.append(id)
        lookup[id] = i
        return i
    }
}
