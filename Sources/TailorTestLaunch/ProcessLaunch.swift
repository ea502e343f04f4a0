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

extension ProcessLaunch {
    /// Everything a child writes to `handle` until it closes it. `FileHandle.readDataToEndOfFile()` and
    /// `availableData` trap when read(2) is interrupted by a signal (EINTR), which happens when other
    /// tests' children exit meanwhile; this retries instead.
    public static func readToEnd(_ handle: FileHandle) -> Data {
        var data = Data()
        while true {
            let chunk = readAvailable(handle)
            if chunk.isEmpty { return data }
            data.append(chunk)
        }
    }

    /// One read(2) of what `handle` has (blocking until something arrives), retrying on EINTR; empty at
    /// the end of the stream or on an error.
    public static func readAvailable(_ handle: FileHandle) -> Data {
        var buffer = [UInt8](repeating: 0, count: 65_536)
        while true {
            let count = read(handle.fileDescriptor, &buffer, buffer.count)
            if count >= 0 { return Data(buffer[0..<count]) }
            if errno != EINTR { return Data() }
        }
    }
}
