import NIOCore

/// Runs the jobs of the tasks that prefer it (`withTaskExecutorPreference`) on one NIO event loop.
///
/// Why: an SMTP session does little work per reply, but it must do it soon. On the shared cooperative
/// pool its continuation waits behind whatever CPU-heavy jobs are queued there (rendering and DKIM
/// signing the next messages take ~0.5 ms each), so with PIPELINING the connection sits idle between
/// a reply and the next write. On its channel's event loop the session runs right where the reply was
/// decoded, and the writes it makes need no hop back.
final class EventLoopTaskExecutor: TaskExecutor {
    let eventLoop: any EventLoop

    init(_ eventLoop: any EventLoop) {
        self.eventLoop = eventLoop
    }

    func enqueue(_ job: consuming ExecutorJob) {
        let job = UnownedJob(job)
        eventLoop.execute {
            job.runSynchronously(on: self.asUnownedTaskExecutor())
        }
    }
}
