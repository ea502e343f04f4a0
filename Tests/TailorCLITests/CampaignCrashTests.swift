import Foundation
import TailorTestLaunch
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// A campaign send killed with SIGKILL while it queues leaves nothing half-queued: the next `send` goes on
/// where it stopped, and every recipient gets exactly one email.
@Suite("Campaign crash", .enabled(if: FileManager.default.isExecutableFile(atPath: tailorBinary)))
struct CampaignCrashTests {
    /// `tailor campaign status NAME --json`, run synchronously (from a Dispatch thread).
    static func queuedNow(_ name: String, in directory: URL, environment: [String: String]) -> Int {
        let process = tailorProcess(["campaign", "status", name, "--json"], in: directory, environment: environment)
        let out = Pipe()
        process.standardOutput = out
        process.standardError = FileHandle.nullDevice
        guard (try? launch(process)) != nil else { return 0 }
        let data = ProcessLaunch.readToEnd(out.fileHandleForReading)
        process.waitUntilExit()
        return ((try? JSONSerialization.jsonObject(with: data)) as? [String: Any])?["queued"] as? Int ?? 0
    }

    /// Runs `campaign send` and kills it with SIGKILL once `count` emails are queued; returns whether it was
    /// still running then.
    func sendAndKill(_ name: String, environment: [String: String], in directory: URL, whenQueued count: Int) async throws -> Bool {
        try await runTailorAndKill(["campaign", "send", name], environment: environment, in: directory) {
            Self.queuedNow(name, in: directory, environment: environment) >= count
        }
    }

    @Test func aKilledSendResumesAndEveryRecipientGetsOneEmail() async throws {
        let dir = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let count = 3000
        let sink = dir.appendingPathComponent("sink")
        let env = ["TAILOR_DATABASE_URL": "sqlite:" + dir.appendingPathComponent("t.db").path, "TAILOR_NOW": "2026-11-01T12:00:00Z",
                   "TAILOR_MAIL_FROM": "Shop <news@shop.test>"]
        let lines = (0..<count).map { i in
            #"{"type":"identify","userId":"u\#(i)","traits":{"email":"u\#(i)@example.test","first_name":"N\#(i)","list":true},"timestamp":"2026-10-01T00:00:00Z","messageId":"i\#(i)"}"#
        }
        try await importEvents(lines, in: dir, environment: env)
        try "<p>Hello {{ traits.first_name }}</p>".write(to: dir.appendingPathComponent("t.html"), atomically: true, encoding: .utf8)
        for args in [["segment", "create", "List", "--where", "traits.list = true"],
                     ["template", "create", "t", "--subject", "Hi {{ traits.first_name }}", "--html", "t.html"],
                     ["campaign", "create", "Big", "--template", "t", "--segment", "list"]] {
            let run = try await tailor(args, in: dir, environment: env)
            #expect(run.status == 0, "\(args): \(run.stderr)")
        }

        let killed = try await sendAndKill("big", environment: env, in: dir, whenQueued: count / 4)
        #expect(killed, "the send finished before it could be killed")
        let resumed = try await tailor(["campaign", "send", "big"], in: dir, environment: env)
        #expect(resumed.status == 0, "\(resumed.stderr)")
        #expect(resumed.stdout.contains("audience \(count), queued \(count),"), "\(resumed.stdout)")

        let drain = try await tailor(["mail", "drain", "--smtp", "file://\(sink.path)"], in: dir, environment: env)
        #expect(drain.stdout.hasPrefix("sent \(count),"), "\(drain.stdout)\(drain.stderr)")
        var recipients: [String: Int] = [:]
        for file in emlFiles(sink) {
            let text = try String(contentsOf: file, encoding: .utf8)
            if let to = header("X-Envelope-To", text) { recipients[to, default: 0] += 1 }
        }
        #expect(recipients.count == count && recipients.values.allSatisfy { $0 == 1 })
        let status = try await tailor(["campaign", "status", "big", "--json"], in: dir, environment: env)
        let json = try #require(try JSONSerialization.jsonObject(with: Data(status.stdout.utf8)) as? [String: Any])
        #expect(json["state"] as? String == "sent" && json["sent"] as? Int == count && json["pending"] as? Int == 0)
    }
}
