import Foundation
import TailorTestLaunch
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// `tailor serve` killed with SIGKILL under ingest load keeps every batch it answered 200, once: the answer
/// comes after the commit (gathered WAL writes included) reached the file, and nothing in memory (the
/// writer's caches, the WAL buffer) is needed to read it back.
struct ServerDidNotStart: Error, CustomStringConvertible {
    var port: Int
    var description: String { "tailor serve did not answer /healthz on port \(port) within 90 s" }
}

/// Batch numbers handed to the clients, and those answered 200.
final class Tally: @unchecked Sendable {
    private let lock = NSLock()
    private var next = 0
    private var acked: [Int] = []

    func take() -> Int { lock.withLock { defer { next += 1 }; return next } }
    func answered(_ b: Int) { lock.withLock { acked.append(b) } }
    func snapshot() -> (answered: [Int], sent: Int) { lock.withLock { (acked, next) } }
}

@Suite("Ingest crash", .enabled(if: FileManager.default.isExecutableFile(atPath: tailorBinary)))
struct IngestCrashTests {
    static let writeKey = "crash-write-key"
    static let adminKey = "crash-admin-key"
    static let users = 20

    /// POSTs with curl (on a Dispatch thread); returns the HTTP status, 0 when the connection failed.
    func post(_ url: String, body: Data, user: String) -> Int {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/curl")
        process.arguments = ["-s", "-o", "/dev/null", "-w", "%{http_code}", "--max-time", "10", "-u", "\(user):",
                             "-H", "Content-Type: application/json", "--data-binary", "@-", url]
        let input = Pipe()
        let output = Pipe()
        process.standardInput = input
        process.standardOutput = output
        process.standardError = FileHandle.nullDevice
        do { try launch(process) } catch { return 0 }
        input.fileHandleForWriting.write(body)
        try? input.fileHandleForWriting.close()
        let data = ProcessLaunch.readToEnd(output.fileHandleForReading)
        process.waitUntilExit()
        return Int(String(decoding: data, as: UTF8.self)) ?? 0
    }

    /// An admin API GET, as JSON.
    func get(_ url: String) async throws -> [String: Any] {
        let data = try await fetch(url, headers: ["Authorization: Bearer \(Self.adminKey)"], maxTime: 10)
        return (try? JSONSerialization.jsonObject(with: data)) as? [String: Any] ?? [:]
    }

    /// Batch `b`: 100 events over the users (views, cart adds, an order), message ids `b<b>-<i>`.
    func batch(_ b: Int) -> Data {
        let events = (0..<100).map { i -> String in
            let user = "u\((b * 100 + i) % Self.users)"
            let body = switch i % 10 {
            case 0: #""type":"track","event":"Product Added","properties":{"product_id":"p\#(i)","price":12.5}"#
            case 9: #""type":"track","event":"Order Completed","properties":{"order_id":"o\#(b)-\#(i)","revenue":30}"#
            default: #""type":"page","name":"Home""#
            }
            return #"{"userId":"\#(user)","messageId":"b\#(b)-\#(i)",\#(body)}"#
        }
        return Data(#"{"batch":[\#(events.joined(separator: ","))]}"#.utf8)
    }

    func startServer(_ dir: URL, port: Int) async throws -> Process {
        let process = tailorProcess(["serve", "--port", String(port)], in: dir, environment: [
            "TAILOR_DATABASE_URL": "sqlite:\(dir.path)/crash.db", "TAILOR_WRITE_KEY": Self.writeKey, "TAILOR_ADMIN_KEY": Self.adminKey,
            "TAILOR_MAIL_URL": "off", "LOG_LEVEL": "warning",
        ])
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try launch(process)
        for _ in 0..<900 {
            if let data = try? await fetch("http://127.0.0.1:\(port)/healthz"), String(decoding: data, as: UTF8.self).contains("ok") { return process }
            try await Task.sleep(for: .milliseconds(100))
        }
        process.terminate()
        throw ServerDidNotStart(port: port)
    }

    @Test func everyAnsweredBatchSurvivesSIGKILLOnce() async throws {
        let dir = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let port = 20_000 + Int.random(in: 0..<10_000)
        let server = try await startServer(dir, port: port)
        defer { if server.isRunning { kill(server.processIdentifier, SIGKILL) } }

        // Four clients send batches until the server dies; each records the batches answered 200.
        let tally = Tally()
        let url = "http://127.0.0.1:\(port)/v1/batch"
        let clients = DispatchGroup()
        for _ in 0..<4 {
            DispatchQueue.global().async(group: clients) {
                while true {
                    let b = tally.take()
                    let status = self.post(url, body: self.batch(b), user: Self.writeKey)
                    if status == 200 { tally.answered(b) } else if status == 0 { break }
                }
            }
        }
        // Killed while the clients are still sending: some batches are in flight, some in the writer.
        // (Generous bounds: in CI this runs beside the other suites.)
        for _ in 0..<3000 where tally.snapshot().answered.count < 60 { try await Task.sleep(for: .milliseconds(20)) }
        kill(server.processIdentifier, SIGKILL)
        server.waitUntilExit()
        await withCheckedContinuation { (done: CheckedContinuation<Void, Never>) in clients.notify(queue: .global()) { done.resume() } }
        let (answeredList, sent) = tally.snapshot()
        let answered = Set(answeredList)
        #expect(answered.count >= 60, "only \(answered.count) batches were answered before the kill")

        // A new server on the same files reads back every event of every user.
        let restarted = try await startServer(dir, port: port + 1)
        defer { if restarted.isRunning { kill(restarted.processIdentifier, SIGKILL) } }
        var stored: [String: Int] = [:]
        for u in 0..<Self.users {
            let base = "http://127.0.0.1:\(port + 1)/v1/profiles/user:u\(u)"
            var cursor: String?
            var count = 0
            repeat {
                let page = try await get(base + "/events?limit=1000" + (cursor.map { "&before=\($0)" } ?? ""))
                for event in page["events"] as? [[String: Any]] ?? [] {
                    if let id = event["messageId"] as? String { stored[id, default: 0] += 1; count += 1 }
                }
                cursor = page["next"] as? String
            } while cursor != nil
            // The profile's computed state was committed with its events.
            let profile = try await get(base)
            let computed = profile["computed"] as? [String: Any]
            #expect((computed?["event_count"] as? Double).map(Int.init) == count, "u\(u)")
        }
        let missing = answered.sorted().flatMap { b in (0..<100).map { "b\(b)-\($0)" } }.filter { stored[$0] == nil }
        #expect(missing.isEmpty, "\(missing.count) answered events missing, first \(missing.prefix(5))")
        #expect(stored.values.allSatisfy { $0 == 1 })
        // Nothing that was never sent appears.
        #expect(stored.keys.allSatisfy { id in Int(id.dropFirst().prefix { $0 != "-" }).map { $0 < sent } ?? false })
        kill(restarted.processIdentifier, SIGTERM)
        restarted.waitUntilExit()
    }
}
