import Foundation
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// The seeds' case on a running server with the real clock: carts sent through the tracking API, the server
/// killed (SIGKILL) and restarted during the wait; whoever left their cart gets exactly one email with their
/// items within the wait plus five seconds, whoever ordered gets none.
@Suite("tailor serve runs journeys", .enabled(if: FileManager.default.isExecutableFile(atPath: tailorBinary)))
struct ServeJourneyTests {
    func start(_ dir: URL, port: Int, sink: URL) throws -> Process {
        let process = tailorProcess(["serve", "--port", String(port)], in: dir, environment: [
            "TAILOR_ADMIN_KEY": "ak_serve", "TAILOR_WRITE_KEY": "wk_serve", "TAILOR_MAIL_FROM": "Shop <news@shop.test>",
            "TAILOR_MAIL_URL": "file://\(sink.path)",
        ])
        process.standardError = FileHandle.nullDevice
        process.standardOutput = FileHandle.nullDevice
        try launch(process)
        return process
    }

    func waitHealthy(_ base: String) async throws {
        try await waitUntilHealthy(base)
    }

    @Test func anAbandonedCartIsMailedOnceAfterItsWaitAcrossACrash() async throws {
        let dir = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let created = try await tailor(["journey", "create", "Carts", "--from-template", "abandoned-cart", "--param", "wait=4s"], in: dir)
        #expect(created.status == 0, "\(created.stderr)")
        let port = 20_000 + Int.random(in: 0..<10_000)
        let sink = dir.appendingPathComponent("sink")
        let base = "http://127.0.0.1:\(port)"
        var process = try start(dir, port: port, sink: sink)
        defer { if process.isRunning { kill(process.processIdentifier, SIGKILL) } }
        try await waitHealthy(base)
        let write = ["Authorization: Basic " + Data("wk_serve:".utf8).base64EncodedString()]

        var batch: [String] = []
        for u in ["ann", "bo", "cy"] {
            batch.append(#"{"type":"identify","userId":"\#(u)","traits":{"email":"\#(u)@example.test","first_name":"\#(u.capitalized)"}}"#)
            batch.append(#"{"type":"track","userId":"\#(u)","event":"Product Added","properties":{"product_id":"sku-\#(u)","name":"Item of \#(u)","price":10,"quantity":1}}"#)
        }
        // bo orders within the wait (in the same request, so that a loaded machine cannot delay the order past
        // the wait: the engine tests cover an order arriving in a later transaction).
        batch.append(#"{"type":"track","userId":"bo","event":"Order Completed","properties":{"revenue":10}}"#)
        let added = Date()
        #expect(try await http("POST", base + "/v1/batch", headers: write, body: #"{"batch":[\#(batch.joined(separator: ","))]}"#).status == 200)
        // The server dies during the wait and comes back.
        kill(process.processIdentifier, SIGKILL)
        for _ in 0..<50 where process.isRunning { try await Task.sleep(for: .milliseconds(100)) }
        process = try start(dir, port: port, sink: sink)
        try await waitHealthy(base)
        // A server that is down sends nothing: the bound counts from the later of the due time and the restart.
        let deadline = max(added.addingTimeInterval(4), Date()).addingTimeInterval(5)

        var files: [URL] = []
        while files.count < 2 && Date() < deadline {
            try await Task.sleep(for: .milliseconds(100))
            files = emlFiles(sink)
        }
        let arrived = Date().timeIntervalSince(added)
        #expect(files.count == 2 && Date() <= deadline, "\(files.count) emails after \(arrived) s")
        #expect(arrived >= 4, "mailed before the wait was over: \(arrived) s")
        var recipients: [String] = []
        for f in files {
            let mail = try String(contentsOf: f, encoding: .utf8)
            let to = header("X-Envelope-To", mail) ?? ""
            recipients.append(to)
            let user = String(to.prefix { $0 != "@" })
            #expect(mail.contains("Item of \(user)") && !mail.contains("Item of bo"), "\(mail)")
        }
        #expect(recipients.sorted() == ["ann@example.test", "cy@example.test"])
        // Nothing more comes: each once.
        try await Task.sleep(for: .seconds(2))
        #expect(emlFiles(sink).count == 2)
        kill(process.processIdentifier, SIGTERM)
        for _ in 0..<100 where process.isRunning { try await Task.sleep(for: .milliseconds(100)) }
        #expect(!process.isRunning && process.terminationStatus == 0)
    }
}
