import Foundation
import GRDB
import Synchronization

/// Moves SQLite's WAL checkpoints off the writer.
///
/// In WAL mode every commit appends the pages it changed to the `-wal` file, and a checkpoint copies
/// them back into the database file. SQLite's default does that on the committing connection as soon
/// as the WAL holds 1,000 pages: under ingest load that is after almost every transaction, and it
/// doubled the time the single writer spent per event (every page written twice and two `fsync`s
/// before the next batch could start). Here the writer's automatic checkpoint is only a backstop
/// (`writerBackstopPages`), and this object checkpoints from its own connection on its own thread:
///
/// - every `interval` it runs a PASSIVE checkpoint, which copies what the WAL holds while the writer
///   goes on committing (readers and the writer are never blocked; a page changed by several batches
///   since the last pass is copied once);
/// - SQLite reuses the WAL from its start only when a write transaction begins with every frame
///   copied; under sustained load each transaction begins right after the previous commit, before any
///   background pass can copy it, so that never happens by itself. Once the WAL holds `restartPages`
///   pages, up to two more background passes run (fewer when the writer committed less than
///   `smallTailPages` during one), then the writer itself copies what was committed during the last
///   pass, between two transactions, and its next transaction starts the WAL over. That short stall,
///   once per 32,768 pages written (128 MB of WAL; a few seconds at full speed), is what remains of
///   checkpoints on the writer. With pauses in the load a background pass copies everything and the
///   WAL starts over by itself.
final class SQLiteCheckpointer: Sendable {
    /// Pages in the WAL beyond which the writer checkpoints by itself (if this object is not running).
    static let writerBackstopPages = 65_536
    let restartPages: Int
    /// A background pass during which fewer pages were committed is the last before the writer's catch-up.
    let smallTailPages = 512
    let interval: Duration
    private let side: DatabaseQueue
    private let writer: DatabasePool
    /// True once stopped; held for the length of each pass, so that no pass runs after ``stop()``.
    private let stopped = Mutex(false)

    init(path: String, writer: DatabasePool, synchronousFull: Bool, interval: Duration = .milliseconds(200),
         restartPages: Int = 32_768) throws {
        var config = Configuration()
        config.busyMode = .timeout(10)
        config.label = "tailor.checkpointer"
        config.prepareDatabase { db in
            // Checkpoints sync the database file as the writer's setting asks.
            try db.execute(sql: "PRAGMA synchronous = \(synchronousFull ? "FULL" : "NORMAL")")
        }
        side = try DatabaseQueue(path: path, configuration: config)
        self.writer = writer
        self.interval = interval
        self.restartPages = restartPages
        let thread = Thread { [self] in self.loop() }
        thread.name = "tailor-checkpointer"
        thread.start()
    }

    private func loop() {
        let seconds = Double(interval.components.seconds) + Double(interval.components.attoseconds) / 1e18
        while true {
            Thread.sleep(forTimeInterval: seconds)
            let goOn = stopped.withLock { stopped in
                if !stopped { passOnce() }
                return !stopped
            }
            if !goOn { break }
        }
    }

    /// One background pass (the caller holds `stopped`), and the writer-side catch-up when the WAL has
    /// grown past `restartPages`; returns the last checkpoint's frame counts. Errors (a busy or closing
    /// database) are not fatal: the next pass tries again, and the writer's own backstop bounds the WAL
    /// whatever happens here.
    @discardableResult
    func passOnce() -> (walFrameCount: Int, checkpointedFrameCount: Int)? {
        guard var last = try? side.writeWithoutTransaction({ try $0.checkpoint(.passive) }) else { return nil }
        guard last.walFrameCount >= restartPages else { return last }
        // Each pass copies what was committed up to its start, so what is left after it is what the
        // writer committed meanwhile. Passing again until that is small keeps the writer's share short.
        for _ in 0..<2 {
            guard let next = try? side.writeWithoutTransaction({ try $0.checkpoint(.passive) }) else { return nil }
            let committedDuringLastPass = next.walFrameCount - last.walFrameCount
            last = next
            if committedDuringLastPass < smallTailPages { break }
        }
        return try? writer.writeWithoutTransaction { try $0.checkpoint(.passive) }
    }

    /// Stops the thread after the pass in progress, if any (so that no pass touches a closed
    /// connection), and closes the side connection.
    func stop() {
        stopped.withLock { s in
            guard !s else { return }
            s = true
            try? side.close()
        }
    }
}
