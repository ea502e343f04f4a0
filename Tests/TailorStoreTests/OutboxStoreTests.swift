import Foundation
import Testing
import TailorCore
import TailorStore
import TailorTesting

/// The mail outbox, the suppression list and events on known profiles, on every backend.
@Suite("Mail outbox store")
struct OutboxStoreTests {
    let t0 = Date(millisecondsSince1970: 1_700_000_000_000)

    func mailStore(_ test: TestDatabase) throws -> any MailStore {
        test.stores.mail
    }

    func message(_ i: Int, profile: String = "p", campaign: String? = "c1", notBefore: Date? = nil) -> OutboxMessage {
        OutboxMessage(idempotencyKey: "c1:\(profile)\(i)", profileID: ProfileID("\(profile)\(i)"), campaign: campaign,
                      sender: "news@shop.test", recipient: "Person.\(i)@Example.test",
                      data: Array("Subject: hello \(i)\r\n\r\nbody \(i) é\r\n".utf8), notBefore: notBefore)
    }

    @Test(arguments: TestBackend.available)
    func enqueueIsIdempotentAndSealsTheMessage(backend: TestBackend) async throws {
        try await TestDatabase.with(backend) { test in
            let store = try mailStore(test)
            #expect(try await store.enqueue([message(1), message(2), message(3)], at: t0) == 3)
            #expect(try await store.enqueue([message(2), message(3), message(4), message(4)], at: t0) == 1)
            #expect(try await store.outboxCounts() == [.queued: 4])
            let record = try #require(try await store.outboxRecord(key: "c1:p2"))
            #expect(record.status == .queued && record.attempts == 0 && record.hasContent)
            #expect(record.profileID == ProfileID("p2") && record.campaign == "c1")
            // The recipient is kept only as its blind index, the same one the suppression list uses (normalized).
            #expect(record.recipientIndex == store.suppressionKey(forAddress: "person.2@example.test"))
            if let path = test.sqlitePath {
                var bytes = Data()
                for file in [path, path + "-wal"] { bytes.append(FileManager.default.contents(atPath: file) ?? Data()) }
                #expect(bytes.range(of: Data("Example.test".utf8)) == nil)
                #expect(bytes.range(of: Data("body 2".utf8)) == nil)
            }
        }
    }

    @Test(arguments: TestBackend.available)
    func claimsLeaseAndExpiredLeasesAreClaimedAgain(backend: TestBackend) async throws {
        try await TestDatabase.with(backend) { test in
            let store = try mailStore(test)
            _ = try await store.enqueue((1...5).map { message($0) }, at: t0)
            let first = try await store.claim(limit: 3, worker: "w1", lease: .seconds(60), at: t0)
            #expect(first.map(\.idempotencyKey) == ["c1:p1", "c1:p2", "c1:p3"])
            #expect(first[0].recipient == "Person.1@Example.test" && first[0].sender == "news@shop.test")
            #expect(first[0].data == message(1).data && first[0].attempts == 1)
            let second = try await store.claim(limit: 10, worker: "w2", lease: .seconds(60), at: t0 + 10)
            #expect(second.map(\.idempotencyKey) == ["c1:p4", "c1:p5"])
            #expect(try await store.claim(limit: 10, worker: "w2", lease: .seconds(60), at: t0 + 59).isEmpty)
            #expect(try await store.outboxCounts() == [.sending: 5])
            // w1 "crashed": its lease expires, w3 takes its batch (a second attempt); w2's lease still runs.
            let again = try await store.claim(limit: 10, worker: "w3", lease: .seconds(60), at: t0 + 61)
            #expect(again.map(\.idempotencyKey) == ["c1:p1", "c1:p2", "c1:p3"])
            #expect(again.allSatisfy { $0.attempts == 2 })
            // w1's late report is ignored: the messages are w3's now.
            #expect(try await store.complete([OutboxOutcome(id: first[0].id, .sent)], worker: "w1", at: t0 + 62) == 0)
            #expect(try await store.complete(again.map { OutboxOutcome(id: $0.id, .sent, detail: "250 2.0.0") }, worker: "w3", at: t0 + 62) == 3)
            #expect(try await store.outboxCounts() == [.sent: 3, .sending: 2])
        }
    }

    @Test(arguments: TestBackend.available)
    func outcomesSetTheStateAndFinalStatesDropTheContent(backend: TestBackend) async throws {
        try await TestDatabase.with(backend) { test in
            let store = try mailStore(test)
            _ = try await store.enqueue((1...4).map { message($0) } + [message(5, notBefore: t0 + 3600)], at: t0)
            let claimed = try await store.claim(limit: 10, worker: "w", lease: .seconds(60), at: t0)
            #expect(claimed.count == 4)  // the scheduled one is not due
            try await store.complete([
                OutboxOutcome(id: claimed[0].id, .sent, detail: "250 2.0.0"),
                OutboxOutcome(id: claimed[1].id, .retry(at: t0 + 300), detail: "rejected at RCPT TO: 451 4.2.0"),
                OutboxOutcome(id: claimed[2].id, .failed, detail: "rejected at RCPT TO: 550 5.1.1"),
                OutboxOutcome(id: claimed[3].id, .suppressed, detail: "unsubscribe"),
            ], worker: "w", at: t0 + 1)
            let sent = try #require(try await store.outboxRecord(key: "c1:p1"))
            #expect(sent.status == .sent && sent.sentAt == t0 + 1 && !sent.hasContent && sent.lastError == "250 2.0.0")
            let retry = try #require(try await store.outboxRecord(key: "c1:p2"))
            #expect(retry.status == .queued && retry.nextAttemptAt == t0 + 300 && retry.hasContent && retry.attempts == 1)
            #expect(try await store.outboxRecord(key: "c1:p3")?.status == .failed)
            #expect(try await store.outboxRecord(key: "c1:p3")?.hasContent == false)
            #expect(try await store.outboxRecord(key: "c1:p4")?.status == .suppressed)
            #expect(try await store.outboxCounts() == [.sent: 1, .queued: 2, .failed: 1, .suppressed: 1])
            #expect(try await store.claim(limit: 10, worker: "w", lease: .seconds(60), at: t0 + 299).isEmpty)
            let retried = try await store.claim(limit: 10, worker: "w", lease: .seconds(60), at: t0 + 300)
            #expect(retried.map(\.idempotencyKey) == ["c1:p2"] && retried[0].attempts == 2)
            // At the scheduled time: the scheduled message, and the retried one whose lease (to t0 + 360) ran out.
            #expect(try await store.claim(limit: 10, worker: "w", lease: .seconds(60), at: t0 + 3600).map(\.idempotencyKey) == ["c1:p2", "c1:p5"])
            let page = try await store.outboxRecords(status: .sending, after: nil, limit: 1)
            #expect(page.map(\.idempotencyKey) == ["c1:p2"])
            #expect(try await store.outboxRecords(status: .sending, after: page[0].id, limit: 10).map(\.idempotencyKey) == ["c1:p5"])
        }
    }

    @Test(arguments: TestBackend.available)
    func concurrentClaimsNeverOverlap(backend: TestBackend) async throws {
        try await TestDatabase.with(backend) { test in
            let store = try mailStore(test)
            _ = try await store.enqueue((1...200).map { message($0) }, at: t0)
            let t0 = self.t0
            let batches = try await withThrowingTaskGroup(of: [Int64].self) { group in
                for w in 0..<6 {
                    group.addTask {
                        var mine: [Int64] = []
                        while true {
                            let claimed = try await store.claim(limit: 7, worker: "w\(w)", lease: .seconds(60), at: t0)
                            if claimed.isEmpty { return mine }
                            mine += claimed.map(\.id)
                        }
                    }
                }
                var all: [[Int64]] = []
                for try await ids in group { all.append(ids) }
                return all
            }
            let ids = batches.flatMap { $0 }
            #expect(ids.count == 200)
            #expect(Set(ids).count == 200)
        }
    }

    @Test(arguments: TestBackend.available)
    func suppressionListByBlindIndex(backend: TestBackend) async throws {
        try await TestDatabase.with(backend) { test in
            let store = try mailStore(test)
            let ann = store.suppressionKey(forAddress: "Ann@Example.com")
            #expect(ann == store.suppressionKey(forAddress: " ann@example.com "))
            #expect(ann.count == 40 && !ann.contains("ann"))
            let bob = store.suppressionKey(forAddress: "bob@example.com")
            #expect(try await store.suppress([SuppressionEntry(key: ann, reason: .hardBounce, source: "c1", createdAt: t0),
                                              SuppressionEntry(key: bob, reason: .manual, createdAt: t0)]) == 2)
            // Already listed: the first reason stays.
            #expect(try await store.suppress([SuppressionEntry(key: ann, reason: .unsubscribe, createdAt: t0 + 5)]) == 0)
            let found = try await store.suppressions(keys: [ann, store.suppressionKey(forAddress: "carol@example.com")])
            #expect(found.count == 1 && found[ann]?.reason == .hardBounce && found[ann]?.source == "c1" && found[ann]?.createdAt == t0)
            #expect(try await store.isSuppressed(address: "ANN@example.com"))
            let all = try await store.suppressions(after: nil, limit: 1)
            #expect(all.count == 1)
            #expect(try await store.suppressions(after: all[0].key, limit: 10).count == 1)
            #expect(try await store.unsuppress(key: bob))
            #expect(!(try await store.unsuppress(key: bob)))
            #expect(!(try await store.isSuppressed(address: "bob@example.com")))
        }
    }

    @Test(arguments: TestBackend.available)
    func appendedEventsUpdateStateOnceAndFollowMerges(backend: TestBackend) async throws {
        try await TestDatabase.with(backend) { test in
            let db = test.database
            let store = try mailStore(test)
            _ = try await db.ingest([
                .identify(userId: "u1", traits: ["email": "ann@example.com"], at: t0, messageId: "i1"),
                .track("Product Viewed", anonymousId: "a1", at: t0, messageId: "v1"),
            ], planner: IngestPlanner())
            let ann = try #require(try await db.profile(ProfileReference("user:u1")!)).id
            let anonymous = try #require(try await db.profile(ProfileReference("anonymous:a1")!)).id
            #expect(ann != anonymous)
            let events: [(profile: ProfileID, message: Message)] = [
                (ann, .track("Email Sent", properties: ["outbox_id": 1], at: t0 + 10, messageId: "outbox-1-sent")),
                (ann, .track("Email Opened", at: t0 + 20, messageId: "open-1")),
                (ProfileID("nobody"), .track("Email Opened", at: t0 + 20, messageId: "open-x")),
            ]
            let first = try await store.appendEvents(events)
            #expect(first.stored == 2)
            #expect(try await store.appendEvents(events).stored == 0)
            let view = try #require(try await db.profile(.id(ann)))
            #expect(view.state.emailOpens == 1)
            #expect(view.state.lastActivity == t0 + 20)  // an open is activity, a send is not
            #expect(view.eventCounts["Email Sent"] == 1 && view.eventCounts["Email Opened"] == 1)
            #expect(try await db.counts().events == 4)
            // The anonymous profile is merged into Ann's; an event for its old id lands on the survivor.
            _ = try await db.ingest([.identify(userId: "u1", anonymousId: "a1", traits: [:], at: t0 + 30, messageId: "i2")], planner: IngestPlanner())
            #expect(try await db.profile(.id(anonymous))?.id == ann)
            #expect(try await store.appendEvents([(anonymous, .track("Email Clicked", at: t0 + 40, messageId: "click-1"))]).stored == 1)
            let merged = try #require(try await db.profile(.id(ann)))
            #expect(merged.state.emailClicks == 1 && merged.state.emailOpens == 1)
            // The incremental state equals a rebuild from the log.
            _ = try await db.rebuildProfiles(progress: nil)
            #expect(try await db.profile(.id(ann))?.state == merged.state)
        }
    }
}
