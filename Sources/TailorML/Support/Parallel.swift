import Dispatch
import Foundation
import Synchronization

/// Work sharing over cores: the range is cut into chunks that worker threads claim one at a time,
/// which balances skewed work (a few users with many interactions) without a scheduler.
@usableFromInline enum Parallel {
    /// The number of active processors, the default thread count.
    @usableFromInline static var defaultThreadCount: Int { max(1, ProcessInfo.processInfo.activeProcessorCount) }

    /// Calls `body` with disjoint chunks covering `0..<count`, on up to `threads` threads.
    /// `body` receives the chunk and the index of the worker (0..<threads) running it, so callers can
    /// keep per-worker scratch space.
    static func forEachChunk(
        count: Int,
        chunkSize: Int,
        threads: Int,
        _ body: (_ range: Range<Int>, _ worker: Int) -> Void
    ) {
        guard count > 0 else { return }
        let chunk = max(1, chunkSize)
        let chunks = (count + chunk - 1) / chunk
        let workers = max(1, min(threads, chunks))
        if workers == 1 {
            body(0..<count, 0)
            return
        }
        let next = Atomic<Int>(0)
        withoutActuallyEscaping(body) { body in
            let shared = UncheckedSendable(body)
            DispatchQueue.concurrentPerform(iterations: workers) { worker in
                while true {
                    let c = next.wrappingAdd(1, ordering: .relaxed).oldValue
                    if c >= chunks { break }
                    let start = c * chunk
                    shared.value(start..<min(count, start + chunk), worker)
                }
            }
        }
    }
}

/// Lends a non-Sendable value to the worker threads of ``Parallel/forEachChunk(count:chunkSize:threads:_:)``.
/// `@unchecked` because the callers' closures only write to disjoint parts of their buffers (each
/// chunk or worker index owns its slice) and `concurrentPerform` joins all workers before returning.
struct UncheckedSendable<T>: @unchecked Sendable {
    let value: T
    init(_ value: T) { self.value = value }
}
