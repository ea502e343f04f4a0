public import Foundation
public import TailorCore
public import TailorDemo
import Synchronization

/// Loads the synthetic shop through the same ingest path as the API: products into the catalog, then
/// every customer's messages, several customers per batch, from two producer tasks.
public struct DemoLoader: Sendable {
    public var ingest: IngestService
    public var batchSize = 2_000

    public init(ingest: IngestService) { self.ingest = ingest }

    public struct Outcome: Sendable {
        public var messages: Int
        public var stored: Int
        public var seconds: Double
    }

    public func load(_ shop: DemoShop, producers: Int = 2, progress: (@Sendable (Int, Int) -> Void)? = nil) async throws -> Outcome {
        try await ingest.database.upsertProducts(shop.products)
        let started = ContinuousClock.now
        let total = shop.customerCount
        let counter = ProgressCounter()
        let results = try await withThrowingTaskGroup(of: (Int, Int).self) { group in
            for range in shop.customerRanges(parts: max(1, producers)) {
                group.addTask {
                    var batch: [Message] = []
                    batch.reserveCapacity(batchSize + 200)
                    var messages = 0
                    var stored = 0
                    for customer in range {
                        batch.append(contentsOf: shop.messages(forCustomer: customer))
                        if batch.count >= batchSize || customer == range.upperBound - 1 {
                            messages += batch.count
                            stored += try await ingest.ingest(batch).stored
                            batch.removeAll(keepingCapacity: true)
                            progress?(counter.add(customer - range.lowerBound + 1 - counter.seen(range.lowerBound)), total)
                            counter.mark(range.lowerBound, customer - range.lowerBound + 1)
                        }
                    }
                    return (messages, stored)
                }
            }
            var sum = (0, 0)
            for try await r in group { sum = (sum.0 + r.0, sum.1 + r.1) }
            return sum
        }
        let elapsed = ContinuousClock.now - started
        return Outcome(messages: results.0, stored: results.1,
                       seconds: Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18)
    }
}

/// Customers done per producer, for one progress figure across producers.
final class ProgressCounter: Sendable {
    private let state = Mutex<(total: Int, perProducer: [Int: Int])>((0, [:]))

    func seen(_ producer: Int) -> Int { state.withLock { $0.perProducer[producer] ?? 0 } }

    func mark(_ producer: Int, _ done: Int) { state.withLock { $0.perProducer[producer] = done } }

    func add(_ n: Int) -> Int {
        state.withLock { s in
            s.total += n
            return s.total
        }
    }
}
