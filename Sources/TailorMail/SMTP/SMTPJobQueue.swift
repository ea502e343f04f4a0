import NIOCore
import Synchronization

/// One message waiting for a connection.
struct SMTPJob: Sendable {
    var envelope: Envelope
    /// The message, dot-stuffed and terminated with CRLF.CRLF.
    var payload: ByteBuffer
    /// Size in octets of the message as sent (for SIZE=).
    var size: Int
    var eightBit: Bool
    /// How often the job was handed back after a stale pooled connection failed before DATA.
    var retries = 0
    let continuation: CheckedContinuation<DeliveryReceipt, any Error>
}

/// The queue between senders and connection workers. Waiting workers that hold an open connection are
/// served before those that would have to open one, so warm connections are reused.
final class SMTPJobQueue: Sendable {
    private struct Waiter {
        var id: Int
        var continuation: CheckedContinuation<SMTPJob?, Never>
    }

    private struct State {
        var jobs: [SMTPJob] = []
        var head = 0
        var connectedWaiters: [Waiter] = []
        var idleWaiters: [Waiter] = []
        var expired: Set<Int> = []
        var nextID = 0
        var closed = false

        mutating func popJob() -> SMTPJob? {
            guard head < jobs.count else { return nil }
            let job = jobs[head]
            head += 1
            if head > 64 && head * 2 > jobs.count {
                jobs.removeFirst(head)
                head = 0
            }
            return job
        }
    }

    private let state = Mutex(State())

    private enum Placement {
        case rejected
        case queued
        case handed(Waiter)
    }

    /// Adds a job; `front` puts it first (a retry). Fails it right away when the queue is closed.
    func enqueue(_ job: SMTPJob, front: Bool = false) {
        let placement: Placement = state.withLock { state in
            if state.closed { return .rejected }
            if let waiter = state.connectedWaiters.popLast() { return .handed(waiter) }
            if !state.idleWaiters.isEmpty { return .handed(state.idleWaiters.removeFirst()) }
            if front {
                if state.head > 0 {
                    state.head -= 1
                    state.jobs[state.head] = job
                } else {
                    state.jobs.insert(job, at: 0)
                }
            } else {
                state.jobs.append(job)
            }
            return .queued
        }
        switch placement {
        case .rejected:
            job.continuation.resume(throwing: MailError(.shutdown, severity: .transient, "the SMTP client is shut down"))
        case .queued:
            break
        case .handed(let waiter):
            waiter.continuation.resume(returning: job)
        }
    }

    /// The next job; waits up to `timeout` (forever when `nil`). `nil` when the wait timed out or the
    /// queue is closed and empty.
    func next(timeout: Duration?, hasConnection: Bool) async -> SMTPJob? {
        let id: Int? = state.withLock { state in
            if state.head < state.jobs.count || state.closed { return nil }
            state.nextID += 1
            return state.nextID
        }
        guard let id else { return state.withLock { $0.popJob() } }
        let timer: Task<Void, Never>? = timeout.map { timeout in
            Task { [weak self] in
                try? await Task.sleep(for: timeout)
                if !Task.isCancelled { self?.expire(id) }
            }
        }
        let job: SMTPJob? = await withCheckedContinuation { continuation in
            let immediate: SMTPJob?? = state.withLock { state in
                if let job = state.popJob() { return .some(job) }
                if state.closed || state.expired.remove(id) != nil { return .some(nil) }
                let waiter = Waiter(id: id, continuation: continuation)
                if hasConnection { state.connectedWaiters.append(waiter) } else { state.idleWaiters.append(waiter) }
                return .none
            }
            if let immediate { continuation.resume(returning: immediate) }
        }
        timer?.cancel()
        state.withLock { _ = $0.expired.remove(id) }
        return job
    }

    /// The next queued job if one is waiting, without waiting (to pipeline it behind a message in flight).
    func poll() -> SMTPJob? {
        state.withLock { $0.popJob() }
    }

    private func expire(_ id: Int) {
        let waiter: Waiter? = state.withLock { state in
            if let index = state.connectedWaiters.firstIndex(where: { $0.id == id }) { return state.connectedWaiters.remove(at: index) }
            if let index = state.idleWaiters.firstIndex(where: { $0.id == id }) { return state.idleWaiters.remove(at: index) }
            state.expired.insert(id)
            return nil
        }
        waiter?.continuation.resume(returning: nil)
    }

    /// Stops taking jobs. Workers finish the queued ones, then get `nil`.
    func close() {
        let waiters: [Waiter] = state.withLock { state in
            state.closed = true
            defer {
                state.connectedWaiters = []
                state.idleWaiters = []
            }
            return state.connectedWaiters + state.idleWaiters
        }
        for waiter in waiters { waiter.continuation.resume(returning: nil) }
    }

    /// Fails every queued job (after the workers are gone).
    func failRemaining(_ error: MailError) {
        let jobs: [SMTPJob] = state.withLock { state in
            state.closed = true
            defer {
                state.jobs = []
                state.head = 0
            }
            return Array(state.jobs[state.head...])
        }
        for job in jobs { job.continuation.resume(throwing: error) }
    }
}
