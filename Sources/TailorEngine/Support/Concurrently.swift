/// Work spread over tasks, at most `width` at once, with the results in the input's order.
enum Concurrently {
    static func map<T: Sendable, R: Sendable>(_ items: [T], width: Int, _ transform: @escaping @Sendable (T) async throws -> R) async throws -> [R] {
        guard items.count > 1, width > 1 else {
            var out: [R] = []
            out.reserveCapacity(items.count)
            for item in items { out.append(try await transform(item)) }
            return out
        }
        return try await withThrowingTaskGroup(of: (Int, R).self) { group in
            var results = [R?](repeating: nil, count: items.count)
            var next = 0
            for _ in 0..<min(width, items.count) {
                let i = next
                group.addTask { (i, try await transform(items[i])) }
                next += 1
            }
            while let (i, result) = try await group.next() {
                results[i] = result
                if next < items.count {
                    let j = next
                    group.addTask { (j, try await transform(items[j])) }
                    next += 1
                }
            }
            return results.map { $0! }
        }
    }
}
