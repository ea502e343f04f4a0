import Foundation
import Testing

/// `tailor campaign create --variant … --holdout … --test …`, `campaign show`, `campaign decide` and
/// `report campaign --by variant|segment`, run as a user would on forty customers.
@Suite("tailor campaign experiments", .enabled(if: FileManager.default.isExecutableFile(atPath: tailorBinary)))
struct ExperimentCLITests {
    static let now = "2026-11-01T12:00:00Z"
    static let later = "2026-11-01T15:00:00Z"

    func environment(_ dir: URL, now: String = Self.now) -> [String: String] {
        ["TAILOR_NOW": now, "TAILOR_DATABASE_URL": "sqlite:" + dir.appendingPathComponent("t.db").path,
         "TAILOR_MAIL_FROM": "Shop <news@shop.test>", "TAILOR_PUBLIC_URL": "https://mail.shop.test"]
    }

    @Test func anExperimentFromCreationToItsReportByVariant() async throws {
        let dir = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let env = environment(dir)
        var lines: [String] = []
        for i in 0..<40 {
            lines.append(#"{"type":"identify","userId":"c\#(i)","traits":{"email":"c\#(i)@example.test","vip":true},"timestamp":"2026-10-01T00:00:00Z","messageId":"id-c\#(i)"}"#)
        }
        try await importEvents(lines, in: dir, environment: env)
        #expect(try await tailor(["segment", "create", "VIPs", "--where", "traits.vip = true"], in: dir, environment: env).status == 0)
        try "<p>Sale</p>".write(to: dir.appendingPathComponent("news.html"), atomically: true, encoding: .utf8)
        #expect(try await tailor(["template", "create", "news", "--subject", "News", "--html", "news.html"], in: dir, environment: env).status == 0)

        // Refused designs name what is wrong.
        let nameless = try await tailor(["campaign", "create", "X", "--template", "news", "--segment", "VIPs", "--variant", "subject=Hi"],
                                        in: dir, environment: env)
        #expect(nameless.status != 0 && nameless.stderr.contains("variants[0].name"), "\(nameless.stderr)")
        let unclosed = try await tailor(["campaign", "create", "X", "--template", "news", "--segment", "VIPs", "--variant", #"name=A,subject="Hi"#],
                                        in: dir, environment: env)
        #expect(unclosed.status != 0 && unclosed.stderr.contains("--variant #1: the quoted value of subject is not closed"), "\(unclosed.stderr)")
        let lonely = try await tailor(["campaign", "create", "X", "--template", "news", "--segment", "VIPs", "--variant", "name=A", "--test", "50%"],
                                      in: dir, environment: env)
        #expect(lonely.status != 0 && lonely.stderr.contains("test: a test phase compares at least two variants"), "\(lonely.stderr)")

        let create = try await tailor(["campaign", "create", "Trial", "--template", "news", "--segment", "VIPs",
                                       "--variant", #"name=A,subject="Hi, A",weight=50"#, "--variant", "name=B,subject=Hello B,weight=50",
                                       "--holdout", "20%", "--test", "50%", "--test-for", "2h"], in: dir, environment: env)
        #expect(create.stdout == "created campaign trial (draft)\n", "\(create.stdout)\(create.stderr)")
        let send = try await tailor(["campaign", "send", "trial"], in: dir, environment: env)
        #expect(send.status == 0, "\(send.stderr)")

        let show = try await tailor(["campaign", "show", "trial"], in: dir, environment: env)
        #expect(show.status == 0, "\(show.stderr)")
        for text in ["experiment: holdout 20%", "variant A: weight 40% of the audience", "subject \"Hi, A\"", "variant B:", "holdout: ",
                     "waiting for the decision: ", "test: 50% of the audience first, for 2h, metric clicks", "state: testing"] {
            #expect(show.stdout.contains(text), "\(text) in \(show.stdout)")
        }
        let shown = try jsonObject(try await tailor(["campaign", "show", "trial", "--json"], in: dir, environment: env))
        let experiment = try #require(shown["experiment"] as? [String: Any])
        let assignment = try #require(experiment["assignment"] as? [String: [String: Int]])
        #expect(assignment.values.flatMap(\.values).reduce(0, +) == 40)
        #expect(Set(assignment.keys).isSubset(of: ["A", "B", "holdout", "waiting"]) && assignment["waiting"] != nil)
        let queuedNow = (assignment["A"]?["queued"] ?? 0) + (assignment["B"]?["queued"] ?? 0)

        let sink = dir.appendingPathComponent("out")
        let drain = try await tailor(["mail", "drain", "--smtp", "file://\(sink.path)"], in: dir, environment: env)
        #expect(drain.stdout.hasPrefix("sent \(queuedNow),"), "\(drain.stdout)\(drain.stderr)")
        let subjects = try emlFiles(sink).map { try String(contentsOf: $0, encoding: .utf8) }
        #expect(subjects.allSatisfy { ["Hi, A", "Hello B"].contains(header("Subject", $0) ?? "") && header("X-Tailor-Variant", $0) != nil })

        let early = try await tailor(["campaign", "decide", "trial"], in: dir, environment: env)
        #expect(early.status == 0 && early.stdout.contains("campaign trial: no decision yet (no_winner_yet)"), "\(early.stdout)\(early.stderr)")
        // Three hours later the test's time is over: the best so far goes to the rest.
        let laterEnv = environment(dir, now: Self.later)
        let decided = try await tailor(["campaign", "decide", "trial"], in: dir, environment: laterEnv)
        #expect(decided.status == 0 && decided.stdout.contains("(time_ended_best)"), "\(decided.stdout)\(decided.stderr)")
        #expect(decided.stdout.contains("sample ratio: chi2"), "\(decided.stdout)")
        let rest = try await tailor(["campaign", "send", "trial"], in: dir, environment: laterEnv)
        #expect(rest.status == 0, "\(rest.stderr)")
        let after = try jsonObject(try await tailor(["campaign", "show", "trial", "--json"], in: dir, environment: laterEnv))
        let finalAssignment = try #require((after["experiment"] as? [String: Any])?["assignment"] as? [String: [String: Int]])
        #expect(finalAssignment["waiting"] == nil && (after["experiment"] as? [String: Any])?["state"] as? String == "decided")

        let report = try jsonObject(try await tailor(["report", "campaign", "trial", "--by", "variant", "--json"], in: dir, environment: laterEnv))
        let variants = try #require(report["variants"] as? [[String: Any]])
        #expect(variants.map { $0["variant"] as? String } == ["A", "B", "holdout"])
        #expect(variants.compactMap { $0["recipients"] as? Int }.reduce(0, +) == 40 && report["recipients"] as? Int == 40)
        for key in ["recipients", "sent", "delivered", "bounced", "unique_opens", "machine_opens", "unique_clicks", "unsubscribes",
                    "conversions", "revenue", "revenue_per_recipient"] {
            #expect(report[key] != nil && variants.allSatisfy { $0[key] != nil }, "\(key)")
        }
        #expect(variants[2]["sent"] as? Int == 0 && variants[0]["lift"] != nil)
        let csv = try await tailor(["report", "campaign", "trial", "--by", "variant", "--csv"], in: dir, environment: laterEnv)
        let rows = csv.stdout.split(separator: "\n")
        #expect(rows.count == 5 && rows[0].hasPrefix("variant,recipients,sent,delivered,") && rows[1].hasPrefix("all,40,"), "\(csv.stdout)")
        let bySegment = try jsonObject(try await tailor(["report", "campaign", "trial", "--by", "segment", "--json"], in: dir, environment: laterEnv))
        #expect((bySegment["segments"] as? [[String: Any]])?.first?["segment"] as? String == "vips")
        let text = try await tailor(["report", "campaign", "trial", "--by", "variant"], in: dir, environment: laterEnv)
        #expect(text.stdout.contains("variant A: recipients") && text.stdout.contains("variant holdout: recipients"), "\(text.stdout)")
        let badBy = try await tailor(["report", "campaign", "trial", "--by", "colour"], in: dir, environment: laterEnv)
        #expect(badBy.status != 0 && badBy.stderr.contains("--by is variant or segment"), "\(badBy.stderr)")
    }
}
