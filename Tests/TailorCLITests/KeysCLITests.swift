import Foundation
import Testing

/// `tailor keys create|list|revoke` as an operator runs them, and the printed secret used against a running
/// `tailor serve`: its scope's routes answer, another scope's answer 403 naming the scope, and a revocation
/// made by the CLI while the server runs stops the key within seconds; `TAILOR_AUTH_FAILURE_LIMIT` sets the limit.
@Suite("tailor keys", .enabled(if: FileManager.default.isExecutableFile(atPath: tailorBinary)))
struct KeysCLITests {
    @Test func createListRevokeAndUseAgainstServe() async throws {
        let dir = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }

        let empty = try await tailor(["keys", "list"], in: dir)
        #expect(empty.status == 0, "\(empty.stderr)")
        #expect(empty.stdout == "no API keys; create one with: tailor keys create NAME --scope SCOPE\n")

        let unknown = try await tailor(["keys", "create", "ci", "--scope", "profiles"], in: dir)
        #expect(unknown.status != 0)
        #expect(unknown.stderr.contains("unknown scope 'profiles'; the scopes are profiles:read, profiles:write, segments, campaigns, privacy, reports"),
                "\(unknown.stderr)")
        let none = try await tailor(["keys", "create", "ci"], in: dir)
        #expect(none.status != 0 && none.stderr.contains("at least one scope"), "\(none.stderr)")
        let badName = try await tailor(["keys", "create", "two words", "--scope", "segments"], in: dir)
        #expect(badName.status != 0 && badName.stderr.contains("A-Z a-z 0-9 . _ -"), "\(badName.stderr)")

        let created = try await tailor(["keys", "create", "seg-bot", "--scope", "segments", "--scope", "reports"], in: dir)
        #expect(created.status == 0, "\(created.stderr)")
        let secret = created.stdout.trimmingCharacters(in: .newlines)
        #expect(secret.hasPrefix("tk_") && secret.count == 43 && !secret.contains("\n"), "standard output is the secret alone")
        #expect(created.stderr.contains("created key seg-bot with segments, reports; its secret, shown once"), "\(created.stderr)")
        let taken = try await tailor(["keys", "create", "seg-bot", "--scope", "privacy"], in: dir)
        #expect(taken.status != 0 && taken.stderr.contains("a key named 'seg-bot' exists already"), "\(taken.stderr)")

        let list = try await tailor(["keys", "list"], in: dir)
        let lines = list.stdout.split(separator: "\n").map(String.init)
        #expect(lines.count == 2, "\(list.stdout)")
        #expect(lines[0].hasPrefix("NAME") && lines[0].contains("PREFIX") && lines[0].contains("SCOPES") && lines[0].contains("LAST USED")
                && lines[0].contains("REVOKED"))
        #expect(lines[1].hasPrefix("seg-bot") && lines[1].contains(String(secret.prefix(9)) + "…") && lines[1].contains("segments,reports")
                && lines[1].contains("never"))
        #expect(!list.stdout.contains(secret), "the secret is never listed")

        // The secret against a running server (the admin key given to serve keeps every scope).
        let port = 20_000 + Int.random(in: 0..<10_000)
        let process = tailorProcess(["serve", "--port", String(port)], in: dir, environment: [
            "TAILOR_ADMIN_KEY": "ak_keys", "TAILOR_WRITE_KEY": "wk_keys", "TAILOR_AUTH_FAILURE_LIMIT": "5",
        ])
        process.standardError = FileHandle.nullDevice
        process.standardOutput = FileHandle.nullDevice
        try launch(process)
        defer { if process.isRunning { process.terminate() } }
        let base = "http://127.0.0.1:\(port)"
        try await waitUntilHealthy(base)
        let key = ["Authorization: Bearer \(secret)"]
        #expect(try await http("GET", base + "/v1/segments", headers: key).status == 200)
        let refused = try await http("GET", base + "/v1/campaigns", headers: key)
        #expect(refused.status == 403 && refused.body.contains(#""scope":"campaigns""#), "\(refused.body)")
        #expect(try await http("GET", base + "/v1/campaigns", headers: ["Authorization: Bearer ak_keys"]).status == 200)

        let revoked = try await tailor(["keys", "revoke", "seg-bot"], in: dir)
        #expect(revoked.status == 0 && revoked.stdout == "revoked seg-bot\n", "\(revoked.stderr)")
        var status = 200
        for _ in 0..<100 where status == 200 {
            try await Task.sleep(for: .milliseconds(100))
            status = try await http("GET", base + "/v1/segments", headers: key).status
        }
        #expect(status == 401, "a revocation takes effect within seconds")
        // TAILOR_AUTH_FAILURE_LIMIT=5: the revoked key's 401 was one failure; four more, then 429.
        var statuses: [Int] = []
        for i in 0..<5 { statuses.append(try await http("GET", base + "/v1/segments", headers: ["Authorization: Bearer tk_wrong\(i)"]).status) }
        #expect(statuses == [401, 401, 401, 401, 429], "\(statuses)")
        process.terminate()
        process.waitUntilExit()

        let again = try await tailor(["keys", "revoke", "seg-bot"], in: dir)
        #expect(again.status == 0 && again.stdout.hasPrefix("seg-bot was revoked already, at "), "\(again.stdout)")
        let nobody = try await tailor(["keys", "revoke", "nobody"], in: dir)
        #expect(nobody.status != 0 && nobody.stderr.contains("no key is named 'nobody'"), "\(nobody.stderr)")

        let json = try await tailor(["keys", "list", "--json"], in: dir)
        #expect(json.status == 0, "\(json.stderr)")
        let parsed = try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [[String: Any]]
        let row = try #require(parsed?.first)
        #expect(row["name"] as? String == "seg-bot" && row["prefix"] as? String == String(secret.prefix(9)))
        #expect(row["scopes"] as? [String] == ["segments", "reports"])
        #expect(row["last_used_at"] is String && row["revoked_at"] is String && row["created_at"] is String)
    }
}
