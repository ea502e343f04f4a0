import Foundation
import Testing

/// `tailor journey …` run as a user would: a seed journey created, carts imported, due steps run, the mail
/// drained into a file sink.
@Suite("tailor journey", .enabled(if: FileManager.default.isExecutableFile(atPath: tailorBinary)))
struct JourneyCLITests {
    static let now = "2026-11-01T12:00:00Z"

    func environment(_ dir: URL, now: String = Self.now) -> [String: String] {
        ["TAILOR_NOW": now, "TAILOR_DATABASE_URL": "sqlite:" + dir.appendingPathComponent("t.db").path,
         "TAILOR_MAIL_FROM": "Shop <news@shop.test>", "TAILOR_PUBLIC_URL": "https://mail.shop.test"]
    }

    @Test func anAbandonedCartJourneyMailsWhoLeftTheirCartAndNotWhoOrdered() async throws {
        let dir = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let env = environment(dir)
        let templates = try await tailor(["journey", "templates"], in: dir, environment: env)
        #expect(templates.stdout.contains("abandoned-cart\t") && templates.stdout.contains("wait=5m template=abandoned-cart"), "\(templates.stdout)")

        // Bad input: an unknown parameter, malformed JSON with its line, a definition error with its path.
        let unknown = try await tailor(["journey", "create", "Carts", "--from-template", "abandoned-cart", "--param", "colour=red"],
                                       in: dir, environment: env)
        #expect(unknown.status != 0 && unknown.stderr.contains("has no parameter colour"), "\(unknown.stderr)")
        try "{\n  \"trigger\": {\"event\": \"A\"},\n  \"steps\": [\n}".write(to: dir.appendingPathComponent("bad.json"), atomically: true, encoding: .utf8)
        let malformed = try await tailor(["journey", "create", "Bad", "--file", "bad.json"], in: dir, environment: env)
        #expect(malformed.status != 0 && malformed.stderr.contains("bad.json:4:"), "\(malformed.stderr)")
        try #"{"trigger": {"event": "A"}, "steps": [{"wait": "soon"}]}"#.write(to: dir.appendingPathComponent("wrong.json"), atomically: true, encoding: .utf8)
        let wrong = try await tailor(["journey", "create", "Wrong", "--file", "wrong.json"], in: dir, environment: env)
        #expect(wrong.status != 0 && wrong.stderr.contains("wrong.json: steps[0].wait:"), "\(wrong.stderr)")

        let created = try await tailor(["journey", "create", "Carts", "--from-template", "abandoned-cart", "--param", "wait=5m"], in: dir, environment: env)
        #expect(created.status == 0, "\(created.stderr)")
        #expect(created.stdout.contains("created journey carts (active): on Product Added not followed by Order Completed within 5m"),
                "\(created.stdout)")
        // c1 left a mug 10 minutes ago; c2 ordered after adding theirs; c3 added a cup a minute ago (not due yet).
        var lines: [String] = []
        for c in ["c1", "c2", "c3"] {
            lines.append(#"{"type":"identify","userId":"\#(c)","traits":{"email":"\#(c)@example.test","first_name":"Name\#(c)"},"timestamp":"2026-11-01T11:00:00Z","messageId":"id-\#(c)"}"#)
        }
        lines.append(#"{"type":"track","userId":"c1","event":"Product Added","properties":{"product_id":"mug","name":"Blue Mug","price":12.5,"quantity":2},"timestamp":"2026-11-01T11:50:00Z","messageId":"cart-c1"}"#)
        lines.append(#"{"type":"track","userId":"c2","event":"Product Added","properties":{"product_id":"mug","name":"Blue Mug","price":12.5,"quantity":1},"timestamp":"2026-11-01T11:50:00Z","messageId":"cart-c2"}"#)
        lines.append(#"{"type":"track","userId":"c2","event":"Order Completed","properties":{"revenue":12.5},"timestamp":"2026-11-01T11:52:00Z","messageId":"order-c2"}"#)
        lines.append(#"{"type":"track","userId":"c3","event":"Product Added","properties":{"product_id":"cup","name":"Cup","price":8,"quantity":1},"timestamp":"2026-11-01T11:59:00Z","messageId":"cart-c3"}"#)
        try await importEvents(lines, in: dir, environment: env)

        let ran = try await tailor(["journey", "run-due"], in: dir, environment: env)
        #expect(ran.status == 0 && ran.stdout.contains("ran 1 journey step"), "\(ran.stdout) \(ran.stderr)")
        let again = try await tailor(["journey", "run-due"], in: dir, environment: env)
        #expect(again.stdout.contains("ran 0 journey steps"), "\(again.stdout)")
        let show = try await tailor(["journey", "show", "carts", "--json"], in: dir, environment: env)
        let shown = try #require(try JSONSerialization.jsonObject(with: Data(show.stdout.utf8)) as? [String: Any])
        let counts = try #require(shown["counts"] as? [String: Any])
        #expect(counts["completed"] as? Int == 1 && (counts["exited"] as? [String: Int]) == ["goal": 1], "\(show.stdout)")
        #expect(counts["waiting_at_step"] as? [Int] == [1], "\(show.stdout)")
        let text = try await tailor(["journey", "show", "carts"], in: dir, environment: env)
        #expect(text.stdout.contains("  0. send abandoned-cart\twaiting 1") && text.stdout.contains("exited goal: 1"), "\(text.stdout)")

        let sink = dir.appendingPathComponent("out")
        let drain = try await tailor(["mail", "drain", "--smtp", "file://\(sink.path)"], in: dir, environment: env)
        #expect(drain.status == 0, "\(drain.stderr)")
        let files = emlFiles(sink)
        #expect(files.count == 1)
        let mail = try String(contentsOf: try #require(files.first), encoding: .utf8)
        #expect(mail.contains("To: c1@example.test") && mail.contains("Namec1, you left something behind") && mail.contains("Blue Mug"), "\(mail)")

        // Five minutes later c3's wait is over too; pausing first holds it, resuming lets it go.
        let later = environment(dir, now: "2026-11-01T12:05:00Z")
        #expect(try await tailor(["journey", "pause", "carts"], in: dir, environment: later).stdout.contains("journey carts is paused"))
        #expect(try await tailor(["journey", "run-due"], in: dir, environment: later).stdout.contains("ran 0 journey steps"))
        #expect(try await tailor(["journey", "resume", "carts"], in: dir, environment: later).stdout.contains("journey carts is active"))
        #expect(try await tailor(["journey", "run-due"], in: dir, environment: later).stdout.contains("ran 1 journey step"))
        let list = try await tailor(["journey", "list"], in: dir, environment: later)
        #expect(list.stdout.hasPrefix("carts\tactive\tactive 0\ton Product Added"), "\(list.stdout)")
        #expect(try await tailor(["journey", "archive", "carts"], in: dir, environment: later).stdout.contains("journey carts is archived"))
        let resumeArchived = try await tailor(["journey", "resume", "carts"], in: dir, environment: later)
        #expect(resumeArchived.status != 0 && resumeArchived.stderr.contains("archived"), "\(resumeArchived.stderr)")
    }
}
