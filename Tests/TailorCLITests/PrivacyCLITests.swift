import Foundation
import Testing

/// `tailor privacy export` run as an operator answering a person's access request.
@Suite("tailor privacy", .enabled(if: FileManager.default.isExecutableFile(atPath: tailorBinary)))
struct PrivacyCLITests {
    @Test func anExportHoldsEveryEventOfThePersonAndIsWrittenPrivately() async throws {
        let dir = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let env = ["TAILOR_NOW": "2026-11-01T12:00:00Z", "TAILOR_DATABASE_URL": "sqlite:" + dir.appendingPathComponent("t.db").path]
        try await importEvents([
            #"{"type":"identify","userId":"c1","traits":{"email":"c1@example.test","first_name":"Cleo","consent":{"email_marketing":true}},"timestamp":"2026-10-01T00:00:00Z","messageId":"id-c1"}"#,
            #"{"type":"track","userId":"c1","event":"Order Completed","properties":{"revenue":20},"timestamp":"2026-10-02T00:00:00Z","messageId":"o-c1"}"#,
            #"{"type":"identify","userId":"c2","traits":{"email":"c2@example.test"},"timestamp":"2026-10-01T00:00:00Z","messageId":"id-c2"}"#,
        ], in: dir, environment: env)
        let printed = try await tailor(["privacy", "export", "email:c1@example.test"], in: dir, environment: env)
        #expect(printed.status == 0, "\(printed.stderr)")
        let doc = try #require(try JSONSerialization.jsonObject(with: Data(printed.stdout.utf8)) as? [String: Any])
        let events = try #require(doc["events"] as? [[String: Any]])
        #expect(events.compactMap { $0["messageId"] as? String } == ["id-c1", "o-c1"])
        #expect(((doc["profile"] as? [String: Any])?["traits"] as? [String: Any])?["first_name"] as? String == "Cleo")
        #expect((doc["consent_history"] as? [[String: Any]])?.first?["status"] as? String == "granted")

        let written = try await tailor(["privacy", "export", "user:c1", "--output", "c1.json"], in: dir, environment: env)
        #expect(written.status == 0 && written.stdout.contains("wrote c1.json: the profile, 2 events"), "\(written.stdout)")
        let attributes = try FileManager.default.attributesOfItem(atPath: dir.appendingPathComponent("c1.json").path)
        #expect((attributes[.posixPermissions] as? NSNumber)?.intValue == 0o600)

        let unknown = try await tailor(["privacy", "export", "user:nobody"], in: dir, environment: env)
        #expect(unknown.status != 0 && unknown.stderr.contains("no such profile"), "\(unknown.stderr)")
        let malformed = try await tailor(["privacy", "export", "nobody"], in: dir, environment: env)
        #expect(malformed.status != 0 && malformed.stderr.contains("user:ID"), "\(malformed.stderr)")
    }

    /// An operator answers an erasure request: the receipt is printed (the same one again), the person's bytes
    /// are gone from the database file and its WAL, their later messages are dropped, and the access log shows
    /// who read them, through what and why (each erasure request included).
    @Test func anErasureRequestIsAnsweredWithAReceiptAndLeavesNothingOnDisk() async throws {
        let dir = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let db = dir.appendingPathComponent("t.db").path
        let env = ["TAILOR_NOW": "2026-11-01T12:00:00Z", "TAILOR_DATABASE_URL": "sqlite:" + db, "USER": "dpo"]
        try await importEvents([
            #"{"type":"identify","userId":"cleo-x81q","anonymousId":"anon-x81q","traits":{"email":"cleo.x81q@example.test","first_name":"Cleo","phone":"+33 1 70 36 99 21","motto":"PLAINMARK-X81Q"},"timestamp":"2026-10-01T00:00:00Z","messageId":"id-x81q"}"#,
            #"{"type":"track","userId":"cleo-x81q","event":"Order Completed","properties":{"revenue":20,"note":"PLAINMARK-EV-X81Q"},"timestamp":"2026-10-02T00:00:00Z","messageId":"o-x81q"}"#,
            #"{"type":"identify","userId":"c2","traits":{"email":"c2@example.test"},"timestamp":"2026-10-01T00:00:00Z","messageId":"id-c2"}"#,
        ], in: dir, environment: env)

        let export = try await tailor(["privacy", "export", "user:cleo-x81q", "--purpose", "access request 3"], in: dir, environment: env)
        #expect(export.status == 0, "\(export.stderr)")
        let rectified = try await tailor(["privacy", "rectify", "user:cleo-x81q", "--set", "city=Porto", "--set", "age=41"], in: dir, environment: env)
        #expect(rectified.status == 0, "\(rectified.stderr)")
        let profile = try #require(try JSONSerialization.jsonObject(with: Data(rectified.stdout.utf8)) as? [String: Any])
        #expect((profile["traits"] as? [String: Any])?["city"] as? String == "Porto" && (profile["traits"] as? [String: Any])?["age"] as? Int == 41)
        let noSet = try await tailor(["privacy", "rectify", "user:cleo-x81q", "--set", "=x"], in: dir, environment: env)
        #expect(noSet.status != 0 && noSet.stderr.contains("--set #1"), "\(noSet.stderr)")

        let erased = try await tailor(["privacy", "erase", "email:cleo.x81q@example.test", "--purpose", "erasure request 9"], in: dir,
                                      environment: env)
        #expect(erased.status == 0, "\(erased.stderr)")
        let receipt = try #require(try JSONSerialization.jsonObject(with: Data(erased.stdout.utf8)) as? [String: Any])
        let removed = try #require(receipt["removed"] as? [String: Int])
        #expect(removed["events"] == 3 && removed["identities"] == 3 && removed["profiles"] == 1, "\(removed)")
        #expect((receipt["storage"] as? [String: Any])?["reclaim"] as? String == "secure_delete; wal_checkpoint(TRUNCATE)")
        #expect(receipt["erased_at"] as? String == "2026-11-01T12:00:00.000Z")
        let again = try await tailor(["privacy", "erase", "user:cleo-x81q"], in: dir, environment: env)
        #expect(again.status == 0 && again.stdout == erased.stdout, "\(again.stdout)")
        let unknown = try await tailor(["privacy", "erase", "user:nobody"], in: dir, environment: env)
        #expect(unknown.status != 0 && unknown.stderr.contains("no such profile"), "\(unknown.stderr)")

        // Nothing of hers in the files: not her ids, not the values kept in clear.
        for file in [db, db + "-wal"] {
            let bytes = (try? Data(contentsOf: URL(fileURLWithPath: file))) ?? Data()
            for marker in ["cleo-x81q", "anon-x81q", "PLAINMARK-X81Q", "PLAINMARK-EV-X81Q", "id-x81q", "Porto"] {
                #expect(bytes.range(of: Data(marker.utf8)) == nil, "\(marker) in \(file)")
            }
        }

        // Her app keeps sending: the import drops it and says so.
        try #"{"type":"track","userId":"cleo-x81q","event":"Viewed","timestamp":"2026-10-03T00:00:00Z","messageId":"late-x81q"}"#
            .write(to: dir.appendingPathComponent("late.jsonl"), atomically: true, encoding: .utf8)
        let late = try await tailor(["import", "events", "late.jsonl"], in: dir, environment: env)
        #expect(late.status == 0 && late.stdout.contains("0 stored, 0 already there, 1 dropped (they name an erased person)"), "\(late.stdout)")

        let log = try await tailor(["privacy", "access-log", "user:cleo-x81q"], in: dir, environment: env)
        #expect(log.status == 0, "\(log.stderr)")
        let lines = log.stdout.split(separator: "\n").map(String.init)
        #expect(lines.first?.hasSuffix(": 4 reads") == true, "\(log.stdout)")
        #expect(lines.dropFirst().map { $0.split(separator: "\t").dropFirst().map(String.init) } == [
            ["cli:dpo", "tailor privacy export", "access request 3"], ["cli:dpo", "tailor privacy rectify", "-"], ["cli:dpo", "tailor privacy erase", "erasure request 9"],
            ["cli:dpo", "tailor privacy erase", "-"],  // the second request is logged too
        ])
        let logJSON = try await tailor(["privacy", "access-log", String(describing: receipt["profile_id"]!), "--json"], in: dir, environment: env)
        let entries = (try JSONSerialization.jsonObject(with: Data(logJSON.stdout.utf8)) as? [String: Any])?["entries"] as? [[String: Any]]
        #expect(entries?.count == 4 && entries?.first?["purpose"] as? String == "access request 3", "\(logJSON.stdout)")
    }
}
