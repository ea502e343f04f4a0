import Foundation
import Testing
import TailorCore
import TailorEngine
import TailorMail
import TailorStore
import TailorTesting
import TailorTestLaunch

/// Erasure, rectification and the access log (docs/PRIVACY.md), on both databases.
@Suite("Privacy erasure")
struct PrivacyErasureTests {
    static let t0 = CampaignShop.t0

    /// The campaign shop, with Ana (u1) given everything a person can own: a visitor profile merged into hers,
    /// a phone number, a journey run, consent entries (hers and her visitor's), computed traits, segment
    /// memberships, a campaign email in the outbox and a recipient row.
    static func anaWithEverything(_ test: TestDatabase) async throws -> (shop: CampaignShop, ana: ProfileID) {
        test.stores.installEventSteps()
        let clock = ManualClock(t0)
        try await JourneyService(stores: test.stores, clock: clock).create(name: nil, fromTemplate: "welcome", parameters: [:])
        var visit = Message.track("Page Viewed", anonymousId: "anon-ana-7", properties: ["note": "PLAINMARKER-EVENT"], at: t0 - 600,
                                  messageId: "visit-ana")
        visit.context = ["consent": ["analytics": "granted"]]
        _ = try await test.database.ingest([visit], planner: IngestPlanner())
        let shop = try await CampaignShop.make(test)
        _ = try await test.database.ingest([
            .identify(userId: "u1", anonymousId: "anon-ana-7", traits: ["phone": "+351 912 345 678", "last_name": "Lima",
                                                                        "motto": "PLAINMARKER-TRAIT"], at: t0 + 1, messageId: "id2-u1"),
        ], planner: IngestPlanner())
        let ana = try #require(try await test.database.profile(.identity(Identity(.user, "u1")))).id
        try await ConsentService(stores: test.stores, clock: shop.clock).record([
            ConsentEntry(profileID: ana, purpose: .emailMarketing, status: .granted, at: t0, source: .api, proof: ["ip": "203.0.113.9"]),
        ])
        try await test.stores.computedTraits.writeComputedTraits([ComputedTrait(profileId: ana, name: "cluster", number: 2)], at: t0)
        try await shop.service.create(.init(name: "Spring News", template: "news", segments: ["VIPs"], excluded: ["staff"]))
        _ = try await shop.service.send("spring-news", settings: try shop.settings())
        return (shop, ana)
    }

    @Test(arguments: TestBackend.available)
    func anErasureRemovesEverythingOfThePersonAndKeepsAReceipt(backend: TestBackend) async throws {
        try await TestDatabase.with(backend) { test in
            let (shop, ana) = try await Self.anaWithEverything(test)
            let bo = try #require(try await test.database.profile(.identity(Identity(.user, "u2"))))
            let boEvents = try await test.database.events(of: bo.id, before: nil, limit: 100).count
            let privacy = PrivacyService(stores: test.stores, clock: shop.clock)

            let receipt = try await privacy.erase(.identity(Identity(.email, "Ana@Example.test")))
            #expect(receipt.profileId == ana && receipt.id.hasPrefix("er_") && receipt.erasedAt == shop.clock.now())
            #expect(receipt.removed["profiles"] == 2, "Ana and the visitor merged into her: \(receipt.removed)")
            #expect(receipt.removed["identities"] == 3)  // user, email, anonymous
            #expect((receipt.removed["events"] ?? 0) >= 4 && receipt.removed["merges"] == 1)
            #expect(receipt.removed["consent_entries"] == 2)  // her grant, and the visitor's analytics decision
            #expect(receipt.removed["computed_traits"] == 1 && receipt.removed["messages"] == 1 && receipt.removed["campaign_recipients"] == 1)
            #expect(receipt.removed["journey_runs"] == 1 && (receipt.removed["segment_memberships"] ?? 0) >= 1
                    && (receipt.removed["segment_history"] ?? 0) >= 1)
            #expect(receipt.suppressed == 1 && receipt.tombstones == 3)
            #expect(receipt.backend == (backend == .sqlite ? "sqlite" : "postgresql") && receipt.reclaimedAt != nil)
            #expect(receipt.reclaim?.contains(backend == .sqlite ? "wal_checkpoint(TRUNCATE)" : "VACUUM") == true)

            // Nothing of hers can be found any more; the others are untouched.
            for reference in [ProfileReference.id(ana), .identity(Identity(.user, "u1")), .identity(Identity(.anonymous, "anon-ana-7")),
                              .identity(Identity(.email, "ana@example.test"))] {
                #expect(try await test.database.profile(reference) == nil)
                await #expect(throws: RequestError.self) { _ = try await privacy.export(reference) }
            }
            #expect(try await test.database.events(of: ana, before: nil, limit: 100).isEmpty)
            #expect(try await test.stores.consent.consentHistory(of: ana).isEmpty)
            #expect(try await test.stores.computedTraits.computedTraits(of: ana).isEmpty)
            #expect(try await test.stores.outbox.outboxRecords(of: ana).isEmpty)
            #expect(try await test.stores.journeys.journeyRuns(of: ana).isEmpty)
            #expect(try await test.stores.segments.memberships(of: ana).isEmpty)
            #expect(try await test.database.events(of: bo.id, before: nil, limit: 100).count == boEvents)
            #expect(try await test.stores.outbox.outboxRecords(of: bo.id).count == 1)
            // The address stays suppressed (by its blind index only).
            #expect(try await test.stores.suppressions.isSuppressed(address: "ana@example.test"))

            // Erasing again, by any of her names, is a no-op answering the same receipt.
            for reference in [ProfileReference.id(ana), .identity(Identity(.user, "u1")), .identity(Identity(.anonymous, "anon-ana-7")),
                              .identity(Identity(.email, "ana@example.test"))] {
                #expect(try await privacy.erase(reference) == receipt)
            }
            await #expect(throws: RequestError(.notFound, "no such profile", field: "profile")) {
                _ = try await privacy.erase(.identity(Identity(.user, "nobody")))
            }
        }
    }

    @Test(arguments: TestBackend.available)
    func laterMessagesOfAnErasedPersonAreDroppedAndTheirAddressStaysSuppressed(backend: TestBackend) async throws {
        try await TestDatabase.with(backend) { test in
            let (shop, _) = try await Self.anaWithEverything(test)
            _ = try await PrivacyService(stores: test.stores, clock: shop.clock).erase(.identity(Identity(.user, "u1")))
            let profilesBefore = try await test.stores.counts().profiles

            // Her app and browser keep sending: nothing is stored, nothing is created; the drops are counted.
            let ingest = IngestService(events: test.database)
            let late = try await ingest.ingest([
                .track("Page Viewed", userId: "u1", at: Self.t0 + 100, messageId: "late-1"),
                .track("Page Viewed", anonymousId: "anon-ana-7", at: Self.t0 + 101, messageId: "late-2"),
                .track("Page Viewed", userId: "u2", at: Self.t0 + 102, messageId: "late-3"),
            ])
            #expect(late.stored == 1 && late.dropped == 2 && late.duplicates == 0, "\(late)")
            #expect(try await test.database.profile(.identity(Identity(.user, "u1"))) == nil)
            #expect(try await test.stores.counts().profiles == profilesBefore)

            // She comes back under a new account with the same address (an import): a new profile, which no
            // campaign mails.
            _ = try await test.database.ingest([.identify(userId: "u1-new", traits: ["email": "ana@example.test", "first_name": "Ana", "vip": true],
                                                          at: Self.t0 + 200, messageId: "back-ana")], planner: IngestPlanner())
            #expect(try await test.database.profile(.identity(Identity(.email, "ana@example.test"))) != nil)
            try await shop.service.create(.init(name: "Summer News", template: "news", segments: ["VIPs"], excluded: ["staff"]))
            let status = try await shop.service.send("summer-news", settings: try shop.settings())
            #expect(status.skipped["suppressed"] == 2, "eve, and ana again: \(status.skipped)")
            #expect(try await shop.queued("summer-news").keys.contains("ana@example.test") == false)
        }
    }

    @Test(arguments: TestBackend.available)
    func aRectificationIsAnIdentifyAndARebuildAgrees(backend: TestBackend) async throws {
        try await TestDatabase.with(backend) { test in
            let shop = try await CampaignShop.make(test)
            let privacy = PrivacyService(stores: test.stores, clock: shop.clock)
            shop.clock.advance(by: 60)
            let access = AccessContext(actor: "cli:test", action: "tailor privacy rectify", purpose: "ticket 42")
            let details = try await privacy.rectify(.identity(Identity(.user, "u1")), traits: ["city": "Porto", "first_name": "Anna", "vip": .null],
                                                    access: access)
            #expect(details.view.traits["city"] == "Porto" && details.view.personal.value["first_name"] == "Anna")
            #expect(details.view.traits["vip"] == nil || details.view.traits["vip"] == .null)
            let events = try await test.database.events(of: details.view.id, before: nil, limit: 10)
            let rectification = try #require(events.first { $0.message.messageId.hasPrefix("rectify:") })
            #expect(rectification.message.type == .identify && rectification.message.traits["city"] == "Porto")
            // Clearing `vip` took her out of the VIPs, as any identify would.
            #expect(events.contains { $0.message.event == "Segment Exited" })

            _ = try await test.database.rebuildProfiles(progress: nil)
            let rebuilt = try #require(try await test.database.profile(.id(details.view.id)))
            #expect(rebuilt.traits == details.view.traits && rebuilt.personal.value == details.view.personal.value)
            #expect(rebuilt.state == details.view.state)

            await #expect(throws: RequestError.self) { _ = try await privacy.rectify(.identity(Identity(.user, "u1")), traits: ["consent": ["analytics": false]]) }
            await #expect(throws: RequestError.self) { _ = try await privacy.rectify(.identity(Identity(.user, "nobody")), traits: ["city": "Porto"]) }
            #expect(try await privacy.accessLog(.identity(Identity(.user, "u1"))).entries.map(\.purpose) == ["ticket 42"])
        }
    }

    @Test(arguments: TestBackend.available)
    func everyReadIsLoggedTheExportShowsTheLogAndTheLogOutlivesTheErasure(backend: TestBackend) async throws {
        try await TestDatabase.with(backend) { test in
            let shop = try await CampaignShop.make(test)
            let privacy = PrivacyService(stores: test.stores, clock: shop.clock)
            let u1 = ProfileReference.identity(Identity(.user, "u1"))
            try await privacy.recordAccess(to: u1, .adminKey("GET /v1/profiles/{id}", purpose: nil))
            shop.clock.advance(by: 5)
            let export = try await privacy.export(u1, access: .adminKey("GET /v1/privacy/export/{id}", purpose: "access request #7"))
            let logged = try #require(export["access_log"]?.arrayValue)
            #expect(logged.map { $0[path: "action"]?.stringValue } == ["GET /v1/profiles/{id}", "GET /v1/privacy/export/{id}"])
            #expect(logged.last?[path: "purpose"] == "access request #7" && logged.last?[path: "actor"] == "admin_key")
            try await privacy.recordAccess(to: .identity(Identity(.user, "nobody")), .adminKey("GET /v1/profiles/{id}", purpose: nil))

            let receipt = try await privacy.erase(u1)
            try await privacy.recordAccess(to: receipt.profileId, .adminKey("POST /v1/privacy/erase/{id}", purpose: nil))
            let (id, entries) = try await privacy.accessLog(u1)
            #expect(id == receipt.profileId && entries.count == 3 && entries.last?.action == "POST /v1/privacy/erase/{id}")
            await #expect(throws: RequestError.self) { _ = try await privacy.accessLog(.identity(Identity(.user, "nobody"))) }
            #expect(throws: RequestError.self) { _ = try PrivacyService.purpose(String(repeating: "x", count: 201)) }
            #expect(throws: RequestError.self) { _ = try PrivacyService.purpose("line\nbreak") }
            #expect(try PrivacyService.purpose("  ") == nil)
        }
    }

    /// On PostgreSQL the check is a dump: after the erasure, `pg_dump` of the database holds none of the values
    /// the person's rows kept in clear.
    @Test(.enabled(if: TestBackend.available.contains(.postgres) && Self.pgDump != nil))
    func aDumpAfterTheErasureHoldsNothingOfThePerson() async throws {
        try await TestDatabase.with(.postgres) { test in
            let url = try #require(test.postgresURL)
            _ = try await test.database.ingest([
                .identify(userId: "user-7f3k9qzx", anonymousId: "anon-5v8w2pdl",
                          traits: ["email": "zelda.quist@example.test", "name": "Zelda Quist", "motto": "PLAINMARKER-TRAIT-Q7"], at: Self.t0,
                          messageId: "msg-zelda-1"),
                .track("Viewed", userId: "user-7f3k9qzx", properties: ["note": "PLAINMARKER-EVENT-Q7"], at: Self.t0 + 1, messageId: "msg-zelda-2"),
                .identify(userId: "keep-1", traits: ["email": "keep@example.test"], at: Self.t0, messageId: "keep-1"),
            ], planner: IngestPlanner())
            let markers = ["user-7f3k9qzx", "anon-5v8w2pdl", "PLAINMARKER-TRAIT-Q7", "PLAINMARKER-EVENT-Q7", "msg-zelda-1", "msg-zelda-2"]
            let before = try Self.dump(url)
            #expect(markers.allSatisfy(before.contains) && before.contains("keep-1"))
            let receipt = try await PrivacyService(stores: test.stores).erase(.identity(Identity(.user, "user-7f3k9qzx")))
            #expect(receipt.reclaim?.hasPrefix("VACUUM ") == true)
            let after = try Self.dump(url)
            for marker in markers { #expect(!after.contains(marker), "\(marker) is in the dump") }
            #expect(after.contains("keep-1"))
        }
    }

    static let pgDump: String? = {
        let candidates = ["/usr/bin/pg_dump"] + ((try? FileManager.default.contentsOfDirectory(atPath: "/usr/lib/postgresql")) ?? [])
            .sorted().reversed().map { "/usr/lib/postgresql/\($0)/bin/pg_dump" }
        return candidates.first { FileManager.default.isExecutableFile(atPath: $0) }
    }()

    static func dump(_ url: String) throws -> String {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: try #require(pgDump))
        process.arguments = ["--no-owner", "--dbname", url]
        let out = Pipe()
        process.standardOutput = out
        process.standardError = FileHandle.nullDevice
        try ProcessLaunch.run(process)
        let data = ProcessLaunch.readToEnd(out.fileHandleForReading)
        process.waitUntilExit()
        #expect(process.terminationStatus == 0)
        return String(decoding: data, as: UTF8.self)
    }
}
