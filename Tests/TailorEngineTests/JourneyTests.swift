import Foundation
import Testing
import TailorCore
import TailorEngine
import TailorMail
import TailorStore
import TailorTesting

/// A database with the event steps installed and the segment clock at `t0`, and the settings journeys send with.
func journeyWorld(_ test: TestDatabase, at t0: Date) throws -> (clock: ManualClock, settings: CampaignSettings) {
    let clock = ManualClock(t0)
    test.stores.segments.useSegmentClock(clock)
    test.stores.installEventSteps()
    let links = TrackingLinks(baseURL: "https://mail.shop.test", signer: LinkSigner(masterKey: FieldCipher.generateMasterKey()))
    return (clock, CampaignSettings(composer: EmailComposer(from: try MailAddress("shop@shop.test"), links: links)))
}

@Suite("Journeys")
struct JourneyTests {
    let t0 = Date(millisecondsSince1970: 1_780_000_000_000)

    func cart(_ user: String, _ product: String, at: Date, id: String) -> TailorCore.Message {
        .track("Product Added", userId: user, properties: ["product_id": .string(product), "price": 12.5, "quantity": 1, "name": "Mug"],
               at: at, messageId: id)
    }

    /// The seeds' case: a cart abandoned gets one email with its items once the wait is over; a newer cart
    /// event restarts the wait; an order first means no email; a second run of the runner sends nothing more.
    @Test(arguments: TestBackend.available)
    func anAbandonedCartGetsOneEmailAndAnOrderFirstGetsNone(backend: TestBackend) async throws {
        try await TestDatabase.with(backend) { test in
            let (clock, settings) = try journeyWorld(test, at: t0)
            let journeys = JourneyService(stores: test.stores, clock: clock)
            let journey = try await journeys.create(name: nil, fromTemplate: "abandoned-cart", parameters: ["wait": "5m"])
            #expect(journey.id == "abandoned-cart" && journey.definition.trigger.within == 300)
            _ = try await test.database.ingest([
                .identify(userId: "u1", traits: ["email": "ana@example.test", "first_name": "Ana"], at: t0, messageId: "i1"),
                .identify(userId: "u2", traits: ["email": "bo@example.test"], at: t0, messageId: "i2"),
                cart("u1", "p1", at: t0, id: "c1"),
                cart("u2", "p2", at: t0, id: "c2"),
            ], planner: IngestPlanner())
            let u1 = try #require(try await test.database.profile(.identity(Identity(.user, "u1")))).id
            let u2 = try #require(try await test.database.profile(.identity(Identity(.user, "u2")))).id
            #expect(try await test.stores.journeys.nextJourneyDue() == t0 + 300)

            // u2 orders within the wait: their run ends at once.
            clock.advance(by: 60)
            _ = try await test.database.ingest([.track("Order Completed", userId: "u2", properties: ["revenue": 12.5], at: t0 + 60, messageId: "o2")],
                                               planner: IngestPlanner())
            #expect(try await test.stores.journeys.journeyRuns(of: u2).map(\.exitReason) == ["goal"])
            // u1 adds another item at 4 minutes: the wait starts again.
            clock.advance(by: 180)
            _ = try await test.database.ingest([cart("u1", "p2", at: t0 + 240, id: "c3")], planner: IngestPlanner())
            clock.advance(by: 120)  // 6 minutes: the first wait would have ended
            #expect(try await journeys.runDue(settings: settings) == 0)
            clock.advance(by: 180)  // 9 minutes: 5 after the last cart event
            #expect(try await journeys.runDue(settings: settings) == 1)
            #expect(try await journeys.runDue(settings: settings) == 0)

            let runs = try await test.stores.journeys.journeyRuns(of: u1)
            #expect(runs.count == 1 && runs[0].state == .completed && runs[0].triggerMessage == "c1")
            let key = JourneyService.messageKey(run: runs[0].id, journey: "abandoned-cart", step: 0)
            #expect(try await test.stores.outbox.outboxRecord(key: key)?.profileID == u1)
            #expect(try await test.stores.outbox.outboxCounts()[.queued] == 1)
            let claimed = try await test.stores.outbox.claim(limit: 10, worker: "w", lease: .seconds(60), at: clock.now())
            let body = String(decoding: try #require(claimed.first).data, as: UTF8.self)
            #expect(body.contains("Ana, you left something behind") && body.contains("X-Tailor-Journey: abandoned-cart"))
            #expect(body.contains("Mug") && body.contains("List-Unsubscribe"))

            let (_, counts) = try await journeys.counts("abandoned-cart")
            #expect(counts.completed == 1 && counts.exited == ["goal": 1] && counts.activeAtStep.isEmpty)
            // The journeys' own events reach the profiles' streams once appended (and only once).
            #expect(try await journeys.appendPendingEvents() == 5)
            #expect(try await journeys.appendPendingEvents() == 0)
            func journeyEvents(_ p: ProfileID) async throws -> [String] {
                try await test.database.events(of: p, before: nil, limit: 50).reversed().map(\.message)
                    .filter { $0.eventName.hasPrefix("Journey") }.map { "\($0.eventName) \($0.properties["reason"]?.stringValue ?? $0.properties["step_type"]?.stringValue ?? "")" }
            }
            #expect(try await journeyEvents(u1) == ["Journey Entered ", "Journey Step Completed send", "Journey Exited completed"])
            #expect(try await journeyEvents(u2) == ["Journey Entered ", "Journey Exited goal"])
            // Segments read them like any event.
            let goalReached = try Condition(text: #"count("Journey Exited" where reason = "goal") >= 1"#)
            #expect(try await test.stores.segments.audienceCount(goalReached) == 1)
            // A run that moved on is not moved again (a second runner, a retry after a crash).
            #expect(try await test.stores.journeys.advanceJourneyRuns([JourneyMove(run: runs[0].id, from: 0, to: 1, dueAt: nil)], effects: [:],
                                                                      at: clock.now()).isEmpty)
        }
    }

    /// A goal ends a run whatever step it waits in; pausing holds runs and resuming lets them go on; archiving
    /// ends them.
    @Test(arguments: TestBackend.available)
    func goalsEndRunsAtOnceAndTheLifecycleHoldsThem(backend: TestBackend) async throws {
        try await TestDatabase.with(backend) { test in
            let (clock, settings) = try journeyWorld(test, at: t0)
            let journeys = JourneyService(stores: test.stores, clock: clock)
            try await journeys.create(name: "Welcome", fromTemplate: "welcome", parameters: ["second": "1h", "third": "1h"])
            _ = try await test.database.ingest([.identify(userId: "u1", traits: ["email": "ana@example.test"], at: t0, messageId: "i1"),
                                                .identify(userId: "u2", traits: ["email": "bo@example.test"], at: t0, messageId: "i2")],
                                               planner: IngestPlanner())
            #expect(try await journeys.runDue(settings: settings) == 4)  // each: the first email, then the wait
            try await journeys.setState("welcome", .paused)
            clock.advance(by: 3600)
            #expect(try await journeys.runDue(settings: settings) == 0)
            // u1 orders while paused, waiting at the second email: their run ends; no email follows.
            _ = try await test.database.ingest([.track("Order Completed", userId: "u1", at: t0 + 3600, messageId: "o1")], planner: IngestPlanner())
            try await journeys.setState("welcome", .active)
            #expect(try await journeys.runDue(settings: settings) == 2)  // u2: the second email, then the wait
            // Identifying again does not enter anyone twice (once ever).
            _ = try await test.database.ingest([.identify(userId: "u1", traits: ["city": "Oslo"], at: t0 + 3601, messageId: "i3")], planner: IngestPlanner())
            let (_, counts) = try await journeys.counts("welcome")
            #expect(counts.exited == ["goal": 1] && counts.activeAtStep == [4: 1])
            try await journeys.setState("welcome", .archived)
            let (_, after) = try await journeys.counts("welcome")
            #expect(after.exited == ["goal": 1, "archived": 1])
            try await journeys.appendPendingEvents()
            let u2 = try #require(try await test.database.profile(.identity(Identity(.user, "u2")))).id
            let exits = try await test.database.events(of: u2, before: nil, limit: 50).filter { $0.message.eventName == "Journey Exited" }
            #expect(exits.map { $0.message.properties["reason"] } == ["archived"])
            await #expect(throws: RequestError.self) { try await journeys.setState("welcome", .active) }
            #expect(try await test.stores.outbox.outboxCounts()[.queued] == 3)
        }
    }

    @Test func definitionsAreRefusedWithThePath() async throws {
        try await TestDatabase.with(.sqlite) { test in
            let journeys = JourneyService(stores: test.stores, clock: ManualClock(t0))
            func refused(_ text: String) async -> String? {
                do {
                    _ = try await journeys.create(name: "J", json: try JSONParser.parse(text))
                    return nil
                } catch let e as RequestError {
                    return e.field
                } catch {
                    return "?"
                }
            }
            #expect(await refused(#"{"trigger": {"event": "A"}, "steps": [{"wait": "5m"}, {"wait": "5 minutes"}]}"#) == "steps[1].wait")
            #expect(await refused(#"{"trigger": {"event": "A"}, "steps": [{"send": {"template": "nope"}}]}"#) == "steps[0].send.template")
            #expect(await refused(#"{"trigger": {"event": "A"}, "steps": [{"exit": true}, {"wait": "1d"}]}"#) == "steps[1]")
            #expect(await refused(#"{"trigger": {"event": "A", "not_followed_by": "B"}, "steps": [{"wait": "1d"}]}"#) == "trigger.within")
            #expect(await refused(#"{"trigger": {"event": "A"}, "steps": []}"#) == "steps")
            #expect(await refused(#"{"trigger": {"event": "A"}, "steps": [{"wait": "1d"}], "reentry": "twice"}"#) == "reentry")
            #expect(await refused(#"{"steps": [{"wait": "1d"}]}"#) == "trigger")
        }
    }
}

@Suite("Win-back journey")
struct WinBackJourneyTests {
    let t0 = Date(millisecondsSince1970: 1_780_000_000_000)

    /// Entering the segment starts the run; the code is set as a trait before the email that shows it; the
    /// reminder follows the wait unless an order ends the run first.
    @Test(arguments: TestBackend.available)
    func enteringASegmentSendsAUniqueCodeAndTheReminderStopsAtAnOrder(backend: TestBackend) async throws {
        try await TestDatabase.with(backend) { test in
            let (clock, settings) = try journeyWorld(test, at: t0)
            let segments = SegmentService(stores: test.stores, clock: clock)
            _ = try await segments.define(name: "Sleepy", condition: try Condition(text: "profile.last_activity more than 1 hour ago"))
            let journeys = JourneyService(stores: test.stores, clock: clock)
            await #expect(throws: RequestError.self) {
                try await journeys.create(name: "Nope", fromTemplate: "win-back", parameters: ["segment": "missing"])
            }
            try await journeys.create(name: "Win back", fromTemplate: "win-back", parameters: ["segment": "sleepy", "wait": "1d"])
            _ = try await test.database.ingest([.identify(userId: "u1", traits: ["email": "ana@example.test", "first_name": "Ana"], at: t0, messageId: "i1"),
                                                .identify(userId: "u2", traits: ["email": "bo@example.test"], at: t0, messageId: "i2"),
                                                .track("Viewed", userId: "u1", at: t0, messageId: "v1"), .track("Viewed", userId: "u2", at: t0, messageId: "v2")],
                                               planner: IngestPlanner())
            clock.advance(by: 2 * 3600)
            _ = try await segments.runDueTimers()  // both fall asleep: Segment Entered starts their runs
            #expect(try await journeys.runDue(settings: settings) == 6)  // each: the code, the email, the wait
            let u1 = try #require(try await test.database.profile(.identity(Identity(.user, "u1"))))
            let code = try #require(u1.traits["winback_code"]?.stringValue)
            #expect(code.count == 10)
            let u2 = try #require(try await test.database.profile(.identity(Identity(.user, "u2"))))
            #expect(u2.traits["winback_code"]?.stringValue != code)
            let claimed = try await test.stores.outbox.claim(limit: 10, worker: "w", lease: .seconds(60), at: clock.now())
            let ana = try #require(claimed.first { $0.profileID == u1.id })
            #expect(String(decoding: ana.data, as: UTF8.self).contains(code))
            // u1 orders; a day later only u2 gets the reminder.
            _ = try await test.database.ingest([.track("Order Completed", userId: "u1", at: t0 + 3 * 3600, messageId: "o1")], planner: IngestPlanner())
            clock.advance(by: 86_400)
            #expect(try await journeys.runDue(settings: settings) == 1)
            let (_, counts) = try await journeys.counts("win-back")
            #expect(counts.completed == 1 && counts.exited == ["goal": 1])
        }
    }
}

@Suite("Journeys under concurrent runners")
struct JourneyConcurrencyTests {
    let t0 = Date(millisecondsSince1970: 1_780_000_000_000)

    /// Two runners (two servers on one PostgreSQL) move the same due runs at once: every step runs once and
    /// every email is queued once.
    @Test(arguments: TestBackend.available)
    func twoRunnersAtOnceSendEachEmailOnce(backend: TestBackend) async throws {
        try await TestDatabase.with(backend) { test in
            let (clock, settings) = try journeyWorld(test, at: t0)
            try await JourneyService(stores: test.stores, clock: clock).create(name: nil, fromTemplate: "abandoned-cart", parameters: ["wait": "1m"])
            var messages: [TailorCore.Message] = []
            for i in 0..<60 {
                messages.append(.identify(userId: "u\(i)", traits: ["email": .string("u\(i)@example.test")], at: t0, messageId: "i\(i)"))
                messages.append(.track("Product Added", userId: "u\(i)", properties: ["product_id": "p1", "price": 3], at: t0, messageId: "c\(i)"))
            }
            _ = try await test.database.ingest(messages, planner: IngestPlanner())
            clock.advance(by: 120)
            // Each runner reads the same due runs and races the other to move them, a few at a time.
            let ran = try await withThrowingTaskGroup(of: Int.self) { group in
                for _ in 0..<2 {
                    group.addTask {
                        let runner = JourneyService(stores: test.stores, clock: clock)
                        return try await runner.runDue(settings: settings, limit: 7)
                    }
                }
                return try await group.reduce(0, +)
            }
            #expect(ran == 60)
            #expect(try await test.stores.outbox.outboxCounts()[.queued] == 60)
            let (_, counts) = try await JourneyService(stores: test.stores, clock: clock).counts("abandoned-cart")
            #expect(counts.completed == 60 && counts.activeAtStep.isEmpty)
        }
    }
}

@Suite("Journey email context")
struct JourneyEmailContextTests {
    let t0 = Date(millisecondsSince1970: 1_780_000_000_000)

    /// A journey's email reads the event that started the run and the journey's name.
    @Test(arguments: TestBackend.available)
    func theTriggerEventAndTheJourneyAreInTheContext(backend: TestBackend) async throws {
        try await TestDatabase.with(backend) { test in
            let (clock, settings) = try journeyWorld(test, at: t0)
            try await TemplateService(stores: test.stores, clock: clock).create(EmailTemplate(
                name: "picked", subject: "{{ event.properties.product_id }} from {{ journey.name }}",
                html: "<p>{{ event.name }} at {{ event.timestamp }}</p>", createdAt: t0))
            try await JourneyService(stores: test.stores, clock: clock).create(name: "Picks", json: try JSONParser.parse(
                #"{"trigger": {"event": "Product Added", "where": "price > 10"}, "steps": [{"send": {"template": "picked"}}]}"#))
            _ = try await test.database.ingest([
                .identify(userId: "u1", traits: ["email": "ana@example.test"], at: t0, messageId: "i1"),
                .track("Product Added", userId: "u1", properties: ["product_id": "cheap", "price": 5], at: t0, messageId: "c0"),
                .track("Product Added", userId: "u1", properties: ["product_id": "p7", "price": 12], at: t0, messageId: "c1"),
            ], planner: IngestPlanner())
            #expect(try await JourneyService(stores: test.stores, clock: clock).runDue(settings: settings) == 1)
            let claimed = try await test.stores.outbox.claim(limit: 10, worker: "w", lease: .seconds(60), at: clock.now())
            let body = String(decoding: try #require(claimed.first).data, as: UTF8.self)
            #expect(claimed.count == 1 && body.contains("Subject: p7 from Picks") && body.contains("Product Added at 2026-"), "\(body)")
            // Its web version renders the same for the recipient; a withdrawal while it waits stops it at the outbox.
            let journeys = JourneyService(stores: test.stores, clock: clock)
            let email = try #require(claimed.first)
            let web = try await journeys.webVersion(key: email.idempotencyKey, profile: email.profileID, settings: settings)
            #expect(web.subject == "p7 from Picks" && web.html.contains("Product Added at 2026-"))
            await #expect(throws: RequestError.self) {
                _ = try await journeys.webVersion(key: "journey:picks:999:7", profile: email.profileID, settings: settings)
            }
            let delivery = LedgerDeliveryConsent(campaigns: test.stores.campaigns,
                                                 consent: LedgerConsent(store: test.stores.consent, policy: .optOut, clock: clock), journeys: journeys)
            #expect(try await delivery.refused(claimed).isEmpty)
            try await ConsentService(stores: test.stores, clock: clock).record([
                ConsentEntry(profileID: email.profileID, purpose: .emailMarketing, status: .withdrawn, at: t0, source: .preferencePage)])
            #expect(try await delivery.refused(claimed) == [email.id])
        }
    }
}
