import Foundation
import Testing

/// `tailor template create|update|list|show|delete|preview|check --segment` and `tailor campaign …`, run as a
/// user would on a small shop imported as Segment events, the mail drained into a file sink.
@Suite("tailor campaign", .enabled(if: FileManager.default.isExecutableFile(atPath: tailorBinary)))
struct CampaignCLITests {
    static let now = "2026-11-01T12:00:00Z"

    func environment(_ dir: URL) -> [String: String] {
        ["TAILOR_NOW": Self.now, "TAILOR_DATABASE_URL": "sqlite:" + dir.appendingPathComponent("t.db").path,
         "TAILOR_MAIL_FROM": "Shop <news@shop.test>", "TAILOR_PUBLIC_URL": "https://mail.shop.test",
         "TAILOR_DKIM_KEY": dir.appendingPathComponent("dkim.pem").path, "TAILOR_DKIM_SELECTOR": "s1"]
    }

    /// Ten customers c0…c9 in Lisbon (even) or Oslo (odd), with an address except c9, a first name except c8;
    /// c1 has a mug in the cart; c0…c5 are VIPs, c5 is staff.
    func loadShop(_ dir: URL, _ env: [String: String]) async throws {
        var lines: [String] = []
        for i in 0..<10 {
            var traits = #""city":"\#(i % 2 == 0 ? "Lisbon" : "Oslo")","vip":\#(i < 6),"staff":\#(i == 5)"#
            if i != 9 { traits += #","email":"c\#(i)@example.test""# }
            if i != 8 { traits += #","first_name":"Name\#(i)""# }
            lines.append(#"{"type":"identify","userId":"c\#(i)","traits":{\#(traits)},"timestamp":"2026-10-01T00:00:00Z","messageId":"id-c\#(i)"}"#)
        }
        lines.append(#"{"type":"track","userId":"c1","event":"Product Added","properties":{"product_id":"mug","name":"Mug","price":12.5,"quantity":2},"timestamp":"2026-10-02T00:00:00Z","messageId":"cart-c1"}"#)
        try await importEvents(lines, in: dir, environment: env)
        for (name, condition) in [("VIPs", "traits.vip = true"), ("Staff", "traits.staff = true")] {
            let run = try await tailor(["segment", "create", name, "--where", condition], in: dir, environment: env)
            #expect(run.status == 0, "\(run.stderr)")
        }
    }

    @Test func aCampaignReachesEachEligibleMemberOnceSignedAndPersonalized() async throws {
        let dir = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let env = environment(dir)
        let keygen = try await tailor(["mail", "dkim-keygen", "--output", "dkim.pem", "--domain", "shop.test", "--selector", "s1"], in: dir)
        let txt = try #require(keygen.stdout.split(separator: "\n").map(String.init).first { $0.hasPrefix("v=DKIM1;") })
        try await loadShop(dir, env)
        try "<html><body>{{ content }}<p><a href=\"{{ unsubscribe_url }}\">Unsubscribe</a></p></body></html>"
            .write(to: dir.appendingPathComponent("layout.html"), atomically: true, encoding: .utf8)
        try """
            <h1>Hi {{ traits.first_name | default: "there" }}</h1><p>Greetings to {{ traits.city }}</p>
            {% if segments contains "vips" %}<p>VIP offer</p>{% endif %}
            {% for item in cart.items %}<p>{{ item.name }} x{{ item.quantity }} {{ item.price | money }}</p>{% endfor %}
            <a href="https://shop.test/sale">Shop the sale</a>
            """.write(to: dir.appendingPathComponent("news.html"), atomically: true, encoding: .utf8)
        try "<p>{% if x %}never closed</p>".write(to: dir.appendingPathComponent("broken.html"), atomically: true, encoding: .utf8)

        let broken = try await tailor(["template", "create", "broken", "--subject", "x", "--html", "broken.html"], in: dir, environment: env)
        #expect(broken.status != 0 && broken.stderr.contains("html: line 1, column"), "\(broken.stderr)")
        for args in [["template", "create", "frame", "--kind", "layout", "--html", "layout.html"],
                     ["template", "create", "news", "--subject", "Hello {{ traits.first_name | default: \"friend\" }}", "--preheader", "Our sale",
                      "--html", "news.html", "--layout", "frame"]] {
            let run = try await tailor(args, in: dir, environment: env)
            #expect(run.status == 0, "\(run.stderr)")
        }
        let list = try await tailor(["template", "list"], in: dir, environment: env)
        #expect(trimmedLines(list.stdout).prefix(2) == ["frame\tlayout", "news\temail\tHello {{ traits.first_name | default: \"friend\" }}"],
                "\(list.stdout)")
        let listJSON = try await tailor(["template", "list", "--json"], in: dir, environment: env)
        let listed = try #require(try JSONSerialization.jsonObject(with: Data(listJSON.stdout.utf8)) as? [[String: Any]])
        #expect(listed.compactMap { $0["name"] as? String } == ["frame", "news"] && listed.last?["layout"] as? String == "frame")
        let showText = try await tailor(["template", "show", "news"], in: dir, environment: env)
        #expect(showText.stdout.contains("kind: email\nsubject: Hello {{ traits.first_name") && showText.stdout.contains("layout: frame"),
                "\(showText.stdout)")
        #expect(showText.stdout.contains("--- html\n<h1>Hi {{ traits.first_name"))
        let show = try await tailor(["template", "show", "news", "--json"], in: dir, environment: env)
        let shown = try JSONSerialization.jsonObject(with: Data(show.stdout.utf8)) as? [String: Any]
        #expect(shown?["layout"] as? String == "frame" && shown?["preheader"] as? String == "Our sale")

        // The fallback report: of the 6 VIPs, c5… all have names and cities; nobody but c1 has a cart.
        let check = try await tailor(["template", "check", "news", "--segment", "vips", "--json"], in: dir, environment: env)
        #expect(check.status == 0, "\(check.stderr)")
        let report = try #require(try JSONSerialization.jsonObject(with: Data(check.stdout.utf8)) as? [String: Any])
        #expect(report["recipients"] as? Int == 6)
        let variables = try #require(report["variables"] as? [String: [String: Any]])
        #expect(variables["traits.first_name"]?["missing"] as? Int == 0 && variables["traits.first_name"]?["has_default"] as? Bool == true)
        #expect(variables["traits.city"]?["has_default"] as? Bool == false)
        #expect(variables["cart.items"]?["missing"] as? Int == 5)

        let preview = try await tailor(["template", "preview", "news", "--profile", "user:c1", "--json"], in: dir, environment: env)
        let previewed = try #require(try JSONSerialization.jsonObject(with: Data(preview.stdout.utf8)) as? [String: String], "\(preview.stderr)")
        #expect(previewed["subject"] == "Hello Name1" && previewed["preheader"] == "Our sale")
        #expect(previewed["html"]?.contains("Mug x2 $12.50") == true && previewed["text"]?.contains("Greetings to Oslo") == true)

        let create = try await tailor(["campaign", "create", "Fall Sale", "--template", "news", "--segment", "VIPs", "--exclude", "staff"],
                                      in: dir, environment: env)
        #expect(create.stdout == "created campaign fall-sale (draft)\n", "\(create.stdout)\(create.stderr)")
        let unknown = try await tailor(["campaign", "create", "X", "--template", "news", "--segment", "ghosts"], in: dir, environment: env)
        #expect(unknown.status != 0 && unknown.stderr.contains("no segment named ghosts"), "\(unknown.stderr)")
        let send = try await tailor(["campaign", "send", "fall-sale"], in: dir, environment: env)
        #expect(send.status == 0, "\(send.stderr)")
        #expect(send.stdout.contains("audience 5, queued 5"), "\(send.stdout)")
        let again = try await tailor(["campaign", "send", "Fall Sale"], in: dir, environment: env)
        #expect(again.stdout.contains("queued 5"), "\(again.stdout)")

        let sink = dir.appendingPathComponent("out")
        let drain = try await tailor(["mail", "drain", "--smtp", "file://\(sink.path)"], in: dir, environment: env)
        #expect(drain.stdout.hasPrefix("sent 5,"), "\(drain.stdout)\(drain.stderr)")
        let status = try await tailor(["campaign", "status", "fall-sale", "--json"], in: dir, environment: env)
        let counts = try #require(try JSONSerialization.jsonObject(with: Data(status.stdout.utf8)) as? [String: Any])
        #expect(counts["state"] as? String == "sent" && counts["audience"] as? Int == 5 && counts["sent"] as? Int == 5)
        #expect(counts["queued"] as? Int == 0 && counts["failed"] as? Int == 0 && (counts["skipped"] as? [String: Int])?.isEmpty == true)

        let files = emlFiles(sink)
        #expect(files.count == 5)
        var recipients: Set<String> = []
        for file in files {
            let message = try String(contentsOf: file, encoding: .utf8)
            let to = try #require(header("X-Envelope-To", message))
            recipients.insert(to)
            let i = to.dropFirst().prefix { $0.isNumber }
            #expect(header("Subject", message) == "Hello Name\(i)", "\(to)")
            #expect(header("List-Unsubscribe-Post", message) == "List-Unsubscribe=One-Click")
            #expect(header("List-Unsubscribe", message)?.contains("<https://mail.shop.test/t/u/") == true)
            #expect(header("DKIM-Signature", message)?.contains("d=shop.test") == true)
            let body = unfoldQuotedPrintable(message)
            #expect(body.contains("Greetings to \(Int(i)! % 2 == 0 ? "Lisbon" : "Oslo")") && body.contains("VIP offer"))
            #expect(body.contains("text/plain") && body.contains("Shop the sale (https://shop.test/sale)"))
            if SMTPPeer.python != nil {
                let inspected = try await SMTPPeer.inspect(file, dkimTXT: txt)
                #expect(inspected["dkim"] as? Bool == true, "\(inspected)")
            }
        }
        #expect(recipients == ["c0@example.test", "c1@example.test", "c2@example.test", "c3@example.test", "c4@example.test"])

        // What it earned so far: delivered, nothing opened or bought yet.
        let earned = try await tailor(["report", "campaign", "fall-sale", "--json"], in: dir, environment: env)
        let figures = try #require(try JSONSerialization.jsonObject(with: Data(earned.stdout.utf8)) as? [String: Any], "\(earned.stderr)")
        #expect(figures["recipients"] as? Int == 5 && figures["sent"] as? Int == 5 && figures["delivered"] as? Int == 5)
        #expect(figures["unique_opens"] as? Int == 0 && figures["conversions"] as? Int == 0 && figures["revenue"] as? Double == 0)
        let text = try await tailor(["report", "campaign", "Fall Sale", "--window", "2d"], in: dir, environment: env)
        #expect(text.stdout.contains("recipients 5, sent 5, delivered 5, bounced 0") && text.stdout.contains("last touch within 2d"), "\(text.stdout)")
        let badWindow = try await tailor(["report", "campaign", "fall-sale", "--window", "soon"], in: dir, environment: env)
        #expect(badWindow.status != 0 && badWindow.stderr.contains("--window is a duration"))

        // Lifecycle: illegal moves name the state; a template in use is kept.
        let pause = try await tailor(["campaign", "pause", "fall-sale"], in: dir, environment: env)
        #expect(pause.status != 0 && pause.stderr.contains("campaign fall-sale is sent"), "\(pause.stderr)")
        let delete = try await tailor(["template", "delete", "frame"], in: dir, environment: env)
        #expect(delete.status != 0 && delete.stderr.contains("layout of news"), "\(delete.stderr)")
        let later = try await tailor(["campaign", "create", "Later", "--template", "news", "--segment", "vips", "--at", "2026-12-24T09:00:00Z"],
                                     in: dir, environment: env)
        #expect(later.stdout == "created campaign later (scheduled for 2026-12-24T09:00:00.000Z)\n", "\(later.stdout)\(later.stderr)")
        let moved = try await tailor(["campaign", "schedule", "later", "--at", "2026-12-25T09:00:00Z"], in: dir, environment: env)
        #expect(moved.stdout == "campaign later is scheduled\n", "\(moved.stdout)\(moved.stderr)")
        let statusText = try await tailor(["campaign", "status", "later"], in: dir, environment: env)
        #expect(statusText.stdout.hasPrefix("campaign later (Later): scheduled\naudience 0, pending 0, queued 0, sent 0, failed 0"),
                "\(statusText.stdout)")
        for (move, state) in [("pause", "paused"), ("resume", "scheduled"), ("cancel", "cancelled")] {
            let run = try await tailor(["campaign", move, "later"], in: dir, environment: env)
            #expect(run.stdout == "campaign later is \(state)\n", "\(move): \(run.stdout)\(run.stderr)")
        }
        let campaigns = try await tailor(["campaign", "list"], in: dir, environment: env)
        #expect(trimmedLines(campaigns.stdout).filter { !$0.isEmpty }.sorted() == ["fall-sale\tsent\tnews\tvips", "later\tcancelled\tnews\tvips"],
                "\(campaigns.stdout)")
        let listedCampaigns = try await tailor(["campaign", "list", "--json"], in: dir, environment: env)
        let statuses = try #require(try JSONSerialization.jsonObject(with: Data(listedCampaigns.stdout.utf8)) as? [[String: Any]])
        #expect(Set(statuses.compactMap { $0["id"] as? String }) == ["fall-sale", "later"])
        #expect(statuses.first { $0["id"] as? String == "fall-sale" }?["sent"] as? Int == 5)
        #expect(statuses.first { $0["id"] as? String == "later" }?["scheduled_at"] as? String == "2026-12-25T09:00:00.000Z")
        let update = try await tailor(["template", "update", "news", "--subject", "New"], in: dir, environment: env)
        #expect(update.stdout == "updated template news\n", "\(update.stderr)")
    }
}

extension CampaignCLITests {
    /// `TAILOR_EMAIL_CONSENT=opt-in`: without a grant in the ledger nobody gets marketing email; a bad policy is refused.
    @Test func optInNeedsAGrant() async throws {
        let dir = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        var env = environment(dir)
        env["TAILOR_DKIM_KEY"] = nil
        try await loadShop(dir, env)
        try "<p>Hi</p>".write(to: dir.appendingPathComponent("t.html"), atomically: true, encoding: .utf8)
        for args in [["template", "create", "t", "--subject", "Hi", "--html", "t.html"], ["campaign", "create", "C", "--template", "t", "--segment", "vips"]] {
            let run = try await tailor(args, in: dir, environment: env)
            #expect(run.status == 0, "\(run.stderr)")
        }
        env["TAILOR_EMAIL_CONSENT"] = "maybe"
        let bad = try await tailor(["campaign", "send", "c"], in: dir, environment: env)
        #expect(bad.status != 0 && bad.stderr.contains("TAILOR_EMAIL_CONSENT is opt-out, opt-in or double-opt-in"), "\(bad.stderr)")
        env["TAILOR_EMAIL_CONSENT"] = "opt-in"
        let send = try await tailor(["campaign", "send", "c"], in: dir, environment: env)
        #expect(send.status == 0 && send.stdout.contains("queued 0, sent 0, skipped no_consent 6"), "\(send.stdout)\(send.stderr)")
    }
}

extension CampaignCLITests {
    /// `tailor import consent FILE.csv`: decisions recorded once, bad rows named by line and column, and an
    /// opt-in campaign that follows them.
    @Test func importedConsentDecidesWhoAnOptInCampaignReaches() async throws {
        let dir = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        var env = environment(dir)
        env["TAILOR_DKIM_KEY"] = nil
        try await loadShop(dir, env)
        try """
            user_id,email,purpose,status,timestamp,ip,form
            c0,,email_marketing,granted,2026-10-15T10:00:00Z,203.0.113.9,signup v2
            ,c1@example.test,email_marketing,withdrawn,2026-10-16T10:00:00Z,,
            ,c2@example.test,email_marketing,granted,2026-10-16T10:00:00Z,,
            c2,,email_marketing,denied,2026-10-20T10:00:00Z,,
            ghost,,email_marketing,granted,2026-10-16T10:00:00Z,,
            c3,,dating,granted,2026-10-16T10:00:00Z,,
            c4,,email_marketing,granted,2030-01-01T00:00:00Z,,
            """.write(to: dir.appendingPathComponent("consent.csv"), atomically: true, encoding: .utf8)
        let first = try await tailor(["import", "consent", "consent.csv"], in: dir, environment: env)
        #expect(first.status == 0, "\(first.stderr)")
        #expect(first.stdout.contains("7 rows read, 4 accepted, 3 refused; 4 decisions: 4 recorded, 0 already there"), "\(first.stdout)")
        #expect(first.stderr.contains("consent.csv:6: column user_id: no profile with this user id or email"), "\(first.stderr)")
        #expect(first.stderr.contains("consent.csv:7: column purpose: purpose is email_marketing, personalization or analytics"))
        #expect(first.stderr.contains("consent.csv:8: column timestamp: a decision cannot be dated in the future"))
        let again = try await tailor(["import", "consent", "consent.csv"], in: dir, environment: env)
        #expect(again.stdout.contains("4 decisions: 0 recorded, 4 already there"), "\(again.stdout)")

        try "<p>Hi</p>".write(to: dir.appendingPathComponent("t.html"), atomically: true, encoding: .utf8)
        for args in [["template", "create", "t", "--subject", "Hi", "--html", "t.html"], ["campaign", "create", "C", "--template", "t", "--segment", "vips"]] {
            #expect(try await tailor(args, in: dir, environment: env).status == 0)
        }
        env["TAILOR_EMAIL_CONSENT"] = "opt-in"
        let send = try await tailor(["campaign", "send", "c"], in: dir, environment: env)
        // Only c0 granted and did not change their mind (c2 denied later).
        #expect(send.stdout.contains("audience 6, queued 1, sent 0, skipped no_consent 5"), "\(send.stdout)\(send.stderr)")
    }

    /// Under double opt-in, an imported grant counts only when the earlier tool confirmed it (`source` double_opt_in).
    @Test func importedConfirmationsCountUnderDoubleOptIn() async throws {
        let dir = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        var env = environment(dir)
        env["TAILOR_DKIM_KEY"] = nil
        try await loadShop(dir, env)
        try """
            user_id,purpose,status,timestamp,source,form
            c0,email_marketing,granted,2026-10-15T10:00:00Z,double_opt_in,confirmed in the old newsletter tool
            c1,email_marketing,granted,2026-10-15T10:00:00Z,,
            c2,email_marketing,denied,2026-10-15T10:00:00Z,double_opt_in,
            c3,email_marketing,granted,2026-10-15T10:00:00Z,api,
            """.write(to: dir.appendingPathComponent("consent.csv"), atomically: true, encoding: .utf8)
        let imported = try await tailor(["import", "consent", "consent.csv"], in: dir, environment: env)
        #expect(imported.stdout.contains("4 rows read, 2 accepted, 2 refused"), "\(imported.stdout)")
        #expect(imported.stderr.contains("consent.csv:4: column source: source is import, or double_opt_in for a grant confirmed elsewhere"),
                "\(imported.stderr)")
        #expect(imported.stderr.contains("consent.csv:5: column source"))
        try "<p>Hi</p>".write(to: dir.appendingPathComponent("t.html"), atomically: true, encoding: .utf8)
        for args in [["template", "create", "t", "--subject", "Hi", "--html", "t.html"], ["campaign", "create", "C", "--template", "t", "--segment", "vips"]] {
            #expect(try await tailor(args, in: dir, environment: env).status == 0)
        }
        env["TAILOR_EMAIL_CONSENT"] = "double-opt-in"
        let send = try await tailor(["campaign", "send", "c"], in: dir, environment: env)
        // Only c0's grant was confirmed; c1's is pending.
        #expect(send.stdout.contains("audience 6, queued 1, sent 0, skipped no_consent 5"), "\(send.stdout)\(send.stderr)")
    }
}

/// Quoted-printable soft breaks and `=3D` undone, enough to search a message's text.
func unfoldQuotedPrintable(_ text: String) -> String {
    text.replacingOccurrences(of: "=\r\n", with: "").replacingOccurrences(of: "=3D", with: "=")
}
