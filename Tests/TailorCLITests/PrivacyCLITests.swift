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
}
