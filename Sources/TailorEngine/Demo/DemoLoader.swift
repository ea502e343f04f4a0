public import Foundation
public import TailorCore
public import TailorStore
public import TailorDemo
import Synchronization

/// Loads the synthetic shop through the same ingest path as the API: products into the catalog, then
/// every customer's messages, several customers per batch, from two producer tasks.
public struct DemoLoader: Sendable {
    public var ingest: IngestService
    /// Where the shop's products go.
    public var products: any ProductStore
    public var batchSize = 2_000

    public init(ingest: IngestService, products: any ProductStore) {
        self.ingest = ingest
        self.products = products
    }

    public struct Outcome: Sendable {
        public var messages: Int
        public var stored: Int
        public var seconds: Double
    }

    public func load(_ shop: DemoShop, producers: Int = 2, progress: (@Sendable (Int, Int) -> Void)? = nil) async throws -> Outcome {
        try await products.upsertProducts(shop.products)
        let started = ContinuousClock.now
        let total = shop.customerCount
        let done = CustomersDone()
        let results = try await withThrowingTaskGroup(of: (Int, Int).self) { group in
            for range in shop.customerRanges(parts: max(1, producers)) {
                group.addTask {
                    var batch: [Message] = []
                    batch.reserveCapacity(batchSize + 200)
                    var messages = 0
                    var stored = 0
                    var customersInBatch = 0
                    for customer in range {
                        batch.append(contentsOf: shop.messages(forCustomer: customer))
                        customersInBatch += 1
                        if batch.count >= batchSize || customer == range.upperBound - 1 {
                            messages += batch.count
                            stored += try await ingest.ingest(batch).stored
                            batch.removeAll(keepingCapacity: true)
                            let customersDone = done.add(customersInBatch)
                            customersInBatch = 0
                            progress?(customersDone, total)
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

/// Customers loaded so far, across producers, for one progress figure.
final class CustomersDone: Sendable {
    private let count = Mutex(0)

    func add(_ n: Int) -> Int {
        count.withLock { c in
            c += n
            return c
        }
    }
}
