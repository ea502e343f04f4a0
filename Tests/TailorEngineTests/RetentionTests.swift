import Foundation
import Testing
import TailorCore
import TailorEngine
import TailorStore
import TailorTesting

/// Retention and the event export on both backends: old events of a named kind are purged in batches while the
/// profile's aggregates stay; the pseudonymized export keys ids and drops personal fields.
@Suite("Retention and pseudonymized exports")
struct RetentionTests {
    let now = Date(millisecondsSince1970: 1_793_534_400_000)  // 2026-11-01T12:00:00Z

    func seed(_ test: TestDatabase) async throws {
        var messages: [TailorCore.Message] = [
            .identify(userId: "u1", traits: ["email": "ann@example.test", "first_name": "Ann", "plan": "gold"], at: now - 200 * 86_400, messageId: "i1"),
            .track("Order Completed", userId: "u1", properties: ["revenue": 40, "order_id": "o1"], at: now - 120 * 86_400, messageId: "o1"),
            .track("Order Completed", userId: "u1", properties: ["revenue": 60, "order_id": "o2"], at: now - 5 * 86_400, messageId: "o2"),
        ]
        for i in 0..<7 {
            messages.append(.track("Page Viewed", userId: "u1", properties: ["path": .string("/p\(i)")], at: now - Double(40 + i) * 86_400, messageId: "old\(i)"))
        }
        messages.append(.track("Page Viewed", userId: "u1", properties: ["path": "/new"], at: now - 86_400, messageId: "new"))
        _ = try await test.database.ingest(messages, planner: IngestPlanner())
    }

    @Test(arguments: TestBackend.available)
    func oldEventsArePurgedInBatchesAndAggregatesStay(backend: TestBackend) async throws {
        try await TestDatabase.with(backend) { test in
            try await seed(test)
            let ann = try #require(try await test.database.profile(.identity(Identity(.user, "u1"))))
            var service = RetentionService(stores: test.stores, configured: try RetentionPolicy(parsing: "Page Viewed:30"), clock: ManualClock(now))
            service.batchSize = 3
            try await service.set("Order Completed", days: 90)
            let preview = try await service.preview()
            #expect(preview.map(\.event) == ["Order Completed", "Page Viewed"])
            #expect(preview.map(\.events) == [1, 7] && preview.map(\.source) == ["stored", "environment"])
            let applied = try await service.apply()
            #expect(applied.map(\.events) == [1, 7])
            let left = try await test.database.events(of: ann.id, before: nil, limit: 100).map(\.message.messageId)
            #expect(Set(left) == ["i1", "o2", "new"])
            #expect(try await service.preview().map(\.events) == [0, 0])
            // The profile keeps what it counted.
            let after = try #require(try await test.database.profile(.id(ann.id)))
            #expect(after.state.orderCount == 2 && after.state.revenue == 100 && after.state.eventCount == ann.state.eventCount)
            // Bad rules name the field.
            await #expect(throws: RequestError.self) { try await service.set("Page Viewed", days: 0) }
            await #expect(throws: RequestError.self) { try await service.set("", days: 10) }
            let cleared = try await service.clear("Order Completed")
            let again = try await service.clear("Order Completed")
            #expect(cleared && !again)
        }
    }

    @Test(arguments: TestBackend.available)
    func thePseudonymizedEventExportKeysIdsAndDropsPersonalFields(backend: TestBackend) async throws {
        try await TestDatabase.with(backend) { test in
            try await seed(test)
            _ = try await test.database.ingest([
                TailorCore.Message(type: .track, messageId: "o3", userId: "u1", event: "Order Completed",
                               properties: ["revenue": 5, "shipping_address": "1 Main St", "contact": "ann@example.test"],
                               context: ["ip": "203.0.113.9"], timestamp: now - 60),
            ], planner: IngestPlanner())
            let key = FieldCipher.generateMasterKey()
            var exporter = EventExporter(store: test.stores.eventExport)
            exporter.pageSize = 4
            var text = ""
            #expect(try await exporter.export(pseudonymizer: Pseudonymizer(masterKey: key)) { text += $0 } == 12)
            for personal in ["ann@example.test", "Ann", "1 Main St", "203.0.113.9", "u1", "messageId", "o3"] {
                #expect(!text.contains("\"\(personal)\"") && !text.contains(personal + "\""), "\(personal)")
            }
            let lines = try text.split(separator: "\n").map { try JSONParser.parse(Array($0.utf8)) }
            let ann = try #require(try await test.database.profile(.identity(Identity(.user, "u1")))).id
            let pseudonym = Pseudonymizer(masterKey: key).pseudonym(ann.rawValue)
            #expect(lines.allSatisfy { $0[path: "pseudonym"] == .string(pseudonym) })
            #expect(pseudonym != Pseudonymizer(masterKey: FieldCipher.generateMasterKey()).pseudonym(ann.rawValue))
            #expect(lines.first?[path: "traits.plan"] == "gold" && lines.first?[path: "traits.first_name"] == nil)
            #expect(lines.last?[path: "properties.revenue"] == .number(5) && lines.last?[path: "properties.contact"] == nil)
            var only = ""
            #expect(try await exporter.export(pseudonymizer: nil, names: ["Order Completed"], since: now - 86_400) { only += $0 } == 1)
            #expect(only.contains(#""messageId":"o3""#) && only.contains(#""profile_id":"\#(ann.rawValue)""#))
        }
    }
}
