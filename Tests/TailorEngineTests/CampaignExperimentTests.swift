import Foundation
import Testing
import TailorCore
import TailorEngine
import TailorMail
import TailorStore
import TailorTesting

/// A shop of `count` people (u0…): an address each but u5's, VIPs below `vips`, locals every third, and a
/// `fail` trait on even people when asked; segments VIPs and Locals; the email `news`.
struct ExperimentShop {
    static let t0 = Date(millisecondsSince1970: 1_780_000_000_000)
    let test: TestDatabase
    let clock = ManualClock(t0)
    let links = TrackingLinks(baseURL: "https://mail.shop.test", signer: LinkSigner(masterKey: FieldCipher.generateMasterKey()))

    var stores: Stores { test.stores }
    var service: CampaignService { CampaignService(stores: stores, clock: clock) }

    func settings() throws -> CampaignSettings {
        CampaignSettings(composer: EmailComposer(from: try MailAddress(parsing: "Shop <news@shop.test>"), links: links))
    }

    static func make(_ test: TestDatabase, count: Int, vips: Int? = nil, failEven: Bool = false) async throws -> ExperimentShop {
        let shop = ExperimentShop(test: test)
        var messages: [TailorCore.Message] = []
        for i in 0..<count {
            var traits: JSONObject = ["first_name": .string("P\(i)"), "vip": .bool(i < (vips ?? count)), "local": .bool(i % 3 == 0)]
            if i != 5 { traits["email"] = .string("p\(i)@example.test") }
            if failEven, i % 2 == 0 { traits["fail"] = true }
            messages.append(.identify(userId: "u\(i)", traits: traits, at: t0, messageId: "id-\(i)"))
        }
        _ = try await test.database.ingest(messages, planner: IngestPlanner())
        let segments = SegmentService(stores: test.stores, clock: shop.clock)
        _ = try await segments.define(name: "VIPs", condition: try Condition(text: "traits.vip = true"))
        _ = try await segments.define(name: "Locals", condition: try Condition(text: "traits.local = true"))
        try await TemplateService(stores: test.stores, clock: shop.clock).create(EmailTemplate(
            name: "news", subject: "Hello {{ traits.first_name }}", html: "<p>Hi</p><a href=\"https://shop.test/sale\">Sale</a>", createdAt: t0))
        return shop
    }

    func drain() async throws -> Int {
        try await OutboxWorker(store: test.stores.mail, configuration: .init(workerID: "w"), clock: clock).drain(using: ScriptedTransport()).sent
    }

    /// Appends an event of the campaign's email (its `campaign_id` and the recipient's `variant`).
    func email(_ name: String, _ r: CampaignRecipient, at offset: TimeInterval, _ extra: JSONObject = [:], campaign: String) async throws {
        var properties = extra
        properties["campaign_id"] = .string(campaign)
        if let v = r.variant { properties["variant"] = .string(v) }
        _ = try await test.database.appendEvents([(r.profileID, .track(name, properties: properties, at: Self.t0 + offset))])
    }

    func order(_ r: CampaignRecipient, _ value: Double, at offset: TimeInterval) async throws {
        _ = try await test.database.appendEvents([(r.profileID, .track("Order Completed", properties: ["revenue": .number(value)],
                                                                        at: Self.t0 + offset))])
    }
}

@Suite("Campaign experiments")
struct CampaignExperimentTests {
    static let hour: TimeInterval = 3600, day: TimeInterval = 86_400

    @Test(arguments: TestBackend.available)
    func variantsAndHoldoutWithEveryReportNumberEqualToAHandCount(backend: TestBackend) async throws {
        try await TestDatabase.with(backend) { test in
            let shop = try await ExperimentShop.make(test, count: 60, vips: 50)
            let design = CampaignExperiment(variants: [.init(name: "A", weight: 1, subject: "Alpha {{ traits.first_name }}"),
                                                       .init(name: "B", weight: 1, subject: "Beta, {{ campaign.variant }}")], holdout: 0.25)
            try await shop.service.create(.init(name: "Exp", template: "news", segments: ["vips", "locals"], experiment: design))
            let status = try await shop.service.send("exp", settings: try shop.settings())
            #expect(status.campaign.audience == 53)  // 50 VIPs and the locals u51, u54, u57

            // Every recipient has the variant the assignment gives, recomputed; the holdout gets nothing.
            let assignment = design.assignment(campaign: "exp")
            let rows = try await shop.stores.campaigns.campaignRecipients(of: "exp", phase: nil)
            #expect(rows.count == 53)
            for r in rows {
                #expect(r.variant == assignment.arm(for: r.profileID.rawValue))
                let record = try await shop.stores.outbox.outboxRecord(key: CampaignService.messageKey(campaign: "exp", profile: r.profileID))
                if r.variant == VariantAssignment.holdout {
                    #expect(r.status == "skipped" && r.reason == "held_out" && record == nil)
                } else {
                    #expect(r.status == "queued" || r.reason == "no_email")
                }
            }
            let claimed = try await shop.stores.outbox.claim(limit: 100, worker: "reader", lease: .seconds(60), at: shop.clock.now())
            let byProfile = Dictionary(uniqueKeysWithValues: rows.map { ($0.profileID, $0) })
            for m in claimed {
                let text = String(decoding: m.data, as: UTF8.self)
                #expect(m.variant == byProfile[m.profileID]?.variant)
                #expect(text.contains(m.variant == "A" ? "Subject: Alpha P" : "Subject: Beta, B") && text.contains("X-Tailor-Variant: \(m.variant!)"))
            }
            // The email's links carry the variant: a click through one is recorded with it.
            let first = try #require(claimed.first)
            let text = String(decoding: first.data, as: UTF8.self)
            let pixel = try #require(unfoldQP(text).firstMatch(of: #/t/o/([A-Za-z0-9_\-]+\.[A-Za-z0-9_\-]+)/#))
            let opened = try shop.links.verify(String(pixel.1), .open)
            #expect(opened.variant == first.variant && opened.campaign == "exp")
            let engagement = MailEngagement(store: test.stores.mail, links: shop.links, clock: shop.clock)
            try await engagement.recordClick(opened, target: "https://shop.test/sale", by: .init(userAgent: "Mozilla/5.0", address: nil))
            // (At the time of sending: a scanner's click by the 2-second rule, counted below.)
            let clicks = try await shop.stores.reports.emailEvents(ofCampaign: "exp").filter { $0.name == "Email Clicked" }
            #expect(clicks.count == 1 && clicks[0].variant == first.variant && clicks[0].profileID == first.profileID)
            try await shop.stores.outbox.complete(claimed.map { OutboxOutcome(id: $0.id, .retry(at: shop.clock.now())) }, worker: "reader",
                                                  at: shop.clock.now())
            let queued = rows.filter { $0.status == "queued" }
            #expect(try await shop.drain() == queued.count)
            // Email Sent and Email Delivered carry the variant.
            for e in try await shop.stores.reports.emailEvents(ofCampaign: "exp") { #expect(e.variant == byProfile[e.profileID]?.variant) }

            let scanned = try #require(byProfile[first.profileID])
            let a = queued.filter { $0.variant == "A" && $0.profileID != scanned.profileID }
            let b = queued.filter { $0.variant == "B" && $0.profileID != scanned.profileID }
            let h = rows.filter { $0.variant == VariantAssignment.holdout }
            try #require(a.count >= 2 && b.count >= 2 && h.count >= 2)
            let (a1, a2, b1, b2, h1, h2) = (a[0], a[1], b[0], b[1], h[0], h[1])
            // The web version shows the variant the recipient got.
            let web = try await shop.service.webVersion(campaign: "exp", profile: b1.profileID, variant: "B", settings: try shop.settings())
            #expect(web.subject == "Beta, B")
            // a1: a machine open, a human open, a click, an order a day later (its conversion).
            try await shop.email("Email Opened", a1, at: 60, ["machine_open": true], campaign: "exp")
            try await shop.email("Email Opened", a1, at: Self.hour, ["machine_open": false], campaign: "exp")
            try await shop.email("Email Clicked", a1, at: 2 * Self.hour, campaign: "exp")
            try await shop.order(a1, 40, at: Self.day)
            // a2: a machine open, a click one second after the delivery (a scanner's), an order (no human touch).
            try await shop.email("Email Opened", a2, at: 30, ["machine_open": true], campaign: "exp")
            try await shop.email("Email Clicked", a2, at: 1, campaign: "exp")
            try await shop.order(a2, 25, at: Self.day)
            // b1: an open and a click, an order ten days later (outside the window).
            try await shop.email("Email Opened", b1, at: Self.hour, campaign: "exp")
            try await shop.email("Email Clicked", b1, at: 2 * Self.hour, campaign: "exp")
            try await shop.order(b1, 10, at: 10 * Self.day)
            // b2: a click, an order two days later (its conversion), an unsubscribe.
            try await shop.email("Email Clicked", b2, at: 3 * Self.hour, campaign: "exp")
            try await shop.order(b2, 30, at: 2 * Self.day)
            try await shop.email("Unsubscribed", b2, at: 4 * Self.hour, campaign: "exp")
            // The holdout: h1 orders within the window, h2 after it.
            try await shop.order(h1, 50, at: Self.day)
            try await shop.order(h2, 20, at: 7 * Self.day)

            let reports = ReportService(stores: shop.stores)
            let report = try await reports.campaign("exp", by: .variant)
            let sent = queued.count
            #expect(report.recipients == 53 && report.sent == sent && report.delivered == sent && report.bounced == 0)
            #expect(report.uniqueOpens == 2 && report.machineOpens == 2 && report.uniqueClicks == 3 && report.botClicks == 2)
            #expect(report.unsubscribes == 1 && report.conversions == 2 && report.revenue == 70)
            #expect(abs(report.revenuePerRecipient - 70 / Double(sent)) < 1e-12)

            let groups = Dictionary(uniqueKeysWithValues: (report.breakdown?.groups ?? []).map { ($0.name, $0) })
            #expect(report.breakdown?.groups.map(\.name) == ["A", "B", "holdout"])
            let ga = try #require(groups["A"]), gb = try #require(groups["B"]), gh = try #require(groups["holdout"])
            let scannedA = scanned.variant == "A" ? 1 : 0
            #expect(ga.figures.recipients == rows.filter { $0.variant == "A" }.count && ga.figures.sent == a.count + scannedA)
            #expect(ga.figures.uniqueOpens == 1 && ga.figures.machineOpens == 2 && ga.figures.uniqueClicks == 1 && ga.figures.botClicks == 1 + scannedA)
            #expect(ga.figures.unsubscribes == 0 && ga.figures.conversions == 1 && ga.figures.revenue == 40)
            #expect(gb.figures.recipients == rows.filter { $0.variant == "B" }.count && gb.figures.sent == b.count + 1 - scannedA)
            #expect(gb.figures.uniqueOpens == 1 && gb.figures.machineOpens == 0 && gb.figures.uniqueClicks == 2 && gb.figures.botClicks == 1 - scannedA)
            #expect(gb.figures.unsubscribes == 1 && gb.figures.conversions == 1 && gb.figures.revenue == 30)
            #expect(gh.figures.recipients == h.count && gh.figures.sent == 0 && gh.figures.conversions == 0)
            // Intention to treat: who ordered within 5 days of being recorded, clicked or not.
            #expect(ga.convertedRecipients == 2 && gb.convertedRecipients == 1 && gh.convertedRecipients == 1)
            let liftA = try #require(ga.lift)
            let expected = 2 / Double(rows.filter { $0.variant == "A" }.count) - 1 / Double(h.count)
            #expect(abs(liftA.difference - expected) < 1e-12 && liftA.low < liftA.difference && liftA.difference < liftA.high)
            #expect(gh.lift == nil)
            let json = report.json
            let keys = ["recipients", "sent", "delivered", "bounced", "unique_opens", "machine_opens", "unique_clicks", "unsubscribes",
                        "conversions", "revenue", "revenue_per_recipient"]
            for key in keys { #expect(json[key] != nil, "\(key)") }
            for item in json["variants"]?.arrayValue ?? [] {
                for key in keys + ["variant"] { #expect(item.objectValue?[key] != nil, "variants: \(key)") }
            }
            #expect(report.csv.split(separator: "\n").count == 5)  // header, all, A, B, holdout

            // By segment: membership at the snapshot; a recipient in both segments counts in both.
            let bySegment = try await reports.campaign("exp", by: .segment)
            let people: [(CampaignRecipient, opens: Int, machine: Int, clicks: Int, bots: Int, unsubscribes: Int, conversions: Int, revenue: Double)] = [
                (a1, 1, 1, 1, 0, 0, 1, 40), (a2, 0, 1, 0, 1, 0, 0, 0), (b1, 1, 0, 1, 0, 0, 0, 0), (b2, 0, 0, 1, 0, 1, 1, 30),
                (scanned, 0, 0, 0, 1, 0, 0, 0),
            ]
            for segment in ["vips", "locals"] {
                let g = try #require(bySegment.breakdown?.groups.first { $0.name == segment })
                let mine = people.filter { $0.0.segments.contains(segment) }
                #expect(g.figures.recipients == rows.filter { $0.segments.contains(segment) }.count)
                #expect(g.figures.sent == queued.filter { $0.segments.contains(segment) && $0.variant != VariantAssignment.holdout }.count)
                #expect(g.figures.uniqueOpens == mine.map(\.opens).reduce(0, +) && g.figures.machineOpens == mine.map(\.machine).reduce(0, +))
                #expect(g.figures.uniqueClicks == mine.map(\.clicks).reduce(0, +) && g.figures.botClicks == mine.map(\.bots).reduce(0, +))
                #expect(g.figures.unsubscribes == mine.map(\.unsubscribes).reduce(0, +))
                #expect(g.figures.conversions == mine.map(\.conversions).reduce(0, +) && g.figures.revenue == mine.map(\.revenue).reduce(0, +))
            }
            #expect(rows.filter { $0.segments == ["locals"] }.count == 3)
            #expect(bySegment.json["segments"]?.arrayValue?.count == 2)
            // A campaign without variants has no report by variant.
            try await shop.service.create(.init(name: "Plain", template: "news", segments: ["vips"]))
            await #expect(throws: RequestError.self) { try await reports.campaign("plain", by: .variant) }
        }
    }

    /// Sends the test phase, drains it, and has `clickers` of each variant's test recipients click.
    func runTest(_ shop: ExperimentShop, campaign: String, clickRate: [String: Int]) async throws -> [CampaignRecipient] {
        try await shop.service.send(campaign, settings: try shop.settings())
        _ = try await shop.drain()
        let tested = try await shop.stores.campaigns.campaignRecipients(of: campaign, phase: .test).filter { $0.status == "queued" }
        var seen: [String: Int] = [:]
        for r in tested {
            let v = r.variant ?? ""
            seen[v, default: 0] += 1
            if let every = clickRate[v], seen[v]! % every == 0 { try await shop.email("Email Clicked", r, at: Self.hour, campaign: campaign) }
        }
        return tested
    }

    @Test(arguments: TestBackend.available)
    func aClearEffectWinsAndTheRestGetsTheWinner(backend: TestBackend) async throws {
        try await TestDatabase.with(backend) { test in
            let shop = try await ExperimentShop.make(test, count: 600)
            let design = CampaignExperiment(variants: [.init(name: "A", subject: "Alpha"), .init(name: "B", subject: "Beta")],
                                            test: .init(share: 0.5, duration: Self.day))
            try await shop.service.create(.init(name: "Launch", template: "news", segments: ["vips"], experiment: design))
            try await shop.service.send("launch", settings: try shop.settings())
            var status = try await shop.service.status("launch")
            let waiting = try #require(status.assignment["waiting"]?["pending"])
            #expect(waiting > 200 && waiting < 400)  // about half waits for the decision
            #expect(status.counts.pending == waiting && status.campaign.state == .sending)
            let first = try await shop.service.decide("launch")
            #expect(first.state == .testing, "\(first.analysis)")  // nothing measured yet

            let tested = try await runTest(shop, campaign: "launch", clickRate: ["A": 20, "B": 2])  // 5 % against 50 %
            let record = try await shop.service.decide("launch")
            #expect(record.state == .decided && record.winner == "B" && record.analysis["reason"] == "significant")
            let comparison = try #require(record.analysis["comparisons"]?.arrayValue?.first?.objectValue)
            #expect((comparison["p_value"]?.doubleValue ?? 1) <= 0.05)
            #expect(comparison["pairs"]?.doubleValue == Double(min(tested.filter { $0.variant == "A" }.count, tested.filter { $0.variant == "B" }.count)))
            // Deciding again changes nothing; a different winner by hand is refused.
            #expect(try await shop.service.decide("launch").winner == "B")
            await #expect(throws: RequestError.self) { try await shop.service.decide("launch", winner: "A") }

            // The next send gives the rest the winner.
            try await shop.service.send("launch", settings: try shop.settings())
            status = try await shop.service.status("launch")
            #expect(status.assignment["waiting"] == nil && status.counts.pending == 0)
            let rest = try await shop.stores.campaigns.campaignRecipients(of: "launch", phase: .rest)
            #expect(rest.count == waiting && rest.allSatisfy { $0.variant == "B" && ($0.status == "queued" || $0.reason == "no_email") })
            let claimed = try await shop.stores.outbox.claim(limit: 1000, worker: "reader", lease: .seconds(60), at: shop.clock.now())
            #expect(claimed.count == rest.filter { $0.status == "queued" }.count && claimed.allSatisfy { $0.variant == "B" })
            #expect(claimed.allSatisfy { String(decoding: $0.data, as: UTF8.self).contains("Subject: Beta") })
            let json = status.json["experiment"]?.objectValue
            #expect(json?["state"] == "decided" && json?["winner"] == "B" && json?["analysis"]?.objectValue?["srm"] != nil)
        }
    }

    @Test(arguments: TestBackend.available)
    func aSampleRatioMismatchBlocksTheWinnerUntilDecidedByHand(backend: TestBackend) async throws {
        try await TestDatabase.with(backend) { test in
            let shop = try await ExperimentShop.make(test, count: 600, failEven: true)
            // B's subject fails for every even person: B loses half its recipients to render_failed.
            let design = CampaignExperiment(variants: [.init(name: "A", subject: "Alpha"),
                                                       .init(name: "B", subject: "{% if traits.fail %}{{ 1 | divided_by: 0 }}{% endif %}Beta")],
                                            test: .init(share: 0.5, duration: Self.day))
            try await shop.service.create(.init(name: "Broken", template: "news", segments: ["vips"], experiment: design))
            _ = try await runTest(shop, campaign: "broken", clickRate: ["A": 20, "B": 2])
            var record = try await shop.service.decide("broken")
            #expect(record.state == .blocked && record.winner == nil && record.analysis["reason"] == "sample_ratio_mismatch", "\(record.analysis)")
            #expect(record.analysis["srm"]?.objectValue?["mismatch"] == .bool(true))
            #expect(record.analysis["significant_winner"] == "B")  // the statistics alone would have said B
            // The test's time ends: still blocked, nothing goes to the rest.
            shop.clock.advance(by: 2 * Self.day)
            #expect(try await shop.service.decide("broken").state == .blocked)
            try await shop.service.send("broken", settings: try shop.settings())
            #expect(try await shop.service.status("broken").assignment["waiting"] != nil)
            // Decided by hand.
            record = try await shop.service.decide("broken", winner: "A")
            #expect(record.state == .decided && record.winner == "A" && record.analysis["reason"] == "by_hand")
            try await shop.service.send("broken", settings: try shop.settings())
            let rest = try await shop.stores.campaigns.campaignRecipients(of: "broken", phase: .rest)
            #expect(!rest.isEmpty && rest.allSatisfy { $0.variant == "A" && $0.status != "pending" })
        }
    }

    @Test(arguments: TestBackend.available)
    func whenTheTimeEndsWithoutAWinnerTheExperimentStopsOrSendsTheBest(backend: TestBackend) async throws {
        try await TestDatabase.with(backend) { test in
            let shop = try await ExperimentShop.make(test, count: 120)
            for (name, atEnd) in [("Stopper", CampaignExperiment.AtEnd.stop), ("Bester", .best)] {
                let design = CampaignExperiment(variants: [.init(name: "A"), .init(name: "B")],
                                                test: .init(share: 0.5, duration: 6 * Self.hour, atEnd: atEnd))
                try await shop.service.create(.init(name: name, template: "news", segments: ["vips"], experiment: design))
                _ = try await runTest(shop, campaign: name.lowercased(), clickRate: ["A": 10, "B": 8])
                #expect(try await shop.service.decide(name).state == .testing)
            }
            shop.clock.advance(by: 7 * Self.hour)
            let stopped = try await shop.service.decide("stopper")
            #expect(stopped.state == .stopped && stopped.analysis["reason"] == "time_ended_stop")
            let rest = try await shop.stores.campaigns.campaignRecipients(of: "stopper", phase: .rest)
            #expect(!rest.isEmpty && rest.allSatisfy { $0.status == "skipped" && $0.reason == "experiment_stopped" })
            let best = try await shop.service.decide("bester")
            #expect(best.state == .decided && best.analysis["reason"] == "time_ended_best" && best.winner == best.analysis["leader"]?.stringValue)
            // The runner sends the rest of a decided campaign.
            let runner = CampaignRunner(service: shop.service, settings: try shop.settings())
            _ = try await runner.runOnce()
            #expect(try await shop.service.status("bester").counts.pending == 0)
        }
    }
}
