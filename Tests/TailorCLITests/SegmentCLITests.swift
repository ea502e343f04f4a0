import Foundation
import Testing

@Suite("tailor segment")
struct SegmentCLITests {
    @Test func createListMembersExplainAndErrors() async throws {
        let dir = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let env = ["TAILOR_NOW": "2026-11-01T12:00:00Z", "TAILOR_DATABASE_URL": "sqlite:" + dir.appendingPathComponent("t.db").path]
        let events = """
            {"type":"identify","userId":"ny1","traits":{"city":"New York"},"timestamp":"2026-10-01T00:00:00Z","messageId":"i1"}
            {"type":"identify","userId":"pa1","traits":{"city":"Paris"},"timestamp":"2026-10-01T00:00:00Z","messageId":"i2"}
            {"type":"track","userId":"pa1","event":"Product Added","properties":{"product_id":"p","price":70},"timestamp":"2026-11-01T10:00:00Z","messageId":"a1"}
            """
        try events.write(to: dir.appendingPathComponent("events.jsonl"), atomically: true, encoding: .utf8)
        let imported = try await tailor(["import", "events", "events.jsonl"], in: dir, environment: env)
        #expect(imported.status == 0, "\(imported.stderr)")

        let templates = try await tailor(["segment", "templates"], in: dir, environment: env)
        #expect(templates.stdout.contains("cart-abandoners-over-50"))
        let created = try await tailor(["segment", "create", "Cart Abandoners over $50", "--from-template", "cart-abandoners-over-50"],
                                       in: dir, environment: env)
        #expect(created.status == 0, "\(created.stderr)")
        #expect(created.stdout.contains("1 members"))
        let ny = try await tailor(["segment", "create", "NY", "--where", #"traits.city = "New York""#], in: dir, environment: env)
        #expect(ny.status == 0)
        let members = try await tailor(["segment", "members", "NY"], in: dir, environment: env)
        #expect(members.stdout == "ny1\n")
        let count = try await tailor(["segment", "members", "cart-abandoners-over-50", "--count"], in: dir, environment: env)
        #expect(count.stdout == "1\n")
        // An hour later by the clock the cart is older than one hour; at noon it is two hours old, so the
        // template holds; at 10:30 it would not.
        let early = try await tailor(["segment", "members", "cart-abandoners-over-50", "--count"], in: dir,
                                     environment: env.merging(["TAILOR_NOW": "2026-11-01T10:30:00Z"]) { $1 })
        #expect(early.stdout == "0\n")
        let explain = try await tailor(["segment", "explain", "cart-abandoners-over-50", "--profile", "pa1"], in: dir, environment: env)
        #expect(explain.stdout.contains("✓ profile.cart_value > 50   [value: 70]"))
        let list = try await tailor(["segment", "list"], in: dir, environment: env)
        #expect(list.stdout.contains("ny  1 members"))

        // Errors say what and where, and change nothing.
        let bad = try await tailor(["segment", "create", "X", "--where", "traits.city = "], in: dir, environment: env)
        #expect(bad.status != 0)
        #expect(bad.stderr.contains("--where:1:14: expected a value"))
        try "traits.city = \"a\"\n  and count(\"Order Completed\" in last 3 dayz) > 1\n".write(to: dir.appendingPathComponent("rule.txt"),
                                                                                              atomically: true, encoding: .utf8)
        let badFile = try await tailor(["segment", "create", "X", "--where-file", "rule.txt"], in: dir, environment: env)
        #expect(badFile.stderr.contains("rule.txt:2:41: expected a time unit"), "\(badFile.stderr)")
        let personal = try await tailor(["segment", "create", "X", "--where", #"traits.email contains "@""#], in: dir, environment: env)
        #expect(personal.status != 0 && personal.stderr.contains("personal data"))
        let after = try await tailor(["segment", "list"], in: dir, environment: env)
        #expect(after.stdout == list.stdout)

        // Creating an existing segment is refused; --replace redefines it.
        let again = try await tailor(["segment", "create", "NY", "--where", #"traits.city = "Paris""#], in: dir, environment: env)
        #expect(again.status != 0)
        #expect(again.stderr.contains("segment ny exists"), "\(again.stderr)")
        #expect(try await tailor(["segment", "members", "NY"], in: dir, environment: env).stdout == "ny1\n")
        let replaced = try await tailor(["segment", "create", "NY", "--where", #"traits.city = "Paris""#, "--replace"], in: dir, environment: env)
        #expect(replaced.status == 0, "\(replaced.stderr)")
        #expect(try await tailor(["segment", "members", "NY"], in: dir, environment: env).stdout == "pa1\n")
    }
}
