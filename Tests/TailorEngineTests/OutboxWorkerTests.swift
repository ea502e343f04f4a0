import Foundation
import Synchronization
import Testing
import TailorCore
import TailorEngine
import TailorMail
import TailorStore
import TailorTesting

/// A transport that answers like a real SMTP server would for some recipients' local parts: `later*`
/// (451 4.2.0 the first `failures` times), `always*` (451 every time), `reject*` (550 5.1.1 at RCPT),
/// `big*` (552 5.3.4 at end of data), anything else 250 2.0.0. Records what it accepted.
final class ScriptedTransport: MailTransport {
    let failures: Int
    let state = Mutex<(attempts: [String: Int], accepted: [String])>(([:], []))

    init(failures: Int = 1) { self.failures = failures }

    var accepted: [String] { state.withLock { $0.accepted } }

    func send(_ mail: OutgoingMail) async throws -> DeliveryReceipt {
        let recipient = mail.envelope.recipients[0]
        let attempt = state.withLock { state in
            state.attempts[recipient, default: 0] += 1
            return state.attempts[recipient]!
        }
        if recipient.hasPrefix("always") || (recipient.hasPrefix("later") && attempt <= failures) {
            throw MailError(.rejected, severity: .transient, "greylisted", stage: .rcptTo, reply: SMTPReply(code: 451, lines: ["4.2.0 try later"]))
        }
        if recipient.hasPrefix("reject") {
            throw MailError(.rejected, severity: .permanent, "no such user", stage: .rcptTo,
                            reply: SMTPReply(code: 550, lines: ["5.1.1 no such user"]))
        }
        if recipient.hasPrefix("big") {
            throw MailError(.rejected, severity: .permanent, "too big", stage: .endOfData, reply: SMTPReply(code: 552, lines: ["5.3.4 too big"]))
        }
        state.withLock { $0.accepted.append(recipient) }
        return DeliveryReceipt(accepted: [recipient], reply: SMTPReply(code: 250, lines: ["2.0.0 queued as 1"]))
    }
}

@Suite("Outbox worker")
struct OutboxWorkerTests {
    let t0 = Date(millisecondsSince1970: 1_700_000_000_000)

    /// Creates one profile per local part (user id = local part) and queues a message to each.
    func setUp(_ test: TestDatabase, _ locals: [String]) async throws -> (any MailStore, [String: ProfileID]) {
        let store = test.stores.mail
        _ = try await test.database.ingest(locals.map {
            .identify(userId: $0, traits: ["email": .string("\($0)@example.test")], at: t0, messageId: "id-\($0)")
        }, planner: IngestPlanner())
        var profiles: [String: ProfileID] = [:]
        var messages: [OutboxMessage] = []
        for local in locals {
            let id = try #require(try await test.database.profile(ProfileReference("user:\(local)")!)).id
            profiles[local] = id
            messages.append(OutboxMessage(idempotencyKey: "c1:\(id.rawValue)", profileID: id, campaign: "c1", sender: "news@shop.test",
                                          recipient: "\(local)@example.test", data: Array("Subject: hi\r\n\r\nhello\r\n".utf8)))
        }
        _ = try await store.enqueue(messages, at: t0)
        return (store, profiles)
    }

    func worker(_ store: any MailStore, _ clock: ManualClock, attempts: Int = 8) -> OutboxWorker {
        var configuration = OutboxWorker.Configuration(workerID: "test")
        configuration.retry = RetrySchedule(initialDelay: .seconds(60), maximumAttempts: attempts, jitter: 0.2)
        return OutboxWorker(store: store, configuration: configuration, clock: clock)
    }

    @Test(arguments: TestBackend.available)
    func sendsClassifiesRetriesAndSuppresses(backend: TestBackend) async throws {
        try await TestDatabase.with(backend) { test in
            let (store, profiles) = try await setUp(test, ["ok", "later", "reject", "big", "gone"])
            try await store.suppress([SuppressionEntry(key: store.suppressionKey(forAddress: "GONE@example.test"), reason: .unsubscribe,
                                                       createdAt: t0)])
            let clock = ManualClock(t0)
            let transport = ScriptedTransport()
            let worker = worker(store, clock)

            let summary = try await worker.processBatch(using: transport)
            #expect(summary.claimed == 5 && summary.sent == 1 && summary.retried == 1 && summary.bounced == 1 && summary.failed == 1
                    && summary.suppressed == 1)
            #expect(transport.accepted == ["ok@example.test"])  // the suppressed address was never tried
            let record = { (local: String) in try await store.outboxRecord(key: "c1:\(profiles[local]!.rawValue)") }
            #expect(try await record("ok")?.status == .sent)
            #expect(try await record("reject")?.status == .failed)
            #expect(try await record("big")?.status == .failed)
            #expect(try await record("gone")?.status == .suppressed)
            let later = try #require(try await record("later"))
            #expect(later.status == .queued && later.lastError == "rejected at RCPT TO: 451 4.2.0")
            // First retry after 60 s ± 20 %.
            #expect(later.nextAttemptAt >= t0 + 48 && later.nextAttemptAt <= t0 + 72)

            // The hard bounce is suppressed; the content refusal is not the address's fault.
            #expect(try await store.isSuppressed(address: "reject@example.test"))
            #expect(!(try await store.isSuppressed(address: "big@example.test")))

            let ok = try #require(try await test.database.profile(.id(profiles["ok"]!)))
            #expect(ok.eventCounts["Email Sent"] == 1 && ok.eventCounts["Email Delivered"] == 1)
            #expect(ok.state.lastActivity == nil)  // delivery events are bookkeeping, not activity
            let delivered = try await test.database.events(of: profiles["ok"]!, before: nil, limit: 10)
                .first { $0.message.event == "Email Delivered" }
            #expect(delivered?.message.properties["smtp_code"] == 250)
            #expect(delivered?.message.properties["campaign_id"] == "c1")
            let bounce = try await test.database.events(of: profiles["reject"]!, before: nil, limit: 10).first { $0.message.event == "Email Bounced" }
            #expect(bounce?.message.properties["bounce_type"] == "hard" && bounce?.message.properties["smtp_status"] == "5.1.1")
            let block = try await test.database.events(of: profiles["big"]!, before: nil, limit: 10).first { $0.message.event == "Email Bounced" }
            #expect(block?.message.properties["bounce_type"] == "block")

            // Nothing is due until the retry time; then the greylisted message goes through.
            #expect(try await worker.processBatch(using: transport).claimed == 0)
            clock.set(later.nextAttemptAt)
            let second = try await worker.processBatch(using: transport)
            #expect(second.sent == 1)
            #expect(try await record("later")?.status == .sent)
            #expect(try await record("later")?.attempts == 2)
            #expect(try await store.outboxCounts() == [.sent: 2, .failed: 2, .suppressed: 1])
        }
    }

    @Test func transientFailuresStopAfterTheLastAttempt() async throws {
        try await TestDatabase.with(.sqlite) { test in
            let (store, profiles) = try await setUp(test, ["always"])
            let clock = ManualClock(t0)
            let worker = worker(store, clock, attempts: 3)
            let transport = ScriptedTransport()
            for _ in 0..<3 {
                #expect(try await worker.processBatch(using: transport).claimed == 1)
                clock.advance(by: 24 * 3600)
            }
            let record = try #require(try await store.outboxRecord(key: "c1:\(profiles["always"]!.rawValue)"))
            #expect(record.status == .failed && record.attempts == 3)
            #expect(!(try await store.isSuppressed(address: "always@example.test")))  // a soft bounce does not suppress
            let events = try await test.database.events(of: profiles["always"]!, before: nil, limit: 10)
            #expect(events.first { $0.message.event == "Email Bounced" }?.message.properties["bounce_type"] == "soft")
        }
    }

    @Test(arguments: TestBackend.available)
    func aWorkerThatDiesBeforeCompletingIsReplacedWithoutDuplicateEvents(backend: TestBackend) async throws {
        try await TestDatabase.with(backend) { test in
            let (store, profiles) = try await setUp(test, ["a", "b", "c"])
            let clock = ManualClock(t0)
            let transport = ScriptedTransport()
            // A worker sends and records its events, then dies before `complete` (simulated: same steps, no completion).
            let dead = try await store.claim(limit: 10, worker: "dead", lease: .seconds(30), at: t0)
            #expect(dead.count == 3)
            _ = try await store.appendEvents(dead.map { ($0.profileID, .track("Email Sent", at: t0, messageId: "outbox-\($0.id)-sent")) })
            let worker = worker(store, clock)
            #expect(try await worker.processBatch(using: transport).claimed == 0)  // leased to the dead worker
            clock.advance(by: 31)
            #expect(try await worker.processBatch(using: transport).sent == 3)
            for id in profiles.values {
                #expect(try await test.database.profile(.id(id))?.eventCounts["Email Sent"] == 1)
            }
            #expect(try await store.outboxCounts() == [.sent: 3])
        }
    }

    @Test func drainsIntoAFileSink() async throws {
        try await TestDatabase.with(.sqlite) { test in
            let (store, _) = try await setUp(test, (0..<25).map { "user\($0)" })
            let folder = FileManager.default.temporaryDirectory.appendingPathComponent("tailor-sink-\(UUID().uuidString)")
            defer { try? FileManager.default.removeItem(at: folder) }
            var configuration = OutboxWorker.Configuration()
            configuration.batchSize = 10
            let worker = OutboxWorker(store: store, configuration: configuration)
            let summary = try await worker.drain(using: try FileSink(directory: folder))
            #expect(summary.claimed == 25 && summary.sent == 25)
            let files = try FileManager.default.contentsOfDirectory(atPath: folder.path).filter { $0.hasSuffix(".eml") }
            #expect(files.count == 25)
            #expect(try await store.outboxCounts() == [.sent: 25])
        }
    }

    @Test func retryScheduleGrowsExponentiallyWithBoundedJitter() {
        let schedule = RetrySchedule(initialDelay: .seconds(60), multiplier: 2, maximumDelay: .seconds(3600), maximumAttempts: 10, jitter: 0.2)
        var random = SystemRandomNumberGenerator()
        for (attempts, base) in [(1, 60.0), (2, 120.0), (3, 240.0), (6, 1920.0), (7, 3600.0), (9, 3600.0)] {
            var seen = Set<Int64>()
            for _ in 0..<50 {
                let delay = RetrySchedule.testSeconds(schedule.delay(afterAttempts: attempts, using: &random))
                #expect(delay >= base * 0.8 - 0.001 && delay <= base * 1.2 + 0.001)
                seen.insert(Int64(delay * 1000))
            }
            #expect(seen.count > 1)  // jittered
        }
    }

    @Test func permanentFailuresBlameTheAddressOnlyWhenTheCodesSaySo() {
        func error(_ code: Int, _ text: String, _ stage: SMTPStage) -> MailError {
            MailError(.rejected, severity: .permanent, "x", stage: stage, reply: SMTPReply(code: code, lines: [text]))
        }
        #expect(DeliveryDecision.isHardBounce(error(550, "5.1.1 unknown user", .rcptTo)))
        #expect(DeliveryDecision.isHardBounce(error(550, "5.2.1 mailbox disabled", .rcptTo)))
        #expect(DeliveryDecision.isHardBounce(error(550, "no such user", .rcptTo)))
        #expect(!DeliveryDecision.isHardBounce(error(550, "5.7.1 message refused as spam", .endOfData)))
        #expect(!DeliveryDecision.isHardBounce(error(552, "5.2.2 mailbox full", .rcptTo)))
        #expect(!DeliveryDecision.isHardBounce(error(554, "transaction failed", .endOfData)))
        #expect(DeliveryDecision.isHardBounce(MailError(.invalidAddress, severity: .permanent, "bad address")))
    }
}

// Wraps `RetrySchedule.seconds` for the tests.
extension RetrySchedule {
    static func testSeconds(_ d: Duration) -> Double {
        Double(d.components.seconds) + Double(d.components.attoseconds) / 1e18
    }
}
