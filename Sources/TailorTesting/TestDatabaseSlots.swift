/// How many throwaway databases the test run keeps open at once.
///
/// Swift Testing starts every test case at once, so without a bound a full run held some 160 SQLite
/// databases open side by side, about 1,450 file descriptors. Foundation's `Process.run()` on Linux lists
/// `/proc/self/fd` to close the parent's descriptors in the child, copying each directory entry's whole
/// `d_name`; once the listing fills glibc's 32 KB buffer (about 1,360 descriptors) the copy of the last
/// entry can run past the end of the buffer and crash the test process. Bounding open databases keeps
/// the count well below that (about 9 descriptors a database: 64 of them and the rest stay under 900), and the
/// machine's two cores were never running more tests than this anyway. Time limits on tests count the wait
/// for a slot too: keep them generous, they are there to catch hangs.
///
/// A test that opens a second database while it holds one (in the same task or its children) does not
/// wait for a second slot, so nesting cannot deadlock.
actor TestDatabaseSlots {
    static let shared = TestDatabaseSlots(limit: 64)
    @TaskLocal static var holding = false

    private let limit: Int
    private var inUse = 0
    private var waiting: [CheckedContinuation<Void, Never>] = []

    init(limit: Int) {
        self.limit = limit
    }

    /// Runs `body` holding a slot (or the slot the calling task already holds).
    nonisolated func withSlot<T>(_ body: () async throws -> T) async throws -> T {
        if Self.holding { return try await body() }
        await acquire()
        do {
            let result = try await Self.$holding.withValue(true) { try await body() }
            await release()
            return result
        } catch {
            await release()
            throw error
        }
    }

    private func acquire() async {
        if inUse < limit {
            inUse += 1
            return
        }
        await withCheckedContinuation { waiting.append($0) }
    }

    private func release() {
        if waiting.isEmpty {
            inUse -= 1
        } else {
            // The slot passes straight to the first waiter.
            waiting.removeFirst().resume()
        }
    }
}
