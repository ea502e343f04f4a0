import Foundation
import TailorTestLaunch
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// An HTTP request through curl: the status and the body.
func http(_ method: String, _ url: String, headers: [String] = [], body: String? = nil) async throws -> (status: Int, body: String) {
    try await withCheckedThrowingContinuation { continuation in
        DispatchQueue.global().async {
            let process = Process()
            process.executableURL = URL(fileURLWithPath: "/usr/bin/curl")
            var arguments = ["-s", "--max-time", "10", "-X", method, "-w", "\n%{http_code}"] + headers.flatMap { ["-H", $0] }
            if let body { arguments += ["-H", "Content-Type: application/json", "--data-binary", body] }
            process.arguments = arguments + [url]
            let pipe = Pipe()
            process.standardOutput = pipe
            process.standardError = FileHandle.nullDevice
            do {
                try launch(process)
                let text = String(decoding: ProcessLaunch.readToEnd(pipe.fileHandleForReading), as: UTF8.self)
                process.waitUntilExit()
                let lines = text.split(separator: "\n", omittingEmptySubsequences: false)
                continuation.resume(returning: (Int(lines.last ?? "") ?? 0, lines.dropLast().joined(separator: "\n")))
            } catch {
                continuation.resume(throwing: error)
            }
        }
    }
}

/// `tailor serve` as an operator runs it: with a sender, a file sink and a future-timestamp limit set in the
/// environment, a campaign created and sent through the API is rendered by the server's runner and delivered
/// by its outbox worker; an event stamped too far ahead is stored at its receipt.
@Suite("tailor serve sends campaigns", .enabled(if: FileManager.default.isExecutableFile(atPath: tailorBinary)))
struct ServeCampaignTests {
    @Test func aCampaignSentThroughTheAPIArrivesAndFutureTimestampsAreClamped() async throws {
        let dir = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let port = 20_000 + Int.random(in: 0..<10_000)
        let sink = dir.appendingPathComponent("sink")
        let process = tailorProcess(["serve", "--port", String(port)], in: dir, environment: [
            "TAILOR_ADMIN_KEY": "ak_serve", "TAILOR_WRITE_KEY": "wk_serve", "TAILOR_MAIL_FROM": "Shop <news@shop.test>",
            "TAILOR_MAIL_URL": "file://\(sink.path)", "TAILOR_MAX_FUTURE_SECONDS": "60",
        ])
        process.standardError = FileHandle.nullDevice
        process.standardOutput = FileHandle.nullDevice
        try launch(process)
        defer { if process.isRunning { process.terminate() } }
        let base = "http://127.0.0.1:\(port)"
        try await waitUntilHealthy(base)
        let admin = ["Authorization: Bearer ak_serve"]
        let write = ["Authorization: Basic " + Data("wk_serve:".utf8).base64EncodedString()]

        // An identify stamped a year ahead: stored at its receipt, what it said kept as originalTimestamp.
        let sent = try await http("POST", base + "/v1/identify", headers: write, body: #"""
            {"userId":"ann","traits":{"email":"ann@example.test","first_name":"Ann","vip":true},"timestamp":"2099-01-01T00:00:00Z","messageId":"m1"}
            """#)
        #expect(sent.status == 200, "\(sent.body)")
        var events = ""
        for _ in 0..<50 where !events.contains("originalTimestamp") {
            try await Task.sleep(for: .milliseconds(100))
            events = try await http("GET", base + "/v1/profiles/user:ann/events", headers: admin).body
        }
        #expect(events.contains(#""originalTimestamp":"2099-01-01T00:00:00"#), "\(events)")
        #expect(!events.contains(#""timestamp":"2099"#), "\(events)")

        // Segment, template, campaign, send: the server renders, queues and delivers.
        #expect(try await http("POST", base + "/v1/segments", headers: admin, body: #"{"name":"VIPs","where":"traits.vip = true"}"#).status == 201)
        let template = try await http("POST", base + "/v1/templates", headers: admin,
                                      body: #"{"name":"hello","subject":"Hello {{ traits.first_name }}","html":"<p>Hi {{ traits.first_name }}</p>"}"#)
        #expect(template.status == 201, "\(template.body)")
        #expect(try await http("POST", base + "/v1/campaigns", headers: admin, body: #"{"name":"Hello","template":"hello","segments":["vips"]}"#)
            .status == 201)
        let start = try await http("POST", base + "/v1/campaigns/hello/send", headers: admin)
        #expect(start.status == 202, "\(start.body)")
        var status = ""
        for _ in 0..<150 where !status.contains(#""state":"sent""#) {
            try await Task.sleep(for: .milliseconds(100))
            status = try await http("GET", base + "/v1/campaigns/hello", headers: admin).body
        }
        #expect(status.contains(#""state":"sent""#) && status.contains(#""sent":1"#), "\(status)")
        let files = emlFiles(sink)
        #expect(files.count == 1)
        let message = try String(contentsOf: try #require(files.first), encoding: .utf8)
        #expect(header("Subject", message) == "Hello Ann" && header("X-Envelope-To", message) == "ann@example.test")
        kill(process.processIdentifier, SIGTERM)
        for _ in 0..<100 where process.isRunning { try await Task.sleep(for: .milliseconds(100)) }
        #expect(!process.isRunning && process.terminationStatus == 0)
    }
}
