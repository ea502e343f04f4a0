import Dispatch
import TailorStore

/// CPU work the single SQLite writer hands to another thread and collects later in the same transaction
/// (the work must not touch the database).
final class HandedOff<Value: Sendable>: @unchecked Sendable {
    private let done = DispatchSemaphore(value: 0)
    // Written once by the worker before `done` is signalled; read after `wait` returns.
    private var result: Result<Value, any Error>?

    init(_ work: @escaping @Sendable () throws -> Value) {
        DispatchQueue.global(qos: .userInitiated).async {
            self.result = Result { try work() }
            self.done.signal()
        }
    }

    /// The work's value (or error), once it is done.
    func wait() throws -> Value {
        done.wait()
        return try result!.get()
    }
}
