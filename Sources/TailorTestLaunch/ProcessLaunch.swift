public import Foundation

/// How every test starts a child process (a peer in Python, the `tailor` binary, `curl`, `pg_dump`): one
/// launch at a time in the whole test run. Foundation's `Process.run()` on Linux is not safe to call from
/// several threads at once; it crashed copying its arguments while tests of different targets launched
/// peers side by side. One module, linked once into the test binary, so the lock is shared by every target.
public enum ProcessLaunch {
    private static let lock = NSLock()

    public static func run(_ process: Process) throws {
        lock.lock()
        defer { lock.unlock() }
        try process.run()
    }
}
