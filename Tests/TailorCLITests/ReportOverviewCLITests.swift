import Foundation
import Testing

/// `tailor report overview --from D --to D [--json|--csv]`, run as a user would, days on the clock of
/// `TAILOR_TIMEZONE`.
@Suite("tailor report overview", .enabled(if: FileManager.default.isExecutableFile(atPath: tailorBinary)))
struct ReportOverviewCLITests {
    @Test func anOverviewOfThreeDaysInParis() async throws {
        let dir = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let env = ["TAILOR_DATABASE_URL": "sqlite:" + dir.appendingPathComponent("t.db").path, "TAILOR_TIMEZONE": "Europe/Paris",
                   "TAILOR_NOW": "2026-04-01T12:00:00Z"]
        func track(_ name: String, _ user: String, _ at: String, _ properties: String, id: String) -> String {
            #"{"type":"track","event":"\#(name)","userId":"\#(user)","properties":\#(properties),"timestamp":"\#(at)","messageId":"\#(id)"}"#
        }
        try await importEvents([
            #"{"type":"identify","userId":"u1","traits":{"vip":true},"timestamp":"2026-03-28T10:00:00Z","messageId":"i1"}"#,
            track("Email Sent", "u1", "2026-03-28T08:00:00Z", #"{"campaign_id":"c1"}"#, id: "s1"),
            track("Email Delivered", "u1", "2026-03-28T08:00:01Z", #"{"campaign_id":"c1"}"#, id: "d1"),
            track("Email Opened", "u1", "2026-03-28T08:00:05Z", #"{"campaign_id":"c1","machine_open":true}"#, id: "m1"),
            track("Email Opened", "u1", "2026-03-28T09:00:00Z", #"{"campaign_id":"c1"}"#, id: "h1"),
            track("Email Clicked", "u1", "2026-03-28T08:00:02Z", #"{"campaign_id":"c1"}"#, id: "b1"),  // 1 s after delivery
            track("Email Clicked", "u1", "2026-03-29T21:30:00Z", #"{"campaign_id":"c1"}"#, id: "c1"),  // 29 March in Paris
            track("Order Completed", "u1", "2026-03-29T22:30:00Z", #"{"order_id":"o1","revenue":19.99}"#, id: "o1"),  // 30 March in Paris
        ], in: dir, environment: env)

        let json = try jsonObject(try await tailor(["report", "overview", "--from", "2026-03-28", "--to", "2026-03-30", "--json"], in: dir, environment: env))
        #expect(json["time_zone"] as? String == "Europe/Paris" && json["from"] as? String == "2026-03-28" && json["to"] as? String == "2026-03-30")
        let totals: [String: Double] = ["new_profiles": 1, "events": 8, "emails_sent": 1, "unique_opens": 1, "machine_opens": 1,
                                        "unique_clicks": 1, "bot_clicks": 1, "conversions": 1, "revenue": 19.99]
        for (key, value) in totals { #expect((json[key] as? NSNumber)?.doubleValue == value, "\(key): \(json[key] ?? "nil")") }
        let daily = try #require(json["daily"] as? [[String: Any]])
        #expect(daily.map { $0["date"] as? String } == ["2026-03-28", "2026-03-29", "2026-03-30"])
        #expect(daily.map { ($0["unique_clicks"] as? NSNumber)?.intValue } == [0, 1, 0])
        #expect(daily.map { ($0["revenue"] as? NSNumber)?.doubleValue } == [0, 0, 19.99])

        let csv = try await tailor(["report", "overview", "--from", "2026-03-28", "--to", "2026-03-30", "--csv"], in: dir, environment: env)
        #expect(csv.stdout == """
            date,new_profiles,events,emails_sent,unique_opens,machine_opens,unique_clicks,bot_clicks,conversions,revenue
            2026-03-28,1,6,1,1,1,0,1,0,0
            2026-03-29,0,1,0,0,0,1,0,0,0
            2026-03-30,0,1,0,0,0,0,0,1,19.99
            total,1,8,1,1,1,1,1,1,19.99

            """, "\(csv.stdout)\(csv.stderr)")

        let text = try await tailor(["report", "overview", "--from", "2026-03-28", "--to", "2026-03-30"], in: dir, environment: env)
        #expect(text.stdout.contains("2026-03-28 to 2026-03-30 (Europe/Paris, 3 days)") && text.stdout.contains("revenue $19.99")
                && text.stdout.contains("unique clicks 1"), "\(text.stdout)\(text.stderr)")
        // A narrow window loses the order: it came an hour after the click.
        let narrow = try jsonObject(try await tailor(["report", "overview", "--from", "2026-03-28", "--to", "2026-03-30", "--window", "30m", "--json"],
                                                     in: dir, environment: env))
        #expect((narrow["conversions"] as? NSNumber)?.intValue == 0)

        let badDay = try await tailor(["report", "overview", "--from", "2026-02-30", "--to", "2026-03-30"], in: dir, environment: env)
        #expect(badDay.status != 0 && badDay.stderr.contains("--from: from is a date like 2026-11-01"), "\(badDay.stderr)")
        let backwards = try await tailor(["report", "overview", "--from", "2026-03-30", "--to", "2026-03-28"], in: dir, environment: env)
        #expect(backwards.status != 0 && backwards.stderr.contains("--to: to comes before from"), "\(backwards.stderr)")
    }
}
