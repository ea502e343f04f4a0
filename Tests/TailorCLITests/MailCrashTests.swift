import Foundation
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// The outbox survives a sender killed with SIGKILL: every queued message reaches the sink, the only
/// duplicates are messages that were in flight, and the database agrees with the sink.
@Suite("Mail outbox crash")
struct MailCrashTests {
    /// The delivered `.eml` files (temporary files of an interrupted write are hidden and skipped).
    func delivered(_ sink: URL) -> [String] {
        ((try? FileManager.default.contentsOfDirectory(atPath: sink.path)) ?? []).filter { $0.hasSuffix(".eml") && !$0.hasPrefix(".") }
    }

    /// Runs `tailor` and kills it with SIGKILL once the sink holds `count` messages; returns whether it was still running then.
    func runAndKill(_ arguments: [String], environment: [String: String], in directory: URL, whenSinkHas count: Int, sink: URL) async throws -> Bool {
        try await runTailorAndKill(arguments, environment: environment, in: directory) { delivered(sink).count >= count }
    }

    @Test func killedSenderResumesWithoutLossAndFewDuplicates() async throws {
        let directory = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let sink = directory.appendingPathComponent("sink")
        let count = 2000
        let batch = 25
        let environment = ["TAILOR_DATABASE_URL": "sqlite:\(directory.path)/mail.db", "TAILOR_MAIL_URL": "file://\(sink.path)"]
        let queued = try await tailor(["mail", "enqueue-sample", "--count", "\(count)", "--html-bytes", "2000"], in: directory,
                                      environment: environment)
        #expect(queued.status == 0, "\(queued.stderr)")
        #expect(queued.stdout.contains("queued \(count) messages"))

        let drain = ["mail", "drain", "--lease", "1", "--batch-size", "\(batch)", "--concurrency", "4"]
        let killed = try await runAndKill(drain, environment: environment, in: directory, whenSinkHas: count / 3, sink: sink)
        #expect(killed, "the sender finished before it could be killed")
        let atKill = delivered(sink).count
        #expect(atKill < count)

        // The killed sender's leases expire after 1 s; a new sender takes them over.
        try await Task.sleep(for: .milliseconds(1500))
        let resumed = try await tailor(drain, in: directory, environment: environment)
        #expect(resumed.status == 0, "\(resumed.stderr)")

        // Every message arrived; the duplicates are at most the killed sender's batch in flight.
        var keys: [String: Int] = [:]
        for name in delivered(sink) {
            let text = try String(contentsOf: sink.appendingPathComponent(name), encoding: .utf8)
            guard let line = text.split(separator: "\r\n").first(where: { $0.hasPrefix("X-Tailor-Key: ") }) else {
                Issue.record("a delivered message has no X-Tailor-Key")
                continue
            }
            keys[String(line.dropFirst("X-Tailor-Key: ".count)), default: 0] += 1
        }
        let files = delivered(sink).count
        #expect(keys.count == count)
        #expect(files - keys.count <= batch, "\(files - keys.count) duplicates")

        // The database agrees: every message sent, nothing left in any other state, the same keys.
        let status = try await tailor(["mail", "status"], in: directory, environment: environment)
        #expect(status.stdout.contains("sent\t\(count)\n"))
        #expect(status.stdout.contains("queued\t0\n") && status.stdout.contains("sending\t0\n") && status.stdout.contains("failed\t0\n"))
        let sent = try await tailor(["mail", "status", "--list", "sent"], in: directory, environment: environment)
        #expect(Set(sent.stdout.split(separator: "\n").map(String.init)) == Set(keys.keys))
    }
}

/// Runs `tailor` (waiting on a Dispatch thread, never on the concurrency pool) and kills it with SIGKILL as soon as
/// `condition` holds (polled every few milliseconds, for two minutes at most); returns whether it was still running then.
func runTailorAndKill(_ arguments: [String], environment: [String: String], in directory: URL,
                      when condition: @escaping @Sendable () -> Bool) async throws -> Bool {
    try await withCheckedThrowingContinuation { continuation in
        DispatchQueue.global().async {
            do {
                let process = tailorProcess(arguments, in: directory, environment: environment)
                process.standardOutput = FileHandle.nullDevice
                process.standardError = FileHandle.nullDevice
                try launch(process)
                let deadline = Date().addingTimeInterval(120)
                while process.isRunning && Date() < deadline && !condition() { Thread.sleep(forTimeInterval: 0.005) }
                let wasRunning = process.isRunning
                if wasRunning { Glibc.kill(process.processIdentifier, SIGKILL) }
                process.waitUntilExit()
                continuation.resume(returning: wasRunning)
            } catch {
                continuation.resume(throwing: error)
            }
        }
    }
}
