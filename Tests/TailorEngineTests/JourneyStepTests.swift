import Foundation
import Synchronization
import Testing
import TailorCore
import TailorEngine
import TailorStore
import TailorTesting

@Suite("Journey branches, splits and waits")
struct JourneyStepTests {
    let t0 = Date(millisecondsSince1970: 1_780_000_000_000)

    func profile(_ test: TestDatabase, _ user: String) async throws -> ProfileView {
        try #require(try await test.database.profile(.identity(Identity(.user, user))))
    }

    func outcomes(_ test: TestDatabase, _ p: ProfileID) async throws -> [String] {
        try await test.database.events(of: p, before: nil, limit: 100).reversed().map(\.message)
            .filter { $0.eventName == TailorEvent.journeyStepCompleted }
            .map { (m: TailorCore.Message) -> String in
                let step: Double = m.properties["step"]?.doubleValue ?? -1
                let outcome: String = m.properties["outcome"]?.stringValue ?? "-"
                return "\(Int(step)):\(outcome)"
            }
    }

    /// A branch sends VIPs one way; a wait for an order goes on at once when the order comes (in the
    /// transaction that stores it) and to its timeout path when it does not.
    @Test(arguments: TestBackend.available)
    func branchesAndWaitsForAnEventTakeTheirPaths(backend: TestBackend) async throws {
        try await TestDatabase.with(backend) { test in
            let (clock, settings) = try journeyWorld(test, at: t0)
            let journeys = JourneyService(stores: test.stores, clock: clock)
            try await journeys.create(name: "Paths", json: try JSONParser.parse(#"""
                {"trigger": {"event": "Signed Up"}, "steps": [
                  {"branch": {"if": "traits.vip = true", "then": "vip"}},
                  {"set_trait": {"name": "path", "value": "regular"}, "next": "wait"},
                  {"id": "vip", "set_trait": {"name": "path", "value": "vip"}},
                  {"id": "wait", "wait_for": {"event": "Order Completed", "where": "total >= 20", "timeout": "1d", "on_timeout": "late"}},
                  {"set_trait": {"name": "ordered", "value": true}},
                  {"exit": true},
                  {"id": "late", "set_trait": {"name": "ordered", "value": false}}]}
                """#))
            _ = try await test.database.ingest([
                .identify(userId: "u1", traits: ["vip": true], at: t0, messageId: "i1"), .identify(userId: "u2", traits: ["vip": false], at: t0, messageId: "i2"),
                .track("Signed Up", userId: "u1", at: t0, messageId: "s1"), .track("Signed Up", userId: "u2", at: t0, messageId: "s2"),
            ], planner: IngestPlanner())
            try await journeys.runDue(settings: settings)
            let u1 = try await profile(test, "u1"), u2 = try await profile(test, "u2")
            #expect(u1.traits["path"] == "vip" && u2.traits["path"] == "regular")
            // Both wait for an order until t0 + 1d.
            let waiting = try await test.stores.journeys.journeyRuns(of: u1.id)
            #expect(waiting.map(\.step) == [3] && waiting[0].deadlineAt == t0 + 86_400 && waiting[0].dueAt == t0 + 86_400)

            // u1's small order does not count; the next one moves the run in the order's own transaction.
            clock.advance(by: 3600)
            _ = try await test.database.ingest([.track("Order Completed", userId: "u1", properties: ["total": 10], at: t0 + 3600, messageId: "o1")],
                                               planner: IngestPlanner())
            #expect(try await test.stores.journeys.journeyRuns(of: u1.id).map(\.step) == [3])
            _ = try await test.database.ingest([.track("Order Completed", userId: "u1", properties: ["total": 30], at: t0 + 3600, messageId: "o2")],
                                               planner: IngestPlanner())
            let moved = try await test.stores.journeys.journeyRuns(of: u1.id)
            #expect(moved.map(\.step) == [4] && moved[0].dueAt == t0 + 3600 && moved[0].deadlineAt == nil)
            #expect(try await journeys.runDue(settings: settings) == 2)
            #expect(try await profile(test, "u1").traits["ordered"] == true)

            // u2 never orders: the timeout path at exactly a day.
            clock.set(t0 + 86_400 - 1)
            #expect(try await journeys.runDue(settings: settings) == 0)
            clock.set(t0 + 86_400)
            #expect(try await journeys.runDue(settings: settings) == 2)
            #expect(try await profile(test, "u2").traits["ordered"] == false)
            #expect(try await test.stores.journeys.journeyRuns(of: u2.id).map(\.state) == [.completed])
            #expect(try await test.stores.journeys.journeyRuns(of: u1.id).map(\.exitReason) == ["exit_step"])

            try await journeys.appendPendingEvents()
            #expect(try await outcomes(test, u1.id) == ["0:then", "2:-", "3:event", "4:-", "5:-"])
            #expect(try await outcomes(test, u2.id) == ["0:else", "1:-", "3:timeout", "6:-"])
        }
    }

    /// A wait for a condition goes on when an event makes it hold (the runner checks it again at once), and
    /// a split sends each run along one path, the same one whenever it is asked.
    @Test(arguments: TestBackend.available)
    func conditionsAreCheckedWhenTheProfileChangesAndSplitsPickByWeight(backend: TestBackend) async throws {
        try await TestDatabase.with(backend) { test in
            let (clock, settings) = try journeyWorld(test, at: t0)
            let journeys = JourneyService(stores: test.stores, clock: clock)
            try await journeys.create(name: "Upgrade", json: try JSONParser.parse(#"""
                {"trigger": {"event": "Trial Started"}, "steps": [
                  {"wait_for": {"condition": "traits.plan = \"pro\"", "timeout": "7d", "on_timeout": "lost"}},
                  {"split": [{"name": "A", "weight": 1}, {"name": "B", "weight": 1, "then": "b"}]},
                  {"set_trait": {"name": "thanks", "value": "A"}, "next": "done"},
                  {"id": "b", "set_trait": {"name": "thanks", "value": "B"}},
                  {"id": "done", "exit": true},
                  {"id": "lost", "set_trait": {"name": "thanks", "value": "none"}}]}
                """#))
            let users = (0..<40).map { "u\($0)" }
            _ = try await test.database.ingest(users.enumerated().map { .track("Trial Started", userId: $1, at: t0, messageId: "t\($0)") },
                                               planner: IngestPlanner())
            try await journeys.runDue(settings: settings)
            // Nobody is pro yet: all wait until the timeout. An unrelated event re-checks and waits on.
            clock.advance(by: 60)
            _ = try await test.database.ingest([.track("Viewed", userId: "u0", at: t0 + 60, messageId: "v0")], planner: IngestPlanner())
            try await journeys.runDue(settings: settings)
            let u0 = try await profile(test, "u0")
            #expect(try await test.stores.journeys.journeyRuns(of: u0.id).map(\.dueAt) == [t0 + 7 * 86_400])
            // Upgrading makes the condition hold: the run goes on now, not at the timeout.
            _ = try await test.database.ingest(users.enumerated().map { .identify(userId: $1, traits: ["plan": "pro"], at: t0 + 60, messageId: "p\($0)") },
                                               planner: IngestPlanner())
            try await journeys.runDue(settings: settings)
            var picked: [String: Int] = [:]
            for u in users {
                let p = try await profile(test, u)
                let runs = try await test.stores.journeys.journeyRuns(of: p.id)
                #expect(runs.map(\.exitReason) == ["exit_step"])
                let thanks = try #require(p.traits["thanks"]?.stringValue)
                // The path is the one the split function gives this run.
                let expected = JourneySplit.pick([.init(name: "A", weight: 1, then: 2), .init(name: "B", weight: 1, then: 3)], journey: "upgrade",
                                                 step: 1, profile: p.id, key: "") == 0 ? "A" : "B"
                #expect(thanks == expected)
                picked[thanks, default: 0] += 1
            }
            #expect(picked["A", default: 0] > 5 && picked["B", default: 0] > 5 && picked["none"] == nil)
        }
    }

    /// Waits until a local time of day follow the recipient's time zone; waits until a date trait follow the
    /// trait and its offset, and go on at once when the date has passed or is missing.
    @Test(arguments: TestBackend.available)
    func waitsUntilALocalTimeOrADateTrait(backend: TestBackend) async throws {
        try await TestDatabase.with(backend) { test in
            let start = try #require(ISO8601.parse("2026-06-01T12:00:00Z"))
            let (clock, settings) = try journeyWorld(test, at: start)
            let journeys = JourneyService(stores: test.stores, clock: clock)
            try await journeys.create(name: "Timed", json: try JSONParser.parse(#"""
                {"trigger": {"event": "Subscribed"}, "steps": [
                  {"branch": {"if": "traits.renews exists", "then": "renewal"}},
                  {"wait": {"until": "09:00"}, "next": "done"},
                  {"id": "renewal", "wait": {"until_trait": "renews", "offset": "-3d", "at": "10:00"}},
                  {"id": "done", "set_trait": {"name": "reached", "value": true}}]}
                """#))
            _ = try await test.database.ingest([
                .identify(userId: "tokyo", traits: ["timezone": "Asia/Tokyo"], at: start, messageId: "i1"),
                .identify(userId: "ny", traits: ["timezone": "America/New_York", "renews": "2026-06-20"], at: start, messageId: "i2"),
                .identify(userId: "past", traits: ["renews": "2026-05-01"], at: start, messageId: "i3"),
                .track("Subscribed", userId: "tokyo", at: start, messageId: "s1"), .track("Subscribed", userId: "ny", at: start, messageId: "s2"),
                .track("Subscribed", userId: "past", at: start, messageId: "s3"),
            ], planner: IngestPlanner())
            try await journeys.runDue(settings: settings)
            func due(_ user: String) async throws -> Date? { try await test.stores.journeys.journeyRuns(of: try await profile(test, user).id).first?.dueAt }
            // 12:00 UTC is 21:00 in Tokyo: the next 09:00 there is 00:00 UTC the next day.
            #expect(try await due("tokyo") == ISO8601.parse("2026-06-02T00:00:00Z"))
            // Three days before 2026-06-20, at 10:00 in New York (UTC−4 in June).
            #expect(try await due("ny") == ISO8601.parse("2026-06-17T14:00:00Z"))
            // A renewal already past: straight on.
            #expect(try await profile(test, "past").traits["reached"] == true)
        }
    }

    /// A webhook step queues one call with the run, the profile's traits and the trigger event, made once
    /// however often the step is retried.
    @Test(arguments: TestBackend.available)
    func aWebhookStepQueuesOneCall(backend: TestBackend) async throws {
        try await TestDatabase.with(backend) { test in
            let (clock, settings) = try journeyWorld(test, at: t0)
            let journeys = JourneyService(stores: test.stores, clock: clock)
            try await journeys.create(name: "Notify CRM", json: try JSONParser.parse(#"""
                {"trigger": {"event": "Order Completed", "where": "total >= 500"}, "steps": [
                  {"id": "crm", "webhook": {"url": "https://crm.shop.test/hooks/big-order", "secret": "s3cret-s3cret-s3cret"}}]}
                """#))
            _ = try await test.database.ingest([.identify(userId: "u1", traits: ["first_name": "Ana"], at: t0, messageId: "i1"),
                                                .track("Order Completed", userId: "u1", properties: ["total": 900], at: t0, messageId: "o1")],
                                               planner: IngestPlanner())
            #expect(try await journeys.runDue(settings: settings) == 1)
            let calls = try await test.stores.webhooks.claimWebhookCalls(at: clock.now(), limit: 10, lease: 60)
            #expect(calls.count == 1)
            let call = try #require(calls.first)
            #expect(call.url == "https://crm.shop.test/hooks/big-order" && call.secret == "s3cret-s3cret-s3cret" && call.webhook == nil)
            #expect(call.body["journey_id"] == "notify-crm" && call.body["step_id"] == "crm" && call.body["type"] == "journey.step")
            #expect(call.body["traits"]?.objectValue?["first_name"] == "Ana")
            #expect(call.body["event"]?.objectValue?["properties"]?.objectValue?["total"] == 900)
            // Claimed: hidden from another claim until its lease ends.
            #expect(try await test.stores.webhooks.claimWebhookCalls(at: clock.now(), limit: 10, lease: 60).isEmpty)
            let log = try await test.stores.webhooks.webhookCalls(webhook: nil, limit: 10)
            #expect(log.map(\.journey) == ["notify-crm"] && log.map(\.state) == [.pending])
        }
    }

    /// Under a frequency cap, a marketing send over the cap is left out and the run goes on; a transactional
    /// send is not capped; and journey emails count toward the cap as campaigns' do.
    @Test(arguments: TestBackend.available)
    func aFrequencyCapLeavesOutMarketingSendsAndTheRunGoesOn(backend: TestBackend) async throws {
        try await TestDatabase.with(backend) { test in
            var (clock, settings) = try journeyWorld(test, at: t0)
            settings.frequencyCap = FrequencyCap(count: 1, window: 86_400)
            try await TemplateService(stores: test.stores, clock: clock).create(EmailTemplate(name: "hello", subject: "Hello", html: "<p>Hi</p>",
                                                                                                createdAt: t0))
            let journeys = JourneyService(stores: test.stores, clock: clock)
            try await journeys.create(name: "Busy", json: try JSONParser.parse(#"""
                {"trigger": {"event": "Signed Up"}, "steps": [
                  {"send": {"template": "hello"}},
                  {"send": {"template": "hello"}},
                  {"send": {"template": "hello", "transactional": true}},
                  {"set_trait": {"name": "done", "value": true}}]}
                """#))
            _ = try await test.database.ingest([.identify(userId: "u1", traits: ["email": "ana@example.test"], at: t0, messageId: "i1"),
                                                .track("Signed Up", userId: "u1", at: t0, messageId: "s1")], planner: IngestPlanner())
            try await journeys.runDue(settings: settings)
            let u1 = try await profile(test, "u1")
            #expect(u1.traits["done"] == true)
            #expect(try await test.stores.journeys.journeyRuns(of: u1.id).map(\.state) == [.completed])
            let run = try #require(try await test.stores.journeys.journeyRuns(of: u1.id).first)
            let keys = (0..<3).map { JourneyService.messageKey(run: run.id, journey: "busy", step: $0) }
            #expect(try await test.stores.outbox.outboxRecord(key: keys[0]) != nil)
            #expect(try await test.stores.outbox.outboxRecord(key: keys[1]) == nil)
            #expect(try await test.stores.outbox.outboxRecord(key: keys[2]) != nil)
            try await journeys.appendPendingEvents()
            #expect(try await outcomes(test, u1.id) == ["0:-", "1:frequency_cap", "2:-", "3:-"])
        }
    }

    /// On PostgreSQL, a transaction that starts a run tells every listening server its due time at commit
    /// (`LISTEN/NOTIFY`), so a second server wakes for it without waiting for its next look.
    @Test(.enabled(if: TestBackend.available.contains(.postgres)))
    func postgresTellsListeningServersOfNewDueTimes() async throws {
        try await TestDatabase.with(.postgres) { test in
            let (clock, _) = try journeyWorld(test, at: t0)
            try await JourneyService(stores: test.stores, clock: clock).create(name: "Later", json: try JSONParser.parse(
                #"{"trigger": {"event": "Product Added", "not_followed_by": "Order Completed", "within": "5m"}, "steps": [{"exit": true}]}"#))
            let heard = Mutex<[Date]>([])
            let listener = Task { try await test.stores.journeys.watchJourneyRuns { due in heard.withLock { $0.append(due) } } }
            defer { listener.cancel() }
            try await Task.sleep(for: .milliseconds(300))  // LISTEN is in place
            _ = try await test.database.ingest([.track("Product Added", userId: "u1", at: t0, messageId: "a1")], planner: IngestPlanner())
            for _ in 0..<50 where heard.withLock({ $0.isEmpty }) { try await Task.sleep(for: .milliseconds(100)) }
            #expect(heard.withLock { $0 } == [t0 + 300])
        }
    }

    /// On PostgreSQL, servers taking due runs at once take different ones (`FOR UPDATE SKIP LOCKED` and a
    /// lease); runs a server took and never moved are taken again when its lease ends.
    @Test(.enabled(if: TestBackend.available.contains(.postgres)))
    func postgresServersTakeDifferentDueRuns() async throws {
        try await TestDatabase.with(.postgres) { test in
            let (clock, _) = try journeyWorld(test, at: t0)
            try await JourneyService(stores: test.stores, clock: clock).create(name: "Now", json: try JSONParser.parse(
                #"{"trigger": {"event": "Signed Up"}, "steps": [{"wait": "1h"}]}"#))
            _ = try await test.database.ingest((0..<4).map { .track("Signed Up", userId: "u\($0)", at: t0, messageId: "s\($0)") }, planner: IngestPlanner())
            let first = try await test.stores.journeys.dueJourneyRuns(at: t0, limit: 2)
            let second = try await test.stores.journeys.dueJourneyRuns(at: t0, limit: 2)
            #expect(first.count == 2 && second.count == 2 && Set(first.map(\.id)).isDisjoint(with: second.map(\.id)))
            #expect(try await test.stores.journeys.dueJourneyRuns(at: t0, limit: 10).isEmpty)
            #expect(try await test.stores.journeys.nextJourneyDue() == t0 + 30)
            // A move ends its run's claim; the others come back when their lease ends.
            let moved = try await test.stores.journeys.advanceJourneyRuns([JourneyMove(run: first[0].id, from: 0, to: 1, dueAt: t0 + 3600)],
                                                                          effects: [:], at: t0)
            #expect(moved == [first[0].id])
            #expect(try await test.stores.journeys.dueJourneyRuns(at: t0 + 29, limit: 10).isEmpty)
            #expect(Set(try await test.stores.journeys.dueJourneyRuns(at: t0 + 30, limit: 10).map(\.id))
                    == Set([first[1].id] + second.map(\.id)))
        }
    }
}
