import Foundation
import Testing
import TailorCore
import TailorEngine
import TailorStore
import TailorTesting

/// Without `personalization` consent a person gets no model traits, RFM or recommendations from their history in
/// what is rendered for them, and is left out of segments that read behaviour (campaign sends skip them with a
/// reason; exports leave them out).
@Suite("Personalization consent")
struct PersonalizationTests {
    @Test func theBehaviourRuleReadsTheConditionsAnalysis() throws {
        let catalog = try SegmentCatalog([
            SegmentDefinition(id: "vips", name: "VIPs", condition: try Condition(text: "traits.vip = true"), createdAt: Date(timeIntervalSince1970: 0)),
            SegmentDefinition(id: "buyers", name: "Buyers", condition: try Condition(text: "profile.order_count >= 1"), createdAt: Date(timeIntervalSince1970: 0)),
            SegmentDefinition(id: "vip-buyers", name: "VIP buyers", condition: try Condition(text: #"in segment "buyers" and in segment "vips""#), createdAt: Date(timeIntervalSince1970: 0)),
            SegmentDefinition(id: "new", name: "New", condition: try Condition(text: "profile.created_at within 30 days"), createdAt: Date(timeIntervalSince1970: 0)),
        ])
        #expect(catalog.behavioural == ["buyers", "vip-buyers"])
        for text in [#"count("Product Viewed" in last 7 days) >= 1"#, #"rfm.group = "Champions""#, "computed.cluster = 2", "profile.cart_value > 0",
                     "profile.last_seen within 3 days", "profile.email_opens > 0", #""Product Added" in last 7 days not followed by "Order Completed" within 1 hour"#] {
            #expect(catalog.readsBehaviour(try Condition(text: text)), "\(text)")
        }
        for text in [#"traits.city = "Oslo""#, "profile.created_at within 3 days", #"in segment "vips""#] {
            #expect(!catalog.readsBehaviour(try Condition(text: text)), "\(text)")
        }
    }

    @Test(arguments: TestBackend.available)
    func rendersAudiencesAndExportsLeaveOutWhoRefusedIt(backend: TestBackend) async throws {
        try await TestDatabase.with(backend) { test in
            let shop = try await CampaignShop.make(test)
            let ana = try #require(try await test.database.profile(.identity(Identity(.user, "u1")))).id
            let bo = try #require(try await test.database.profile(.identity(Identity(.user, "u2")))).id
            try await ConsentService(stores: test.stores, clock: shop.clock).record([
                ConsentEntry(profileID: bo, purpose: .personalization, status: .denied, at: CampaignShop.t0 - 10, source: .api),
            ])
            try await test.stores.computedTraits.writeComputedTraits([
                ComputedTrait(profileId: ana, name: "cluster", number: 3), ComputedTrait(profileId: bo, name: "cluster", number: 3),
            ], at: CampaignShop.t0)
            let segments = SegmentService(stores: test.stores, clock: shop.clock)
            _ = try await segments.define(name: "Seen", condition: try Condition(text: "profile.event_count >= 1"))
            try await shop.templates.create(EmailTemplate(
                name: "models", subject: "Hi", html: """
                    <p>cluster [{{ computed.cluster }}]</p>{% if segments contains "seen" %}<p>SEEN</p>{% endif %}
                    {% for p in recommendations %}<i>{{ p.name }}</i>{% endfor %}
                    """, recommendationCount: 2, createdAt: CampaignShop.t0))
            var settings = try shop.settings()
            let personalization = PersonalizationConsent(store: test.stores.consent, clock: shop.clock)
            settings.personalization = personalization
            #expect(try await personalization.refused([ana, bo]) == [bo])

            // A campaign to a segment on traits reaches Bo, without his model traits, behaviour segments or picks from his history.
            try await shop.service.create(.init(name: "Traits", template: "models", segments: ["vips"], excluded: ["staff"]))
            let traits = try await shop.service.send("traits", settings: settings)
            #expect(traits.queued == 2 && traits.skipped["no_personalization_consent"] == nil)
            let mail = try await shop.queued("traits").mapValues(unfoldQP)
            let anaMail = try #require(mail["ana@example.test"]), boMail = try #require(mail["bo@example.test"])
            #expect(anaMail.contains("cluster [3]") && anaMail.contains("SEEN"))
            #expect(boMail.contains("cluster []") && !boMail.contains("SEEN"))
            // Ana has the mug in her cart: she is offered the cup. Bo gets the popular products, the mug first.
            #expect(anaMail.contains("<i>Blue Cup</i>") && !anaMail.contains("<i>Red Mug</i>"))
            #expect(boMail.contains("<i>Red Mug</i><i>Blue Cup</i>"))

            // A campaign to a segment that reads behaviour skips him, counted by reason.
            try await shop.service.create(.init(name: "Behaviour", template: "models", segments: ["seen"], excluded: ["staff"]))
            let behaviour = try await shop.service.send("behaviour", settings: settings)
            #expect(behaviour.skipped["no_personalization_consent"] == 1)
            #expect(try await shop.queued("behaviour")["bo@example.test"] == nil)

            // Under opt-in, nobody without a grant is personalized.
            let optIn = PersonalizationConsent(store: test.stores.consent, policy: .optIn, clock: shop.clock)
            #expect(try await optIn.refused([ana, bo]) == [ana, bo])

            // The segment export leaves him out of the behaviour segment, not out of the trait one.
            var seen = ""
            _ = try await segments.exportCSV(try Condition(text: "profile.event_count >= 1"), personalization: personalization) { seen += $0 }
            #expect(seen.contains(ana.rawValue) && !seen.contains(bo.rawValue))
            var vips = ""
            _ = try await segments.exportCSV(try Condition(text: "traits.vip = true"), personalization: personalization) { vips += $0 }
            #expect(vips.contains(bo.rawValue))
        }
    }

    /// A journey started by entering a segment that reads behaviour does not mail who refused personalization: the
    /// run ends with the reason.
    @Test(arguments: TestBackend.available)
    func aJourneyOnABehaviourSegmentEndsTheRunOfWhoRefusedIt(backend: TestBackend) async throws {
        let t0 = Date(millisecondsSince1970: 1_780_000_000_000)
        try await TestDatabase.with(backend) { test in
            var (clock, settings) = try journeyWorld(test, at: t0)
            settings.personalization = PersonalizationConsent(store: test.stores.consent, clock: clock)
            let segments = SegmentService(stores: test.stores, clock: clock)
            _ = try await segments.define(name: "Sleepy", condition: try Condition(text: "profile.last_activity more than 1 hour ago"))
            let journeys = JourneyService(stores: test.stores, clock: clock)
            try await journeys.create(name: "Win back", fromTemplate: "win-back", parameters: ["segment": "sleepy", "wait": "1d"])
            _ = try await test.database.ingest([.identify(userId: "u1", traits: ["email": "ana@example.test"], at: t0, messageId: "i1"),
                                                .identify(userId: "u2", traits: ["email": "bo@example.test"], at: t0, messageId: "i2"),
                                                .track("Viewed", userId: "u1", at: t0, messageId: "v1"), .track("Viewed", userId: "u2", at: t0, messageId: "v2")],
                                               planner: IngestPlanner())
            let bo = try #require(try await test.database.profile(.identity(Identity(.user, "u2")))).id
            try await ConsentService(stores: test.stores, clock: clock).record([
                ConsentEntry(profileID: bo, purpose: .personalization, status: .withdrawn, at: t0, source: .api),
            ])
            clock.advance(by: 2 * 3600)
            _ = try await segments.runDueTimers()
            _ = try await journeys.runDue(settings: settings)
            let claimed = try await test.stores.outbox.claim(limit: 10, worker: "w", lease: .seconds(60), at: clock.now())
            #expect(claimed.map(\.recipient) == ["ana@example.test"])
            let (_, counts) = try await journeys.counts("win-back")
            #expect(counts.exited["no_personalization_consent"] == 1, "\(counts.exited)")
        }
    }
}
