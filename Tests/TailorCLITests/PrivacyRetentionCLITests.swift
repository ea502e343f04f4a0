import Foundation
import Testing

/// `tailor privacy retention` and the pseudonymized exports, run as an operator would.
@Suite("tailor privacy retention and pseudonymized exports", .enabled(if: FileManager.default.isExecutableFile(atPath: tailorBinary)))
struct PrivacyRetentionCLITests {
    static let events = [
        #"{"type":"identify","userId":"c1","traits":{"email":"cleo@example.test","first_name":"Cleo","phone":"+33 1 70 36 99 21","plan":"gold"},"timestamp":"2026-06-01T00:00:00Z","messageId":"id-c1"}"#,
        #"{"type":"track","userId":"c1","event":"Page Viewed","properties":{"path":"/old"},"timestamp":"2026-08-01T00:00:00Z","messageId":"pv-old"}"#,
        #"{"type":"track","userId":"c1","event":"Page Viewed","properties":{"path":"/new"},"timestamp":"2026-10-30T00:00:00Z","messageId":"pv-new"}"#,
        #"{"type":"track","userId":"c1","event":"Order Completed","properties":{"revenue":20,"billing_email":"cleo@example.test"},"context":{"ip":"203.0.113.9"},"timestamp":"2026-07-01T00:00:00Z","messageId":"o-c1"}"#,
        #"{"type":"identify","userId":"c2","traits":{"email":"dan@example.test","plan":"gold"},"timestamp":"2026-10-01T00:00:00Z","messageId":"id-c2"}"#,
    ]

    func environment(_ dir: URL, retention: String = "Page Viewed:30") -> [String: String] {
        ["TAILOR_NOW": "2026-11-01T12:00:00Z", "TAILOR_DATABASE_URL": "sqlite:" + dir.appendingPathComponent("t.db").path, "TAILOR_RETENTION": retention]
    }

    @Test func retentionShowsSetsAndPurgesWhileProfileAggregatesStay() async throws {
        let dir = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let env = environment(dir)
        try await importEvents(Self.events, in: dir, environment: env)

        let shown = try await tailor(["privacy", "retention"], in: dir, environment: env)
        #expect(shown.status == 0, "\(shown.stderr)")
        #expect(shown.stdout.contains("Page Viewed\t30\tenvironment\t2026-10-02T12:00:00.000Z\t1"), "\(shown.stdout)")

        let set = try await tailor(["privacy", "retention", "set", "Order Completed", "90"], in: dir, environment: env)
        #expect(set.status == 0 && set.stdout.contains("events named Order Completed are kept 90 days"), "\(set.stderr)")
        let json = try await tailor(["privacy", "retention", "show", "--json"], in: dir, environment: env)
        let rules = try #require((try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [String: Any])?["rules"] as? [[String: Any]])
        #expect(rules.map { $0["event"] as? String } == ["Order Completed", "Page Viewed"])
        #expect(rules.first?["source"] as? String == "stored" && rules.first?["events"] as? Int == 1)
        // A stored rule overrides the environment's.
        #expect(try await tailor(["privacy", "retention", "set", "Page Viewed", "365"], in: dir, environment: env).status == 0)
        let overridden = try await tailor(["privacy", "retention"], in: dir, environment: env)
        #expect(overridden.stdout.contains("Page Viewed\t365\tstored"), "\(overridden.stdout)")
        #expect(try await tailor(["privacy", "retention", "clear", "Page Viewed"], in: dir, environment: env).status == 0)

        let applied = try await tailor(["privacy", "retention", "apply"], in: dir, environment: env)
        #expect(applied.status == 0, "\(applied.stderr)")
        #expect(applied.stdout.contains("Page Viewed\t30\tenvironment\t2026-10-02T12:00:00.000Z\t1"), "\(applied.stdout)")
        #expect(applied.stdout.contains("Order Completed\t90\tstored\t2026-08-03T12:00:00.000Z\t1"), "\(applied.stdout)")
        #expect(try await tailor(["privacy", "retention", "apply"], in: dir, environment: env).stdout.contains("\t0\n"))

        let export = try await tailor(["privacy", "export", "user:c1"], in: dir, environment: env)
        let doc = try #require(try JSONSerialization.jsonObject(with: Data(export.stdout.utf8)) as? [String: Any])
        #expect((doc["events"] as? [[String: Any]])?.compactMap { $0["messageId"] as? String } == ["id-c1", "pv-new"])
        // The order is gone from the log; the profile still counts it.
        #expect(export.stdout.contains(#""order_count":1"#) && export.stdout.contains(#""revenue":20"#), "\(export.stdout.prefix(2000))")

        let zero = try await tailor(["privacy", "retention", "set", "Page Viewed", "0"], in: dir, environment: env)
        #expect(zero.status != 0 && zero.stderr.contains("days must be 1...36500"), "\(zero.stderr)")
        let unknown = try await tailor(["privacy", "retention", "clear", "Nothing"], in: dir, environment: env)
        #expect(unknown.status != 0 && unknown.stderr.contains("no stored retention rule for Nothing"), "\(unknown.stderr)")
        let badEnv = try await tailor(["privacy", "retention"], in: dir, environment: environment(dir, retention: "Page Viewed"))
        #expect(badEnv.status != 0 && badEnv.stderr.contains("TAILOR_RETENTION: 'Page Viewed' is not EVENT:DAYS"), "\(badEnv.stderr)")
    }

    @Test func pseudonymizedExportsHoldKeyedIdsAndNoPersonalFields() async throws {
        let dir = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let env = environment(dir, retention: "")
        try await importEvents(Self.events, in: dir, environment: env)
        #expect(try await tailor(["segment", "create", "Gold", "--where", #"traits.plan = "gold""#], in: dir, environment: env).status == 0)

        let plain = try await tailor(["segment", "export", "Gold"], in: dir, environment: env)
        #expect(plain.stdout.hasPrefix("profile_id,user_id\n") && plain.stdout.contains(",c1\n"), "\(plain.stdout)")
        let first = try await tailor(["segment", "export", "Gold", "--pseudonymize"], in: dir, environment: env)
        #expect(first.status == 0, "\(first.stderr)")
        let lines = first.stdout.split(separator: "\n").map(String.init)
        #expect(lines.first == "pseudonym" && lines.count == 3)
        #expect(lines.dropFirst().allSatisfy { $0.hasPrefix("ps_") && $0.count == 46 })
        let profileIDs = plain.stdout.split(separator: "\n").dropFirst().map { String($0.split(separator: ",")[0]) }
        #expect(profileIDs.count == 2 && profileIDs.allSatisfy { !first.stdout.contains($0) })
        // Stable across runs, so exports can be joined.
        #expect(try await tailor(["segment", "export", "Gold", "--pseudonymize"], in: dir, environment: env).stdout == first.stdout)

        let events = try await tailor(["export", "events", "--pseudonymize"], in: dir, environment: env)
        #expect(events.status == 0, "\(events.stderr)")
        for personal in ["cleo@example.test", "Cleo", "+33 1", "203.0.113.9", "\"c1\"", "userId", "messageId", "pv-old", "dan@example.test", "context"] {
            #expect(!events.stdout.contains(personal), "\(personal) in the pseudonymized export")
        }
        let rows = try events.stdout.split(separator: "\n").map { try #require(try JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any]) }
        // The five messages imported, and Tailor's own events (their entries into Gold).
        #expect(rows.filter { $0["event"] as? String != "Segment Entered" }.count == 5 && rows.count == 7)
        let order = try #require(rows.first { $0["event"] as? String == "Order Completed" })
        #expect((order["properties"] as? [String: Any])?["revenue"] as? Int == 20)
        #expect((order["properties"] as? [String: Any])?["billing_email"] == nil)
        #expect((rows.first?["traits"] as? [String: Any])?["plan"] as? String == "gold")
        // Every pseudonym of the event export is one of the segment export's: the same key, the same id.
        #expect(Set(rows.compactMap { $0["pseudonym"] as? String }) == Set(lines.dropFirst()))

        let only = try await tailor(["export", "events", "--event", "Page Viewed", "--since", "2026-10-01T00:00:00Z", "-o", "pv.jsonl"], in: dir,
                                    environment: env)
        #expect(only.status == 0 && only.stderr.contains("wrote 1 events to pv.jsonl"), "\(only.stderr)")
        let file = try String(contentsOf: dir.appendingPathComponent("pv.jsonl"), encoding: .utf8)
        #expect(file.contains(#""messageId":"pv-new""#) && file.contains(#""profile_id":"#))
        let attributes = try FileManager.default.attributesOfItem(atPath: dir.appendingPathComponent("pv.jsonl").path)
        #expect((attributes[.posixPermissions] as? NSNumber)?.intValue == 0o600)
        let badSince = try await tailor(["export", "events", "--since", "yesterday"], in: dir, environment: env)
        #expect(badSince.status != 0 && badSince.stderr.contains("--since"), "\(badSince.stderr)")
    }

    @Test func consentSettingsAreCheckedWhereTheyAreRead() async throws {
        let dir = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        var env = environment(dir, retention: "")
        env["TAILOR_EMAIL_CONSENT_BY_COUNTRY"] = "Germany:double-opt-in"
        let country = try await tailor(["privacy", "retention"], in: dir, environment: env)
        #expect(country.status != 0 && country.stderr.contains("TAILOR_EMAIL_CONSENT_BY_COUNTRY: 'Germany:double-opt-in' is not COUNTRY:POLICY"),
                "\(country.stderr)")
        env["TAILOR_EMAIL_CONSENT_BY_COUNTRY"] = nil
        env["TAILOR_PERSONALIZATION_CONSENT"] = "double-opt-in"
        let personalization = try await tailor(["privacy", "retention"], in: dir, environment: env)
        #expect(personalization.status != 0 && personalization.stderr.contains("TAILOR_PERSONALIZATION_CONSENT is opt-out or opt-in"))
        env["TAILOR_PERSONALIZATION_CONSENT"] = nil
        // Double opt-in mails confirmations: serving it without a sender is refused at start.
        env["TAILOR_EMAIL_CONSENT"] = "double-opt-in"
        let serve = try await tailor(["serve", "--port", "0"], in: dir, environment: env, timeout: 60)
        #expect(serve.status != 0 && serve.stderr.contains("double opt-in mails confirmations: set TAILOR_MAIL_FROM"), "\(serve.stderr)")
    }
}
