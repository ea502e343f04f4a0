import Foundation
import Synchronization
import Testing
import TailorCore
import TailorEngine
import TailorStore
import TailorTesting

/// The event steps' contract, on both backends: every way events enter runs the installed steps in the
/// transaction, with the stored events then the membership changes; a step reads and writes in portable SQL;
/// a step that fails rolls the events back.
@Suite("Event steps")
struct EventStepTests {
    let t0 = Date(millisecondsSince1970: 1_780_000_000_000)

    /// Records the event names each transaction gave it, and keeps a per-name tally in a table of its own
    /// that it reads back at the end of every run.
    final class Tally: EventStep {
        let name = "test-tally"
        let batches = Mutex<[[String]]>([])
        let table = Mutex<[String: Int64]>([:])

        func start(_ input: EventStepInput) -> (any EventStepRun)? {
            let names = input.events.map(\.message.eventName)
            batches.withLock { $0.append(names) }
            return Run(names: names, tally: self)
        }

        struct Run: EventStepRun {
            let names: [String]
            let tally: Tally
            var stage = 0

            mutating func next(_ rows: [StepRow]) throws -> StepAction {
                stage += 1
                switch stage {
                case 1:
                    return .write([StepSQL("CREATE TABLE IF NOT EXISTS step_tally (name TEXT PRIMARY KEY, n BIGINT NOT NULL)")]
                        + names.map { StepSQL("INSERT INTO step_tally (name, n) VALUES (?, 1) ON CONFLICT (name) DO UPDATE SET n = step_tally.n + 1",
                                              [.text($0)]) })
                case 2:
                    // A `?` inside a string literal is not a placeholder.
                    return .read(StepSQL("SELECT name, n, '?' FROM step_tally WHERE n >= ? ORDER BY name", [.integer(1)]))
                default:
                    var seen: [String: Int64] = [:]
                    for row in rows { if let name = row[0].text, let n = row[1].integer, row[2] == .text("?") { seen[name] = n } }
                    tally.table.withLock { $0 = seen }
                    return .done
                }
            }
        }
    }

    struct Failing: EventStep {
        let name = "test-failing"
        struct Boom: Error {}
        struct Run: EventStepRun {
            mutating func next(_ rows: [StepRow]) throws -> StepAction { throw Boom() }
        }
        func start(_ input: EventStepInput) -> (any EventStepRun)? {
            input.events.contains { $0.message.eventName == "Poison" } ? Run() : nil
        }
    }

    @Test(arguments: TestBackend.available)
    func everyWayEventsEnterRunsTheSteps(backend: TestBackend) async throws {
        try await TestDatabase.with(backend) { test in
            let clock = ManualClock(t0 + 10)
            let segments = SegmentService(stores: test.stores, clock: clock)
            let tally = Tally()
            test.stores.events.eventSteps.install([tally])
            _ = try await segments.define(name: "Viewers", condition: try Condition(text: #"count("Viewed") >= 1"#))
            #expect(tally.batches.withLock { $0 }.isEmpty)  // nobody to re-evaluate yet: no transaction stored events

            // Ingest: the events, then the entry they caused.
            _ = try await test.database.ingest([
                .identify(userId: "u1", traits: ["city": "Oslo"], at: t0, messageId: "i1"),
                .track("Viewed", userId: "u1", at: t0 + 1, messageId: "v1"),
            ], planner: IngestPlanner())
            #expect(tally.batches.withLock { $0.last } == ["identify", "Viewed", "Segment Entered"])
            // A replayed batch stores nothing new, so no step runs.
            _ = try await test.database.ingest([.track("Viewed", userId: "u1", at: t0 + 1, messageId: "v1")], planner: IngestPlanner())
            #expect(tally.batches.withLock { $0.count } == 1)

            // Events Tailor appends itself.
            let u1 = try #require(try await test.database.profile(.identity(Identity(.user, "u1")))).id
            _ = try await test.database.appendEvents([(u1, .track("Email Opened", userId: "u1", at: t0 + 2, messageId: "o1"))])
            #expect(tally.batches.withLock { $0.last } == ["Email Opened"])

            // Re-evaluation after a definition changes, and timers, write entries and exits: the steps see them.
            _ = try await segments.define(name: "Oslo", condition: try Condition(text: #"traits.city = "Oslo""#))
            #expect(tally.batches.withLock { $0.last } == ["Segment Entered"])
            _ = try await segments.define(name: "Idle", condition: try Condition(text: "profile.last_activity more than 1 hour ago"))
            clock.advance(by: 2 * 3600)
            _ = try await segments.runDueTimers()
            #expect(tally.batches.withLock { $0.last } == ["Segment Entered"])
            // Deleting a segment exits its members.
            #expect(try await segments.deleteSegment("oslo"))
            #expect(tally.batches.withLock { $0.last } == ["Segment Exited"])

            // What the step wrote is in the transaction's database, and read back by the same machine.
            #expect(tally.table.withLock { $0 } == ["identify": 1, "Viewed": 1, "Segment Entered": 3, "Email Opened": 1, "Segment Exited": 1])
        }
    }

    @Test(arguments: TestBackend.available)
    func aFailingStepRollsTheEventsBack(backend: TestBackend) async throws {
        try await TestDatabase.with(backend) { test in
            test.stores.events.eventSteps.install([Failing()])
            _ = try await test.database.ingest([.track("Viewed", userId: "u1", at: t0, messageId: "v1")], planner: IngestPlanner())
            await #expect(throws: StoreError.self) {
                _ = try await test.database.ingest([.track("Viewed", userId: "u1", at: t0 + 1, messageId: "v2"),
                                                    .track("Poison", userId: "u1", at: t0 + 2, messageId: "p1")], planner: IngestPlanner())
            }
            let u1 = try #require(try await test.database.profile(.identity(Identity(.user, "u1"))))
            let events = try await test.database.events(of: u1.id, before: nil, limit: 10)
            #expect(events.map(\.message.messageId) == ["v1"])
            #expect(u1.state.eventCount == 1)
        }
    }

    @Test func installingAStepTwiceReplacesIt() {
        let registry = EventStepRegistry()
        registry.install([Tally(), Failing()])
        registry.install([Tally()])
        #expect(registry.installed.map(\.name) == ["test-tally", "test-failing"])
        #expect(StepSQL("SELECT '?', ? WHERE x = ?").numberingPlaceholders { "$\($0)" } == "SELECT '?', $1 WHERE x = $2")
    }
}
