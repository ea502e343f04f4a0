import Foundation
import Testing
import TailorCore
import TailorEngine
import TailorStore
import TailorTesting

@Suite("Consent ledger")
struct ConsentTests {
    let t0 = Date(millisecondsSince1970: 1_780_000_000_000)

    @Test func policiesReadTheLatestDecision() {
        let p = ProfileID("p_1")
        let grant = ConsentEntry(profileID: p, purpose: .emailMarketing, status: .granted, at: t0, source: .api)
        let expiring = ConsentEntry(profileID: p, purpose: .emailMarketing, status: .granted, at: t0, source: .api, expiresAt: t0 + 60)
        let withdrawn = ConsentEntry(profileID: p, purpose: .emailMarketing, status: .withdrawn, at: t0 + 10, source: .preferencePage)
        #expect(ConsentPolicy.optOut.allows(nil, at: t0) && !ConsentPolicy.optIn.allows(nil, at: t0))
        #expect(ConsentPolicy.optIn.allows(grant, at: t0) && ConsentPolicy.optIn.allows(expiring, at: t0 + 59))
        #expect(!ConsentPolicy.optIn.allows(expiring, at: t0 + 60))  // lapsed: no decision in force
        #expect(ConsentPolicy.optOut.allows(expiring, at: t0 + 60))
        #expect(!ConsentPolicy.optOut.allows(withdrawn, at: t0 + 20) && !ConsentPolicy.optIn.allows(withdrawn, at: t0 + 20))
        // The latest by decision time wins, whatever the recording order.
        let late = ConsentEntry(profileID: p, purpose: .emailMarketing, status: .granted, at: t0 + 5, source: .import)
        #expect(ConsentLedger.current([withdrawn, late])[.emailMarketing]?.status == .withdrawn)
        #expect(ConsentLedger.current([grant, late, withdrawn])[.emailMarketing]?.status == .withdrawn)
        #expect(ConsentLedger.current([grant])[.analytics] == nil)
    }

    @Test(arguments: TestBackend.available)
    func theLedgerKeepsHistoryFollowsMergesAndSealsTheProof(backend: TestBackend) async throws {
        try await TestDatabase.with(backend) { test in
            _ = try await test.database.ingest([
                .identify(anonymousId: "a1", traits: ["city": "Oslo"], at: t0, messageId: "i1"),
                .identify(userId: "u2", traits: ["email": "bo@example.test"], at: t0, messageId: "i2"),
            ], planner: IngestPlanner())
            let anonymous = try #require(try await test.database.profile(.identity(Identity(.anonymous, "a1")))).id
            let bo = try #require(try await test.database.profile(.identity(Identity(.user, "u2")))).id
            let service = ConsentService(stores: test.stores, clock: ManualClock(t0 + 3600))
            try await service.record([
                ConsentEntry(profileID: anonymous, purpose: .emailMarketing, status: .granted, at: t0, source: .api,
                             proof: ["ip": "203.0.113.9", "user_agent": "Mozilla/5.0", "form": "newsletter v3"]),
                ConsentEntry(profileID: anonymous, purpose: .analytics, status: .denied, at: t0 + 1, source: .api),
                ConsentEntry(profileID: bo, purpose: .emailMarketing, status: .denied, at: t0, source: .import),
            ])
            // The anonymous visitor becomes u1: the history follows the merge.
            _ = try await test.database.ingest([.identify(userId: "u1", anonymousId: "a1", traits: [:], at: t0 + 2, messageId: "i3")],
                                               planner: IngestPlanner())
            let ann = try #require(try await test.database.profile(.identity(Identity(.user, "u1")))).id
            let ledger = try await service.ledger(of: .identity(Identity(.user, "u1")))
            #expect(ledger.profile == ann && ledger.history.count == 2)
            #expect(ledger.current[.emailMarketing]?.status == .granted && ledger.current[.analytics]?.status == .denied)
            #expect(ledger.history.first?.proof["ip"] == "203.0.113.9")
            try await service.record([ConsentEntry(profileID: ann, purpose: .emailMarketing, status: .withdrawn, at: t0 + 100, source: .preferencePage)])
            let latest = try await test.stores.consent.latestConsent(of: [ann, bo, ProfileID("p_none")], purpose: .emailMarketing)
            #expect(latest[ann]?.status == .withdrawn && latest[bo]?.status == .denied && latest.count == 2)
            // Refused: a decision from the future, an expiry on a denial.
            await #expect(throws: RequestError.self) {
                try await service.record([ConsentEntry(profileID: ann, purpose: .analytics, status: .granted, at: t0 + 86_400, source: .api)])
            }
            await #expect(throws: RequestError.self) {
                try await service.record([ConsentEntry(profileID: ann, purpose: .analytics, status: .denied, at: t0, source: .api, expiresAt: t0 + 9)])
            }
            #expect(try await test.stores.consent.consentHistory(of: ann).count == 3)
            // The evidence is sealed at rest: the SQLite file does not hold the address in clear.
            if let path = test.sqlitePath {
                let bytes = (try? Data(contentsOf: URL(fileURLWithPath: path))) ?? Data()
                let wal = (try? Data(contentsOf: URL(fileURLWithPath: path + "-wal"))) ?? Data()
                #expect(bytes.range(of: Data("203.0.113.9".utf8)) == nil && wal.range(of: Data("203.0.113.9".utf8)) == nil)
            }
        }
    }

    @Test(arguments: TestBackend.available)
    func campaignsSkipWhoWithdrewOrNeverGrantedUnderOptIn(backend: TestBackend) async throws {
        try await TestDatabase.with(backend) { test in
            let shop = try await CampaignShop.make(test)
            let ana = try #require(try await test.database.profile(.identity(Identity(.user, "u1")))).id
            let bo = try #require(try await test.database.profile(.identity(Identity(.user, "u2")))).id
            let consent = ConsentService(stores: test.stores, clock: shop.clock)
            try await consent.record([
                ConsentEntry(profileID: ana, purpose: .emailMarketing, status: .granted, at: CampaignShop.t0 - 100, source: .api),
                ConsentEntry(profileID: bo, purpose: .emailMarketing, status: .withdrawn, at: CampaignShop.t0 - 50, source: .preferencePage),
            ])
            var settings = try shop.settings()
            // Opt-out: only Bo, who withdrew, is skipped.
            settings.consent = LedgerConsent(store: test.stores.consent, policy: .optOut, clock: shop.clock)
            try await shop.service.create(.init(name: "Out", template: "news", segments: ["vips"]))
            let out = try await shop.service.send("out", settings: settings)
            #expect(out.queued == 2 && out.skipped["no_consent"] == 1)  // Ana and Fay (u6) queued
            // Opt-in: only Ana, who granted.
            settings.consent = LedgerConsent(store: test.stores.consent, policy: .optIn, clock: shop.clock)
            try await shop.service.create(.init(name: "In", template: "news", segments: ["vips"]))
            let optIn = try await shop.service.send("in", settings: settings)
            #expect(optIn.queued == 1 && optIn.skipped["no_consent"] == 2)
            // Transactional mail asks no consent.
            try await shop.service.create(.init(name: "Receipt", template: "news", segments: ["vips"], transactional: true))
            #expect(try await shop.service.send("receipt", settings: settings).queued == 3)
        }
    }

    @Test(arguments: TestBackend.available)
    func aWithdrawalWhileTheEmailWaitsInTheOutboxStopsIt(backend: TestBackend) async throws {
        try await TestDatabase.with(backend) { test in
            let shop = try await CampaignShop.make(test)
            let ledger = LedgerConsent(store: test.stores.consent, policy: .optOut, clock: shop.clock)
            var settings = try shop.settings()
            settings.consent = ledger
            try await shop.service.create(.init(name: "Waiting", template: "news", segments: ["vips"], excluded: ["staff"]))
            #expect(try await shop.service.send("waiting", settings: settings).queued == 2)  // Ana and Bo
            let ana = try #require(try await test.database.profile(.identity(Identity(.user, "u1")))).id
            try await ConsentService(stores: test.stores, clock: shop.clock).record([
                ConsentEntry(profileID: ana, purpose: .emailMarketing, status: .withdrawn, at: CampaignShop.t0, source: .preferencePage),
            ])
            var configuration = OutboxWorker.Configuration(workerID: "w")
            configuration.consent = LedgerDeliveryConsent(campaigns: test.stores.campaigns, consent: ledger)
            let transport = ScriptedTransport()
            let summary = try await OutboxWorker(store: test.stores.mail, configuration: configuration, clock: shop.clock).drain(using: transport)
            #expect(summary.sent == 1 && summary.suppressed == 1)
            #expect(transport.accepted == ["bo@example.test"])
            let status = try await shop.service.status("waiting")
            #expect(status.sent == 1 && status.campaign.state == .sent)
            #expect(status.skipped == ["no_email": 1, "unsubscribed": 1, "suppressed": 1, "no_consent": 1])
        }
    }

    @Test(arguments: TestBackend.available)
    func unsubscribingAndResubscribingFromAnEmailAreRecordedDecisions(backend: TestBackend) async throws {
        try await TestDatabase.with(backend) { test in
            let shop = try await CampaignShop.make(test)
            try await shop.service.create(.init(name: "Letter", template: "news", segments: ["vips"], excluded: ["staff"]))
            try await shop.service.send("letter", settings: try shop.settings())
            let ana = try #require(try await test.database.profile(.identity(Identity(.user, "u1")))).id
            let token = TrackingToken(profileID: ana, campaign: "letter", messageKey: CampaignService.messageKey(campaign: "letter", profile: ana))
            let engagement = MailEngagement(store: test.stores.mail, links: shop.links, consent: test.stores.consent, clock: shop.clock)
            let requester = MailEngagement.Requester(userAgent: "Mail/1.0", address: "198.51.100.7")
            try await engagement.unsubscribe(token, method: "one-click", by: requester)
            try await engagement.unsubscribe(token, method: "one-click", by: requester)  // a client posting twice: one decision
            var history = try await test.stores.consent.consentHistory(of: ana)
            #expect(history.map(\.status) == [.withdrawn])
            #expect(history.first?.source == .preferencePage && history.first?.proof["ip"] == "198.51.100.7")
            #expect(history.first?.proof["form"] == "one-click unsubscribe (RFC 8058)" && history.first?.proof["campaign_id"] == "letter")
            #expect(try await engagement.resubscribe(token, by: requester))
            history = try await test.stores.consent.consentHistory(of: ana)
            #expect(history.map(\.status) == [.withdrawn, .granted])
        }
    }
}

@Suite("Consent captured from tracked messages")
struct ConsentCaptureStepTests {
    let t0 = Date(millisecondsSince1970: 1_780_000_000_000)

    func identify(_ consent: JSONValue, at: Date, id: String, ip: String = "198.51.100.4") -> Message {
        var m = Message.identify(userId: "u1", traits: ["consent": consent], at: at, messageId: id)
        m.context = ["ip": .string(ip)]
        return m
    }

    @Test(arguments: TestBackend.available)
    func decisionsInMessagesReachTheLedgerOnceAndOnlyWhenTheyChange(backend: TestBackend) async throws {
        try await TestDatabase.with(backend) { test in
            test.stores.installEventSteps()
            let ledger = ConsentService(stores: test.stores, clock: ManualClock(t0 + 86_400))
            _ = try await test.database.ingest([identify(["email_marketing": true], at: t0, id: "i1")], planner: IngestPlanner())
            var history = try await ledger.ledger(of: .identity(Identity(.user, "u1"))).history
            #expect(history.map(\.status) == [.granted])
            #expect(history[0].proof["ip"] == "198.51.100.4" && history[0].proof["message_id"] == "i1" && history[0].source == .api)

            // The same decision restated on every identify is not recorded again; a replayed message neither.
            _ = try await test.database.ingest([identify(["email_marketing": true], at: t0 + 60, id: "i2"),
                                                identify(["email_marketing": true], at: t0, id: "i1")], planner: IngestPlanner())
            history = try await ledger.ledger(of: .identity(Identity(.user, "u1"))).history
            #expect(history.count == 1)

            // A change is recorded; so is Segment's shape on any message, for the purposes it names.
            var page = Message.track("Page Viewed", userId: "u1", at: t0 + 120, messageId: "t1")
            page.context = ["consent": ["categoryPreferences": ["Email Marketing": false, "Analytics": true, "Advertising": false]]]
            _ = try await test.database.ingest([page], planner: IngestPlanner())
            let now = try await ledger.ledger(of: .identity(Identity(.user, "u1")))
            #expect(now.history.map(\.status) == [.granted, .denied, .granted])
            #expect(now.current[.emailMarketing]?.status == .denied && now.current[.analytics]?.status == .granted)

            // Under opt-in the captured denial stops marketing mail.
            let u1 = now.profile
            let permitted = try await LedgerConsent(store: test.stores.consent, policy: .optOut, clock: ManualClock(t0 + 200))
                .permitsMarketing([u1])
            #expect(permitted.isEmpty)

            // A decision that arrives late (older than the current one) is kept as evidence but does not overrule it.
            _ = try await test.database.ingest([identify(["email_marketing": true], at: t0 + 90, id: "i3")], planner: IngestPlanner())
            let after = try await ledger.ledger(of: .identity(Identity(.user, "u1")))
            #expect(after.history.count == 4 && after.current[.emailMarketing]?.status == .denied)
        }
    }

    @Test(arguments: TestBackend.available)
    func anAnonymousVisitorsDecisionFollowsTheMerge(backend: TestBackend) async throws {
        try await TestDatabase.with(backend) { test in
            test.stores.installEventSteps()
            var visit = Message.track("Page Viewed", anonymousId: "a9", at: t0, messageId: "t1")
            visit.context = ["consent": ["personalization": "denied"]]
            _ = try await test.database.ingest([visit], planner: IngestPlanner())
            _ = try await test.database.ingest([.identify(userId: "u9", anonymousId: "a9", traits: [:], at: t0 + 10, messageId: "i1")],
                                               planner: IngestPlanner())
            // Restating it after the merge is not a change: the merged-away profile's entry is the person's.
            var again = Message.track("Page Viewed", userId: "u9", at: t0 + 20, messageId: "t2")
            again.context = ["consent": ["personalization": "denied"]]
            _ = try await test.database.ingest([again], planner: IngestPlanner())
            let ledger = try await ConsentService(stores: test.stores, clock: ManualClock(t0 + 60)).ledger(of: .identity(Identity(.user, "u9")))
            #expect(ledger.history.count == 1 && ledger.current[.personalization]?.status == .denied)
        }
    }
}
