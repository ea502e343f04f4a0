import Foundation
import Synchronization
import TailorStore

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Makes what the writer has committed durable, off the writer.
///
/// GRDB's `DatabasePool` runs its writer with `synchronous = NORMAL`: a commit appends its pages to the
/// `-wal` file and returns without `fsync`, so a crash of the process loses nothing, but a power loss
/// can lose the last transactions. `synchronous = FULL` would `fsync` on the writer at every commit,
/// and the writer would wait for the disk instead of writing the next batch (measured: 17 % fewer
/// events/s under `Benchmarks/Ingest`). Instead, a caller that needs its commit durable asks this
/// object after the commit; one `fdatasync` of the `-wal` file on this object's own queue then serves
/// every caller that asked before it began, while the writer goes on.
///
/// Why a sync of the `-wal` file is enough: the commit's frames are in it (written before the commit
/// returned), and SQLite's recovery keeps every transaction whose frames are on disk, in order. The
/// WAL only starts over after a checkpoint copied every frame into the database file, and a checkpoint
/// syncs the WAL before copying and the database file after (also under NORMAL).
final class SQLiteWALSyncer: Sendable {
    typealias Completion = @Sendable (Result<Void, any Error>) -> Void

    private struct Waiting {
        var completions: [Completion] = []
        var scheduled = false
    }

    private struct File {
        var descriptor: Int32 = -1
        var device: UInt64 = 0
        var inode: UInt64 = 0
    }

    /// The `-wal` file's path.
    let path: String
    private let waiting = Mutex(Waiting())
    /// Only touched on `queue`.
    private let file = Mutex(File())
    private let queue = DispatchQueue(label: "tailor.wal-sync")
    private let syncFile: @Sendable (Int32) -> Int32

    /// `databasePath` is the database file's; `sync` is `fdatasync` (a test may fail it).
    init(databasePath: String, sync: @escaping @Sendable (Int32) -> Int32 = { fdatasync($0) }) {
        path = databasePath + "-wal"
        syncFile = sync
    }

    deinit {
        let fd = file.withLock { $0.descriptor }
        if fd >= 0 { close(fd) }
    }

    /// Calls `completion` once an `fdatasync` of the WAL that began after this call has ended (with its
    /// error, if it failed). Never on the caller's thread.
    func whenSynced(_ completion: @escaping Completion) {
        let schedule = waiting.withLock { w -> Bool in
            w.completions.append(completion)
            if w.scheduled { return false }
            w.scheduled = true
            return true
        }
        if schedule { queue.async { self.pass() } }
    }

    /// Returns once an `fdatasync` of the WAL that began after this call has ended.
    func sync() async throws {
        try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Void, any Error>) in
            whenSynced { continuation.resume(with: $0) }
        }
    }

    /// One sync for everyone who asked until now. Those who ask while it runs get the next one: their
    /// commit may have come after the sync began.
    private func pass() {
        let completions = waiting.withLock { w -> [Completion] in
            defer {
                w.completions = []
                w.scheduled = false
            }
            return w.completions
        }
        let result = Result { try syncWAL() }
        for completion in completions { completion(result) }
    }

    private func syncWAL() throws {
        try file.withLock { f in
            var status = stat()
            guard stat(path, &status) == 0 else {
                // No WAL: the last connection checkpointed everything into the database file (and synced
                // it) and removed it; nothing is waiting in a WAL.
                if errno == ENOENT { return }
                throw StoreError(.backend, "cannot find the SQLite WAL to sync it: \(Self.describe(errno))")
            }
            if f.descriptor < 0 || UInt64(status.st_dev) != f.device || UInt64(status.st_ino) != f.inode {
                if f.descriptor >= 0 { close(f.descriptor) }
                f.descriptor = open(path, O_RDONLY | O_CLOEXEC)
                guard f.descriptor >= 0 else {
                    throw StoreError(.backend, "cannot open the SQLite WAL to sync it: \(Self.describe(errno))")
                }
                f.device = UInt64(status.st_dev)
                f.inode = UInt64(status.st_ino)
                // A new WAL file: its directory entry must be durable too.
                let folder = (path as NSString).deletingLastPathComponent
                let directory = open(folder.isEmpty ? "." : folder, O_RDONLY | O_CLOEXEC)
                if directory >= 0 {
                    defer { close(directory) }
                    _ = fsync(directory)
                }
            }
            guard syncFile(f.descriptor) == 0 else {
                throw StoreError(.backend, "cannot sync the SQLite WAL to disk: \(Self.describe(errno))")
            }
        }
    }

    private static func describe(_ code: Int32) -> String { String(cString: strerror(code)) }
}
