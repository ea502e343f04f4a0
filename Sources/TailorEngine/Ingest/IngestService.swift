public import Foundation
public import Logging
import Metrics
public import ServiceLifecycle
import Synchronization
public import TailorCore
public import TailorStore

/// The one way events enter Tailor: the HTTP API, imports and the demo all go through it.
///
/// Requests are queued and written by one loop that takes whatever has queued up since its last write
/// and commits it in a single transaction (group commit). Under load that turns many small requests
/// into few large transactions, which is what keeps SQLite's single writer (and PostgreSQL's round
/// trips) fast while every caller still gets its answer only once its events are durable. When the
/// queue holds more than `maxQueuedMessages`, new work is refused with ``IngestError/overloaded``
/// (the API answers 429) rather than piling up.
public final class IngestService: Service, Sendable {
    public struct Options: Sendable {
        /// Messages written in one transaction at most.
        public var maxMessagesPerTransaction = 5_000
        /// Messages waiting to be written beyond which new requests are refused.
        public var maxQueuedMessages = 50_000
        public init() {}
    }

    struct Job {
        var batch: PreparedBatch
        var continuation: CheckedContinuation<Result<IngestResult, any Error>?, Never>
    }

    struct State {
        var jobs: [Job] = []
        var queued = 0
        var waiter: CheckedContinuation<Void, Never>?
        var running = false
        var stopped = false
    }

    /// The only port ingest uses.
    public let events: any EventStore
    public let planner: IngestPlanner
    let options: Options
    let state = Mutex(State())
    let logger: Logger
    let eventsCounter = Counter(label: "tailor_ingest_events_total")
    let duplicatesCounter = Counter(label: "tailor_ingest_duplicates_total")
    let rejectedCounter = Counter(label: "tailor_ingest_rejected_total", dimensions: [("reason", "overload")])
    /// Messages dropped because they name an erased person's user or anonymous id (docs/PRIVACY.md).
    let erasedCounter = Counter(label: "tailor_ingest_dropped_total", dimensions: [("reason", "erased")])
    let transactionTimer = Timer(label: "tailor_ingest_transaction_seconds")

    public init(events: any EventStore, planner: IngestPlanner = IngestPlanner(), options: Options = Options(),
                logger: Logger = Logger(label: "tailor.ingest")) {
        self.events = events
        self.planner = planner
        self.options = options
        self.logger = logger
    }

    /// Stores the messages; returns once they are durable. Throws ``IngestError/overloaded`` when the
    /// queue is full. Without a running loop (`run()`), writes directly.
    ///
    /// What needs no database (encoding, sealing, blind indexes) is done here, on the caller's task, so
    /// that concurrent requests do it in parallel and the single writer only plans and stores.
    public func ingest(_ messages: [Message]) async throws -> IngestResult {
        guard !messages.isEmpty else { return IngestResult() }
        let batch = try events.prepareIngest(messages)
        let queued = state.withLock { $0.running && !$0.stopped }
        guard queued else { return try await write(batch) }
        let admitted: Result<IngestResult, any Error>? = await withCheckedContinuation { continuation in
            let admission: Admission = state.withLock { s in
                // The loop may have ended since the check above: it takes what is queued and clears `running`
                // in one step, so a job is queued only while it runs, or it would wait for ever.
                guard s.running else { return .closed }
                if s.queued + messages.count > options.maxQueuedMessages, s.queued > 0 { return .overloaded }
                s.jobs.append(Job(batch: batch, continuation: continuation))
                s.queued += messages.count
                defer { s.waiter = nil }
                return .queued(waking: s.waiter)
            }
            switch admission {
            case .closed:
                continuation.resume(returning: nil)
            case .overloaded:
                rejectedCounter.increment()
                continuation.resume(returning: .failure(IngestError.overloaded))
            case .queued(let loop):
                loop?.resume()
            }
        }
        guard let admitted else { return try await write(batch) }
        return try admitted.get()
    }

    enum Admission {
        case queued(waking: CheckedContinuation<Void, Never>?), overloaded, closed
    }

    /// The group-commit loop. Ends when the service group shuts down, after draining what is queued.
    public func run() async throws {
        state.withLock { $0.running = true }
        await withGracefulShutdownHandler {
            while true {
                let jobs = await nextJobs()
                if jobs.isEmpty { break }
                await process(jobs)
            }
        } onGracefulShutdown: {
            let waiter = self.state.withLock { s -> CheckedContinuation<Void, Never>? in
                s.stopped = true
                defer { s.waiter = nil }
                return s.waiter
            }
            waiter?.resume()
        }
        // Anything that raced the shutdown is written directly.
        let rest = state.withLock { s -> [Job] in
            s.running = false
            defer { s.jobs = [] }
            return s.jobs
        }
        if !rest.isEmpty { await process(rest) }
    }

    func nextJobs() async -> [Job] {
        while true {
            let taken: [Job]? = state.withLock { s in
                if !s.jobs.isEmpty {
                    var count = 0
                    var n = 0
                    while n < s.jobs.count, n == 0 || count + s.jobs[n].batch.messages.count <= options.maxMessagesPerTransaction {
                        count += s.jobs[n].batch.messages.count
                        n += 1
                    }
                    let jobs = Array(s.jobs.prefix(n))
                    s.jobs.removeFirst(n)
                    s.queued -= count
                    return jobs
                }
                return s.stopped ? [] : nil
            }
            if let taken { return taken }
            await withCheckedContinuation { (c: CheckedContinuation<Void, Never>) in
                let resumeNow = state.withLock { s -> Bool in
                    if !s.jobs.isEmpty || s.stopped { return true }
                    s.waiter = c
                    return false
                }
                if resumeNow { c.resume() }
            }
        }
    }

    /// Commits one group, and answers its callers once it is durable: the loop goes on to the next group as
    /// soon as this one is committed, while the disk syncs it (SQLite; PostgreSQL commits durably).
    func process(_ jobs: [Job]) async {
        let all = PreparedBatch.combining(jobs.map(\.batch))
        let start = ContinuousClock.now
        do {
            try await events.ingest(all, planner: planner) { [self] durable in
                switch durable {
                case .success(let result):
                    record(result, since: start)
                    for job in jobs { job.continuation.resume(returning: .success(jobs.count == 1 ? result : result.share(of: job.batch.messages))) }
                case .failure(let error):
                    for job in jobs { job.continuation.resume(returning: .failure(error)) }
                }
            }
        } catch {
            // One job's failure must not fail the others: retry each alone.
            for job in jobs {
                do {
                    job.continuation.resume(returning: .success(try await write(job.batch)))
                } catch {
                    job.continuation.resume(returning: .failure(error))
                }
            }
        }
    }

    func write(_ batch: PreparedBatch) async throws -> IngestResult {
        let start = ContinuousClock.now
        let result = try await events.ingest(batch, planner: planner)
        record(result, since: start)
        return result
    }

    private func record(_ result: IngestResult, since start: ContinuousClock.Instant) {
        transactionTimer.recordInterval(since: start)
        eventsCounter.increment(by: result.stored)
        duplicatesCounter.increment(by: result.duplicates)
        if result.dropped > 0 { erasedCounter.increment(by: result.dropped) }
    }
}

extension Timer {
    func recordInterval(since start: ContinuousClock.Instant) {
        let d = ContinuousClock.now - start
        recordNanoseconds(d.components.seconds * 1_000_000_000 + d.components.attoseconds / 1_000_000_000)
    }
}

/// Why ingest refused work.
public enum IngestError: Error, Sendable, CustomStringConvertible {
    /// More is queued than the service accepts; try again shortly.
    case overloaded

    public var description: String {
        switch self {
        case .overloaded: "ingest queue is full; retry later"
        }
    }
}
