import Foundation
import TailorTestLaunch
import Testing

/// `tailor serve` with double opt-in and a retention rule, as an operator runs it: a grant made through the API gets
/// its confirmation email in the mail folder, the link in it confirms the grant, and events older than the rule are
/// purged by the server without being asked.
@Suite("tailor serve: double opt-in and retention", .enabled(if: FileManager.default.isExecutableFile(atPath: tailorBinary)))
struct ServePrivacyTests {
    @Test func aGrantIsConfirmedFromTheMailedLinkAndOldEventsArePurged() async throws {
        let dir = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let port = 20_000 + Int.random(in: 0..<10_000)
        let base = "http://127.0.0.1:\(port)"
        let sink = dir.appendingPathComponent("sink")
        let old = ISO8601DateFormatter().string(from: Date().addingTimeInterval(-40 * 86_400))
        var env = ["TAILOR_DATABASE_URL": "sqlite:" + dir.appendingPathComponent("t.db").path]
        try await importEvents([
            #"{"type":"identify","userId":"ann","traits":{"email":"ann@example.test","country":"DE"},"messageId":"i1"}"#,
            #"{"type":"track","userId":"ann","event":"Page Viewed","properties":{"path":"/old"},"timestamp":"\#(old)","messageId":"pv-old"}"#,
            #"{"type":"track","userId":"ann","event":"Page Viewed","properties":{"path":"/new"},"messageId":"pv-new"}"#,
        ], in: dir, environment: env)
        env.merge(["TAILOR_ADMIN_KEY": "ak_serve", "TAILOR_WRITE_KEY": "wk_serve", "TAILOR_MAIL_FROM": "Shop <news@shop.test>",
                   "TAILOR_MAIL_URL": "file://\(sink.path)", "TAILOR_PUBLIC_URL": base, "TAILOR_EMAIL_CONSENT_BY_COUNTRY": "DE:double-opt-in",
                   "TAILOR_RETENTION": "Page Viewed:30"]) { _, new in new }
        let process = tailorProcess(["serve", "--port", String(port)], in: dir, environment: env)
        process.standardError = FileHandle.nullDevice
        process.standardOutput = FileHandle.nullDevice
        try launch(process)
        defer { if process.isRunning { process.terminate() } }
        try await waitUntilHealthy(base)
        let admin = ["Authorization: Bearer ak_serve"]

        // The retention runner purges at start.
        var events = ""
        for _ in 0..<100 {
            events = try await http("GET", base + "/v1/profiles/user:ann/events", headers: admin).body
            if !events.contains("pv-old") { break }
            try await Task.sleep(for: .milliseconds(100))
        }
        #expect(!events.contains("pv-old") && events.contains("pv-new"), "\(events)")

        let granted = try await http("POST", base + "/v1/consent", headers: admin,
                                     body: #"{"profile":"user:ann","purpose":"email_marketing","status":"granted"}"#)
        #expect(granted.status == 201, "\(granted.body)")
        #expect(granted.body.contains(#""pending_confirmation":true"#), "\(granted.body)")

        // The confirmation arrives in the mail folder (the pass runs every 5 s, on entries 10 s old).
        var mail = ""
        for _ in 0..<400 where mail.isEmpty {
            try await Task.sleep(for: .milliseconds(100))
            let files = (try? FileManager.default.contentsOfDirectory(atPath: sink.path).filter { $0.hasSuffix(".eml") }) ?? []
            if let file = files.first { mail = try String(contentsOf: sink.appendingPathComponent(file), encoding: .utf8) }
        }
        try #require(!mail.isEmpty)
        #expect(mail.contains("X-Envelope-To: ann@example.test") && mail.contains("Subject: Please confirm your subscription"))
        let text = mail.replacingOccurrences(of: "=\r\n", with: "").replacingOccurrences(of: "=3D", with: "=")
        let start = try #require(text.range(of: base + "/c/"))
        let link = base + "/c/" + text[start.upperBound...].prefix { $0.isLetter || $0.isNumber || $0 == "-" || $0 == "_" || $0 == "." }

        let page = try await http("GET", link)
        #expect(page.status == 200 && page.body.contains("Please confirm"))
        let confirmed = try await http("POST", link, headers: ["User-Agent: Firefox/140"])
        #expect(confirmed.status == 200 && confirmed.body.contains("your subscription is confirmed"), "\(confirmed.body)")
        let ledger = try await http("GET", base + "/v1/profiles/user:ann/consent", headers: admin).body
        #expect(ledger.contains(#""source":"double_opt_in""#) && ledger.contains(#""allowed":true"#), "\(ledger)")
        #expect(ledger.contains(#""user_agent":"Firefox/140""#), "\(ledger)")
    }
}
