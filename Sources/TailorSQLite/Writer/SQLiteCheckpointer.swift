import Foundation
import GRDB
import Synchronization
import TailorStore

/// Moves SQLite's WAL checkpoints off the writer.
///
/// In WAL mode every commit appends the pages it changed to the `-wal` file, and a checkpoint copies
/// them back into the database file. SQLite's default does that on the committing connection as soon
/// as the WAL holds 1,000 pages: under ingest load that is after almost every transaction, every page
/// written twice and two `fsync`s before the next batch can start. Here the writer's automatic
/// checkpoint is only a backstop (`writerBackstopPages`), and this object checkpoints from its own
/// connection on its own thread:
///
/// - every `interval` (1 s) it runs a PASSIVE checkpoint, which copies what the WAL holds while the
///   writer goes on committing (readers and the writer are never blocked). A page changed by several
///   batches since the last pass is copied once, so passes are spaced out rather than frequent. It looks
///   every `tick` (200 ms) and passes sooner when the WAL, growing as fast as between the last two passes,
///   would reach `restartPages` by the next look, so that the writer's backstop is never reached;
/// - SQLite reuses the WAL from its start only when a write transaction begins with every frame copied;
///   under sustained load each transaction begins right after the previous commit, so that never happens
///   by itself. Once the WAL holds `restartPages` pages, up to two more background passes run (fewer when
///   the writer committed less than `smallTailPages` during one), then the writer itself copies what was
///   committed during the last pass, between two transactions, and its next transaction starts the WAL
///   over. That short stall is what remains of checkpoints on the writer, once per `restartPages` written;
///   a large restart size makes it rare, at the price of a `-wal` file kept at about that size to be
///   reused. With pauses in the load a background pass copies everything and the WAL starts over by itself.
///
/// The measurements behind the interval and the restart size are in Benchmarks/RESULTS.md ("Checkpoints").
final class SQLiteCheckpointer: Sendable {
    /// Pages in the WAL beyond which the writer checkpoints by itself (if this object is not running).
    static let writerBackstopPages = 524_288
    let restartPages: Int
    /// A background pass during which fewer pages were committed is the last before the writer's catch-up.
    let smallTailPages = 512
    let interval: Duration
    let tick: Duration
    private let side: DatabaseQueue
    private let writer: DatabasePool
    /// True once stopped; held for the length of each pass, so that no pass runs after ``stop()``.
    private let stopped = Mutex(false)

    init(path: String, writer: DatabasePool, interval: Duration = .seconds(1),
         tick: Duration = .milliseconds(200), restartPages: Int = 262_144) throws {
        var config = Configuration()
        config.busyMode = .timeout(10)
        config.label = "tailor.checkpointer"
        // SQLite's default `synchronous` (FULL): a checkpoint syncs the WAL before copying it and the database
        // file after (NORMAL would too); commits are made durable by SQLiteWALSyncer.
        side = try DatabaseQueue(path: path, configuration: config)
        self.writer = writer
        self.interval = interval
        self.tick = tick
        self.restartPages = restartPages
        let thread = Thread { [self] in self.loop() }
        thread.name = "tailor-checkpointer"
        thread.start()
    }

    private func loop() {
        let seconds = CheckpointSchedule.seconds(tick)
        var schedule = CheckpointSchedule(interval: interval, tick: tick, restartPages: restartPages, start: .now)
        while true {
            Thread.sleep(forTimeInterval: seconds)
            let goOn = stopped.withLock { stopped in
                if !stopped, schedule.isDue(at: .now) {
                    let frames = passOnce()?.walFrameCount
                    // Past `restartPages` the pass ended with the writer's catch-up: the WAL starts over.
                    schedule.passed(at: .now, walFrames: frames.map { $0 >= restartPages ? 0 : $0 })
                }
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

/// When the checkpointer's next background pass is due: `interval` after the last, or sooner when the WAL,
/// growing at the rate seen between the last two passes, would hold `restartPages` frames by the next
/// look (`tick` later).
struct CheckpointSchedule {
    let interval: Duration
    let tick: Duration
    let restartPages: Int
    private(set) var lastPass: ContinuousClock.Instant
    private(set) var walFrames = 0
    private(set) var framesPerSecond = 0.0

    init(interval: Duration, tick: Duration, restartPages: Int, start: ContinuousClock.Instant) {
        self.interval = interval
        self.tick = tick
        self.restartPages = restartPages
        lastPass = start
    }

    func isDue(at now: ContinuousClock.Instant) -> Bool {
        let elapsed = now - lastPass
        if elapsed >= interval { return true }
        let projected = Double(walFrames) + framesPerSecond * Self.seconds(elapsed + tick)
        return projected >= Double(restartPages)
    }

    /// A pass ran at `now` and left `walFrames` frames in the WAL (0 when it will start over; nil when
    /// the pass failed: the rate is kept).
    mutating func passed(at now: ContinuousClock.Instant, walFrames frames: Int?) {
        defer { lastPass = now }
        guard let frames else { return }
        let elapsed = Self.seconds(now - lastPass)
        if elapsed > 0 {
            // After a restart the WAL holds only what came since: a lower bound of the rate, which is fine.
            framesPerSecond = Double(frames >= walFrames ? frames - walFrames : frames) / elapsed
        }
        walFrames = frames
    }

    static func seconds(_ d: Duration) -> Double {
        Double(d.components.seconds) + Double(d.components.attoseconds) / 1e18
    }
}
