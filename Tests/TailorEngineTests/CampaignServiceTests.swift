import Foundation
import Testing
import Liquid
import TailorCore
import TailorEngine
import TailorMail
import TailorStore
import TailorTesting

/// A small shop for campaign tests: seven people, two segments, a catalog, a layout, a partial and an email.
struct CampaignShop {
    static let t0 = Date(millisecondsSince1970: 1_780_000_000_000)
    let test: TestDatabase
    let clock: ManualClock
    let links = TrackingLinks(baseURL: "https://mail.shop.test", signer: LinkSigner(masterKey: FieldCipher.generateMasterKey()))

    var stores: Stores { test.stores }
    var service: CampaignService { CampaignService(stores: stores, clock: clock) }
    var templates: TemplateService { TemplateService(stores: stores, clock: clock) }

    func settings(cap: FrequencyCap? = nil) throws -> CampaignSettings {
        CampaignSettings(composer: EmailComposer(from: try MailAddress(parsing: "Shop <news@shop.test>"), links: links), frequencyCap: cap)
    }

    /// u1 Ana in Lisbon with a red mug in her cart; u2 without a first name; u3 without an address; u4
    /// unsubscribed; u5 bounced; u6 staff (excluded); u7 not a VIP.
    static func make(_ test: TestDatabase) async throws -> CampaignShop {
        let shop = CampaignShop(test: test, clock: ManualClock(t0))
        let people: [(String, JSONObject)] = [
            ("u1", ["email": "ana@example.test", "first_name": "Ana", "city": "Lisbon", "vip": true]),
            ("u2", ["email": "bo@example.test", "city": "Paris", "vip": true]),
            ("u3", ["first_name": "Cy", "vip": true]),
            ("u4", ["email": "dee@example.test", "first_name": "Dee", "vip": true]),
            ("u5", ["email": "eve@example.test", "first_name": "Eve", "vip": true]),
            ("u6", ["email": "fay@example.test", "first_name": "Fay", "vip": true, "staff": true]),
            ("u7", ["email": "gus@example.test", "first_name": "Gus", "vip": false]),
        ]
        var messages: [TailorCore.Message] = people.map { .identify(userId: $0.0, traits: $0.1, at: t0, messageId: "id-\($0.0)") }
        messages.append(.track("Product Added", userId: "u1", properties: ["product_id": "p1", "price": 12.5, "quantity": 2, "name": "Mug"],
                               at: t0.addingTimeInterval(60), messageId: "cart-u1"))
        _ = try await test.database.ingest(messages, planner: IngestPlanner())
        try await test.database.upsertProducts([
            Product(id: "p1", name: "Red Mug", category: "kitchen", price: 12.5, url: "https://shop.test/p1"),
            Product(id: "p2", name: "Blue Cup", category: "kitchen", price: 8, url: "https://shop.test/p2"),
        ])
        let segments = SegmentService(stores: test.stores, clock: shop.clock)
        _ = try await segments.define(name: "VIPs", condition: try Condition(text: "traits.vip = true"))
        _ = try await segments.define(name: "Staff", condition: try Condition(text: "traits.staff = true"))
        let mail = test.stores.suppressions
        try await mail.suppress([
            SuppressionEntry(key: mail.suppressionKey(forAddress: "dee@example.test"), reason: .unsubscribe, createdAt: t0),
            SuppressionEntry(key: mail.suppressionKey(forAddress: "eve@example.test"), reason: .hardBounce, createdAt: t0),
        ])
        try await shop.templates.create(EmailTemplate(name: "footer", kind: .partial, html: "<p><a href=\"{{ url }}\">Unsubscribe</a></p>",
                                                      createdAt: t0))
        try await shop.templates.create(EmailTemplate(name: "frame", kind: .layout, html: "<html><body>{{ content }}{% render 'footer', url: unsubscribe_url %}</body></html>",
                                                      createdAt: t0))
        try await shop.templates.create(EmailTemplate(
            name: "news", subject: "Hello {{ traits.first_name | default: \"friend\" }}", preheader: "Picks for {{ traits.city | default: \"you\" }}",
            html: """
                <h1>Hi {{ traits.first_name | default: "there" }}</h1>{% if traits.city %}<p>From {{ traits.city }}</p>{% endif %}
                {% if segments contains "vips" %}<p>VIP corner</p>{% endif %}
                {% for item in cart.items %}<p>{{ item.name }} x{{ item.quantity }} {{ item.price | money }} <a href="{{ item.url }}">see</a></p>{% endfor %}
                <p>Total {{ cart.value | money }}</p>{% for p in recommendations %}<i>{{ p.name }}</i>{% endfor %}
                """, layout: "frame", recommendationCount: 2, createdAt: t0))
        return shop
    }

    /// The queued messages of a campaign, by recipient address, as text.
    func queued(_ campaign: String) async throws -> [String: String] {
        let claimed = try await stores.outbox.claim(limit: 100, worker: "reader", lease: .seconds(60), at: clock.now())
        var out: [String: String] = [:]
        for m in claimed where m.campaign == campaign { out[m.recipient] = String(decoding: m.data, as: UTF8.self) }
        // Leave them as they were: hand the leases back.
        try await stores.outbox.complete(claimed.map { OutboxOutcome(id: $0.id, .retry(at: clock.now())) }, worker: "reader", at: clock.now())
        return out
    }
}

/// Quoted-printable soft line breaks and `=3D` undone, enough to search a message's parts.
func unfoldQP(_ text: String) -> String {
    text.replacingOccurrences(of: "=\r\n", with: "").replacingOccurrences(of: "=3D", with: "=")
}

@Suite("Campaigns")
struct CampaignServiceTests {
    @Test(arguments: TestBackend.available)
    func sendsEachEligibleMemberOnePersonalizedEmail(backend: TestBackend) async throws {
        try await TestDatabase.with(backend) { test in
            let shop = try await CampaignShop.make(test)
            try await shop.service.create(.init(name: "Spring News", template: "news", segments: ["VIPs"], excluded: ["staff"]))
            let status = try await shop.service.send("spring-news", settings: try shop.settings())
            #expect(status.campaign.state == .sending)
            #expect(status.campaign.audience == 5)  // u1…u5: u6 is staff, u7 is no VIP
            #expect(status.queued == 2)
            #expect(status.skipped == ["no_email": 1, "unsubscribed": 1, "suppressed": 1])

            let mails = try await shop.queued("spring-news")
            #expect(Set(mails.keys) == ["ana@example.test", "bo@example.test"])
            let ana = unfoldQP(try #require(mails["ana@example.test"]))
            #expect(ana.contains("Subject: Hello Ana"))
            #expect(ana.contains("Hi Ana") && ana.contains("From Lisbon") && ana.contains("VIP corner"))
            #expect(ana.contains("Red Mug x2 $12.50") && ana.contains("Total $25.00"))
            #expect(ana.contains("Picks for Lisbon"))  // the preheader
            #expect(ana.contains("List-Unsubscribe-Post: List-Unsubscribe=One-Click"))
            #expect(ana.contains("Content-Type: text/plain") && ana.contains("Content-Type: text/html"))
            #expect(ana.contains("https://mail.shop.test/t/c/"))  // links are tracked
            #expect(ana.contains("X-Tailor-Campaign: spring-news"))
            #expect(!ana.contains("/t/v/"))  // the template does not ask for its web version
            let bo = unfoldQP(try #require(mails["bo@example.test"]))
            #expect(bo.contains("Subject: Hello friend") && bo.contains("Hi there") && bo.contains("From Paris") && bo.contains("Total $0.00"))
            #expect(bo.contains("<i>Red Mug</i>") || bo.contains("<i>Blue Cup</i>"))

            // Sending again adds nothing; the outbox keeps one message per recipient.
            let again = try await shop.service.send("Spring News", settings: try shop.settings())
            #expect(again.queued == 2)
            #expect(try await shop.stores.outbox.outboxCounts()[.queued] == 2)
            #expect(try await shop.stores.outbox.outboxRecord(
                key: CampaignService.messageKey(campaign: "spring-news", profile: try #require(try await test.database.profile(.identity(Identity(.user, "u1")))).id)) != nil)
        }
    }

    @Test(arguments: TestBackend.available)
    func finishesWhenTheOutboxIsDrained(backend: TestBackend) async throws {
        try await TestDatabase.with(backend) { test in
            let shop = try await CampaignShop.make(test)
            try await shop.service.create(.init(name: "Drained", template: "news", segments: ["vips"], excluded: ["staff"]))
            try await shop.service.send("drained", settings: try shop.settings())
            let worker = OutboxWorker(store: test.stores.mail, configuration: .init(workerID: "w"), clock: shop.clock)
            let summary = try await worker.drain(using: ScriptedTransport())
            #expect(summary.sent == 2)
            let status = try await shop.service.status("drained")
            #expect(status.campaign.state == .sent)
            #expect(status.sent == 2 && status.queued == 0)
            #expect(status.campaign.finishedAt != nil)
        }
    }

    @Test(arguments: TestBackend.available)
    func pauseHoldsQueuedMailAndCancelWithdrawsIt(backend: TestBackend) async throws {
        try await TestDatabase.with(backend) { test in
            let shop = try await CampaignShop.make(test)
            try await shop.service.create(.init(name: "Held", template: "news", segments: ["vips"]))
            try await shop.service.send("held", settings: try shop.settings())
            #expect(try await shop.service.pause("held").state == .paused)
            let worker = OutboxWorker(store: test.stores.mail, configuration: .init(workerID: "w"), clock: shop.clock)
            #expect(try await worker.drain(using: ScriptedTransport()).sent == 0)  // paused: nothing is claimed
            #expect(try await shop.service.resume("held").state == .sending)
            #expect(try await shop.service.cancel("held").state == .cancelled)
            #expect(try await worker.drain(using: ScriptedTransport()).sent == 0)
            let status = try await shop.service.status("held")
            #expect(status.queued == 0 && status.sent == 0)
            #expect(status.skipped["cancelled"] == 3)  // u1, u2, u6 had queued messages
            // Illegal moves name the state.
            await #expect(throws: RequestError.self) { try await shop.service.resume("held") }
            do {
                _ = try await shop.service.send("held", settings: try shop.settings())
                Issue.record("a cancelled campaign was sent")
            } catch let e as RequestError {
                #expect(e.code == .illegalState && e.message.contains("cancelled"))
            }
        }
    }

    @Test(arguments: TestBackend.available)
    func lifecycleRefusesIllegalMoves(backend: TestBackend) async throws {
        try await TestDatabase.with(backend) { test in
            let shop = try await CampaignShop.make(test)
            try await shop.service.create(.init(name: "Later", template: "news", segments: ["vips"]))
            do {
                _ = try await shop.service.resume("later")
                Issue.record("a draft was resumed")
            } catch let e as RequestError {
                #expect(e.code == .illegalState && e.message.contains("is draft"))
            }
            let at = CampaignShop.t0.addingTimeInterval(3600)
            #expect(try await shop.service.schedule("later", at: at).state == .scheduled)
            #expect(try await shop.service.campaign("later").scheduledAt == at)
            #expect(try await shop.service.pause("later").state == .paused)
            #expect(try await shop.service.resume("later").state == .scheduled)  // it had not started
            await #expect(throws: RequestError.self) { try await shop.service.create(.init(name: "later", template: "news", segments: ["vips"])) }
            await #expect(throws: RequestError.self) { try await shop.service.create(.init(name: "X", template: "nope", segments: ["vips"])) }
            do {
                _ = try await shop.service.create(.init(name: "Y", template: "news", segments: ["vips", "ghosts"]))
                Issue.record("an unknown segment was accepted")
            } catch let e as RequestError {
                #expect(e.code == .notFound && e.field == "segments[1]")
            }
        }
    }

    @Test(arguments: TestBackend.available)
    func frequencyCapSkipsMarketingButNotTransactional(backend: TestBackend) async throws {
        try await TestDatabase.with(backend) { test in
            let shop = try await CampaignShop.make(test)
            let settings = try shop.settings(cap: FrequencyCap(count: 1, window: 7 * 86_400))
            try await shop.service.create(.init(name: "First", template: "news", segments: ["vips"], excluded: ["staff"]))
            try await shop.service.create(.init(name: "Second", template: "news", segments: ["vips"], excluded: ["staff"]))
            try await shop.service.create(.init(name: "Receipt", template: "news", segments: ["vips"], excluded: ["staff"], transactional: true))
            #expect(try await shop.service.send("first", settings: settings).queued == 2)
            let second = try await shop.service.send("second", settings: settings)
            #expect(second.queued == 0 && second.skipped["frequency_cap"] == 2)
            #expect(try await shop.service.send("receipt", settings: settings).queued == 2)
        }
    }

    @Test(arguments: TestBackend.available)
    func aRecipientWhoseEmailFailsToRenderIsSkippedNotTheCampaign(backend: TestBackend) async throws {
        try await TestDatabase.with(backend) { test in
            let shop = try await CampaignShop.make(test)
            // Bo gets a number to divide by; Ana has none, and dividing by nothing is a render error.
            _ = try await test.database.ingest([.identify(userId: "u2", traits: ["n": 4], at: CampaignShop.t0, messageId: "n-u2")],
                                               planner: IngestPlanner())
            try await shop.templates.create(EmailTemplate(name: "math", subject: "Math", html: "{{ 12 | divided_by: traits.n }}",
                                                          createdAt: CampaignShop.t0))
            try await shop.service.create(.init(name: "Math", template: "math", segments: ["vips"], excluded: ["staff"]))
            let status = try await shop.service.send("math", settings: try shop.settings())
            #expect(status.queued == 1)  // Bo
            #expect(status.skipped["render_failed"] == 1)  // Ana: divided by nothing
        }
    }

    @Test(arguments: TestBackend.available)
    func templatesAreCheckedBeforeTheyAreStored(backend: TestBackend) async throws {
        try await TestDatabase.with(backend) { test in
            let shop = try await CampaignShop.make(test)
            do {
                try await shop.templates.create(EmailTemplate(name: "broken", subject: "Hi", html: "<p>\n{% if x %}no end", createdAt: CampaignShop.t0))
                Issue.record("a template that does not parse was stored")
            } catch let e as RequestError {
                #expect(e.code == .invalid && e.field == "html" && e.message.contains("line 2"))
            }
            await #expect(throws: RequestError.self) {
                try await shop.templates.create(EmailTemplate(name: "orphan", subject: "Hi", html: "x", layout: "nope", createdAt: CampaignShop.t0))
            }
            await #expect(throws: RequestError.self) {
                try await shop.templates.create(EmailTemplate(name: "bad name!", subject: "Hi", html: "x", createdAt: CampaignShop.t0))
            }
            do {
                try await shop.templates.create(EmailTemplate(name: "badfrom", subject: "Hi", html: "x", from: "the shop", createdAt: CampaignShop.t0))
                Issue.record("a sender that is no address was stored")
            } catch let e as RequestError {
                #expect(e.code == .invalid && e.field == "from")
            }
            #expect(try await test.database.template(named: "broken") == nil)
            // In use: the layout by an email, the partial by the layout, the email by a campaign.
            for name in ["frame", "footer"] {
                do {
                    try await shop.templates.delete(name)
                    Issue.record("\(name) was deleted while in use")
                } catch let e as RequestError {
                    #expect(e.code == .inUse)
                }
            }
            try await shop.service.create(.init(name: "Uses", template: "news", segments: ["vips"]))
            await #expect(throws: RequestError.self) { try await shop.templates.delete("news") }
            let updated = try await shop.templates.update("news") { $0.subject = "New subject" }
            #expect(updated.subject == "New subject" && updated.createdAt == CampaignShop.t0)
        }
    }

    @Test(arguments: TestBackend.available)
    func fallbackReportCountsMissingVariables(backend: TestBackend) async throws {
        try await TestDatabase.with(backend) { test in
            let shop = try await CampaignShop.make(test)
            let report = try await shop.service.fallbackReport(template: "news", segment: "vips")
            #expect(report.recipients == 6)
            let byPath = Dictionary(uniqueKeysWithValues: report.variables.map { ($0.path, $0) })
            #expect(byPath["traits.first_name"]?.missing == 1)  // u2
            #expect(byPath["traits.first_name"]?.hasDefault == true)
            #expect(byPath["traits.city"]?.missing == 4)  // all but u1, u2
            #expect(byPath["traits.city"]?.hasDefault == false)
            #expect(byPath["cart.items"]?.missing == 5)  // only u1 has a cart
        }
    }

    @Test(arguments: TestBackend.available)
    func previewRendersOneProfile(backend: TestBackend) async throws {
        try await TestDatabase.with(backend) { test in
            let shop = try await CampaignShop.make(test)
            let email = try await shop.service.preview(template: "news", profile: .identity(Identity(.user, "u1")), settings: try shop.settings())
            #expect(email.subject == "Hello Ana")
            #expect(email.html.contains("Red Mug x2 $12.50"))
            #expect(!email.html.contains("<i>Red Mug</i>"))  // in her cart already
            #expect(email.html.contains("<i>Blue Cup</i>"))
            await #expect(throws: RequestError.self) {
                try await shop.service.preview(template: "news", profile: .identity(Identity(.user, "nobody")), settings: try shop.settings())
            }
        }
    }

    @Test func htmlEscapesTraitsUnlessRaw() throws {
        let environment = EmailEnvironment(templates: [])
        let email = PreparedEmail(template: EmailTemplate(name: "e", subject: "{{ traits.x }}", html: "<p>{{ traits.x }}|{{ traits.x | raw }}</p>",
                                                          createdAt: Date()), layout: nil, environment: environment)
        var context = EmailContext.make(EmailRecipient(profile: ProfileAggregate(id: ProfileID("p_1"), createdAt: Date())), catalog: [:],
                                        send: .init())
        var traits = Liquid.LiquidObject()
        traits["x"] = .string("<b>&</b>")
        context["traits"] = .object(traits)
        let rendered = try email.render(context)
        #expect(rendered.html == "<p>&lt;b&gt;&amp;&lt;/b&gt;|<b>&</b></p>")
        #expect(rendered.subject == "<b>&</b>")
    }

    @Test func moneyFormats() {
        #expect(EmailFilters.format(1234.5, currency: "USD") == "$1,234.50")
        #expect(EmailFilters.format(-3, currency: "EUR") == "-€3.00")
        #expect(EmailFilters.format(0.005, currency: "SEK") == "0.01 SEK")
    }

    @Test func quietHoursEndInTheRecipientsCalendarAcrossDaylightSaving() throws {
        let quiet = try QuietHours(parsing: "21:00-08:00")
        let paris = try #require(TimeZone(identifier: "Europe/Paris"))
        // 2026-03-28 22:30 in Paris (21:30 UTC); the clocks go forward that night: 08:00 CEST is 06:00 UTC.
        let late = try #require(ISO8601.parse("2026-03-28T21:30:00Z"))
        #expect(quiet.release(late, in: paris) == ISO8601.parse("2026-03-29T06:00:00Z"))
        let noon = try #require(ISO8601.parse("2026-03-28T11:00:00Z"))
        #expect(quiet.release(noon, in: paris) == noon)
        let early = try #require(ISO8601.parse("2026-03-28T05:00:00Z"))  // 06:00 in Paris
        #expect(quiet.release(early, in: paris) == ISO8601.parse("2026-03-28T07:00:00Z"))
        #expect(throws: RequestError.self) { try QuietHours(parsing: "9pm-8am") }
        #expect(try FrequencyCap(parsing: "2/7d") == FrequencyCap(count: 2, window: 604_800))
        #expect(throws: RequestError.self) { try FrequencyCap(parsing: "0/7d") }
    }
}

@Suite("Campaign pacing")
struct CampaignPacingTests {
    @Test(arguments: TestBackend.available)
    func aRateSpacesTheEmailsDueTimes(backend: TestBackend) async throws {
        try await TestDatabase.with(backend) { test in
            let shop = try await CampaignShop.make(test)
            try await shop.service.create(.init(name: "Slow", template: "news", segments: ["vips"], ratePerSecond: 1))
            try await shop.service.send("slow", settings: try shop.settings())
            // Queued: u1, u2, u6 (positions in profile id order among u1…u6); each due one second after the one before it.
            var due: [Date] = []
            for status in [OutboxStatus.queued] {
                for record in try await test.stores.outbox.outboxRecords(status: status, after: nil, limit: 10) { due.append(record.nextAttemptAt) }
            }
            #expect(due.count == 3)
            let started = try #require(try await shop.service.campaign("slow").startedAt)
            #expect(due.allSatisfy { $0 >= started })
            let spacing = Set(due.map { Int(($0.timeIntervalSince(started)).rounded()) })
            #expect(spacing.count == 3, "\(due)")  // three different seconds
            // Nothing is claimable before it is due.
            let claimed = try await test.stores.outbox.claim(limit: 10, worker: "w", lease: .seconds(60), at: started)
            #expect(claimed.count <= 1)
        }
    }
}

@Suite("Send-time optimization")
struct SendTimeTests {
    @Test(arguments: TestBackend.available)
    func eachEmailIsDueAtItsRecipientsBestHourOrTheAudiencesBest(backend: TestBackend) async throws {
        try await TestDatabase.with(backend) { test in
            let shop = try await CampaignShop.make(test)  // t0 is 2026-05-28 20:26:40 UTC
            let day: TimeInterval = 86_400
            var opens: [TailorCore.Message] = []
            // Ana (u1) opens at 07:10 UTC three times; five machine opens at 15:00 must not count.
            for d in 1...3 {
                opens.append(.track("Email Opened", userId: "u1", properties: ["machine_open": false],
                                    at: CampaignShop.t0.addingTimeInterval(-Double(d) * day - 13.25 * 3600), messageId: "open-u1-\(d)"))
            }
            for d in 1...5 {
                opens.append(.track("Email Opened", userId: "u1", properties: ["machine_open": true],
                                    at: CampaignShop.t0.addingTimeInterval(-Double(d) * day - 5.4 * 3600), messageId: "machine-u1-\(d)"))
            }
            // Fay (u6, outside the audience) opens at 22:00 UTC more often than anyone: only the global count knows.
            for d in 1...6 {
                opens.append(.track("Email Opened", userId: "u6", at: CampaignShop.t0.addingTimeInterval(-Double(d) * day + 1.6 * 3600),
                                    messageId: "open-u6-\(d)"))
            }
            _ = try await test.database.ingest(opens, planner: IngestPlanner())
            let hours = try await test.stores.interactions.humanOpensByHour()
            #expect(hours[7] == 3 && hours[22] == 6 && hours[15] == nil)

            try await shop.service.create(.init(name: "Timed", template: "news", segments: ["vips"], excluded: ["staff"], sendTime: .optimal))
            try await shop.service.send("timed", settings: try shop.settings())
            let records = try await test.stores.outbox.outboxRecords(status: .queued, after: nil, limit: 10)
            #expect(records.count == 2)  // Ana and Bo
            let seven = try #require(ISO8601.parse("2026-05-29T07:00:00Z"))
            // Ana at her own best hour; Bo, who never opened, at the audience's (Ana's), not the global 22:00.
            #expect(records.allSatisfy { $0.nextAttemptAt == seven }, "\(records.map(\.nextAttemptAt))")
        }
    }

    @Test func bestHoursAndTheirNextOccurrence() throws {
        #expect(SendTimeOptimizer.bestHour([9: 3, 18: 3, 20: 1]) == 9)
        #expect(SendTimeOptimizer.bestHour([:]) == nil)
        let paris = try #require(TimeZone(identifier: "Europe/Paris"))
        let now = try #require(ISO8601.parse("2026-03-28T20:30:00Z"))  // 21:30 in Paris, the night clocks go forward
        #expect(SendTimeOptimizer.next(hour: 9, after: now, in: paris) == ISO8601.parse("2026-03-29T07:00:00Z"))  // 09:00 CEST
        #expect(SendTimeOptimizer.next(hour: 21, after: now, in: paris) == now)  // within that hour already
        let optimizer = SendTimeOptimizer(audienceHours: [:], globalHours: [6: 2])
        #expect(optimizer.due(opens: [], timeZone: paris, now: now) == ISO8601.parse("2026-03-29T06:00:00Z"))
        #expect(SendTimeOptimizer(audienceHours: [:], globalHours: [:]).due(opens: [], timeZone: paris, now: now) == now)
    }
}
