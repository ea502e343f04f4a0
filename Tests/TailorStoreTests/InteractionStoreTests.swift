import Foundation
import Testing
import TailorCore
import TailorStore
import TailorTesting

/// What the models read from and write to the store, asserted on every backend.
@Suite("Interactions and computed traits")
struct InteractionStoreTests {
    // 2023-11-14T22:13:20Z
    let t0 = Date(millisecondsSince1970: 1_700_000_000_000)
    let day = 86_400.0
    let planner = IngestPlanner()

    func stores(_ test: TestDatabase) throws -> (any InteractionStore, any ComputedTraitStore) {
        (test.stores.interactions, test.stores.computedTraits)
    }

    @Test(arguments: TestBackend.available)
    func interactionsPageThroughTheLogWithCoreRules(backend: TestBackend) async throws {
        try await TestDatabase.with(backend) { test in
            let (store, _) = try stores(test)
            _ = try await test.database.ingest([
                .track("Product Viewed", userId: "u1", properties: ["product_id": "a"], at: t0, messageId: "m1"),
                .track("Product Added", userId: "u1", properties: ["productId": "b", "quantity": 2], at: t0 + 10, messageId: "m2"),
                .track("Email Opened", userId: "u1", at: t0 + 20, messageId: "m3"),
                .track("Order Completed", userId: "u1",
                       properties: ["products": [["product_id": "b", "quantity": 2], ["sku": 7], ["name": "no id"]], "revenue": 10],
                       at: t0 + 30, messageId: "m4"),
                .track("Product Viewed", userId: "u2", properties: ["name": "no id"], at: t0 + 40, messageId: "m5"),
                .track("Product Viewed", userId: "u2", properties: ["product_id": "c"], at: t0 + 50, messageId: "m6"),
            ], planner: planner)
            var all: [Interaction] = []
            var cursor: Int64? = nil
            var pages = 0
            repeat {
                let page = try await store.interactions(after: cursor, limit: 2)
                all += page.interactions
                cursor = page.next
                pages += 1
            } while cursor != nil && pages < 10
            // Five interaction events (the email open is skipped by the query), two per page.
            #expect(pages == 3)
            #expect(all.map(\.productId) == ["a", "b", "b", "7", "c"])
            #expect(all.map(\.kind) == [.view, .cartAdd, .purchase, .purchase, .view])
            #expect(all.map(\.quantity) == [1, 2, 2, 1, 1])
            #expect(all[3].timestamp == t0 + 30)
            let u1 = try #require(try await test.database.profile(ProfileReference("user:u1")!)).id
            #expect(Set(all.prefix(4).map(\.profileId)) == [u1])
            let own = try await store.interactions(of: u1)
            #expect(own.map(\.productId) == ["a", "b", "b", "7"])

            let times = try await store.eventTimes(named: ["Email Opened", "Order Completed"], after: nil, limit: 10)
            #expect(times.events.map(\.name) == ["Email Opened", "Order Completed"])
            #expect(times.events.map(\.timestamp) == [t0 + 20, t0 + 30])
            #expect(times.next == nil)
        }
    }

    @Test(arguments: TestBackend.available)
    func orderSummariesAggregateByDayWithTheOrderValueRule(backend: TestBackend) async throws {
        try await TestDatabase.with(backend) { test in
            let (store, _) = try stores(test)
            let products: JSONValue = [["product_id": "x", "price": 2.5, "quantity": 4], ["product_id": "y", "price": "1.5"]]
            _ = try await test.database.ingest([
                // Day 0: two orders (revenue as a number, then as a numeric string).
                .track("Order Completed", userId: "u1", properties: ["revenue": 10], at: t0, messageId: "o1"),
                .track("Order Completed", userId: "u1", properties: ["revenue": " 5.5"], at: t0 + 60, messageId: "o2"),
                // Day 3: total only; day 10: line items only (2.5 × 4 + 1.5 × 1).
                .track("Order Completed", userId: "u1", properties: ["total": 20, "revenue": "n/a"], at: t0 + 3 * day, messageId: "o3"),
                .track("Order Completed", userId: "u1", properties: ["products": products], at: t0 + 10 * day, messageId: "o4"),
                // After the cutoff: not counted.
                .track("Order Completed", userId: "u1", properties: ["revenue": 1000], at: t0 + 40 * day, messageId: "o5"),
                .track("Order Completed", userId: "u2", properties: ["revenue": 7], at: t0 + 5 * day, messageId: "o6"),
                .track("Product Viewed", userId: "u3", properties: ["product_id": "x"], at: t0, messageId: "v1"),
            ], planner: planner)
            let u1 = try #require(try await test.database.profile(ProfileReference("user:u1")!))
            let u2 = try #require(try await test.database.profile(ProfileReference("user:u2")!)).id
            let summaries = try await store.orderSummaries(until: t0 + 30 * day, after: nil, limit: 10)
            #expect(Set(summaries.map(\.profileId)) == [u1.id, u2])
            #expect(summaries.map(\.profileId) == summaries.map(\.profileId).sorted { $0.rawValue < $1.rawValue })
            let s = try #require(summaries.first { $0.profileId == u1.id })
            let firstDay = t0.millisecondsSince1970 / OrderSummary.dayMilliseconds
            #expect(s.orders == 4)
            #expect(s.orderDays == 3)
            #expect(s.firstDay == firstDay)
            #expect(s.lastDay == firstDay + 10)
            #expect(abs(s.totalValue - 47) < 1e-9)
            #expect(abs(s.repeatValue - 31.5) < 1e-9)
            #expect(s.frequency == 2 && s.recency == 10 && abs(s.monetary - 15.75) < 1e-9)
            // T from the start of the first order's day: t0 is 22:13:20 UTC, so 30 days later T = 30 + 80000/86400.
            #expect(abs(s.age(at: t0 + 30 * day) - (30 + 80_000.0 / 86_400)) < 1e-9)
            // Same values as the profile's computed revenue (which also counts the order after the cutoff).
            #expect(abs(s.totalValue + 1000 - u1.state.revenue) < 1e-9)
            // Paging by profile id.
            let first = try await store.orderSummaries(until: t0 + 30 * day, after: nil, limit: 1)
            let second = try await store.orderSummaries(until: t0 + 30 * day, after: first[0].profileId, limit: 1)
            #expect(first.count == 1 && second.count == 1)
            #expect(Set([first[0].profileId, second[0].profileId]) == [u1.id, u2])
        }
    }

    @Test(arguments: TestBackend.available)
    func computedTraitsAreWrittenInBulkAndReplaced(backend: TestBackend) async throws {
        try await TestDatabase.with(backend) { test in
            let (_, traits) = try stores(test)
            _ = try await test.database.ingest([
                .track("Order Completed", userId: "u1", properties: ["revenue": 10], at: t0, messageId: "o1"),
                .track("Order Completed", userId: "u2", properties: ["revenue": 10], at: t0, messageId: "o2"),
            ], planner: planner)
            let u1 = try #require(try await test.database.profile(ProfileReference("user:u1")!)).id
            let u2 = try #require(try await test.database.profile(ProfileReference("user:u2")!)).id
            try await traits.writeComputedTraits([
                ComputedTrait(profileId: u1, name: "cluster", number: 1),
                ComputedTrait(profileId: u1, name: "cluster_label", text: "recent, high spend"),
                ComputedTrait(profileId: u2, name: "predicted_clv", number: 12.25),
            ], at: t0)
            try await traits.writeComputedTraits([
                ComputedTrait(profileId: u1, name: "cluster", number: 2),
                ComputedTrait(profileId: u1, name: "cluster", number: 3),  // the last of repeated pairs wins
            ], at: t0 + 60)
            let read = try await traits.computedTraits(of: u1)
            #expect(read.map(\.name) == ["cluster", "cluster_label"])
            #expect(read[0].number == 3 && read[0].text == nil && read[0].updatedAt == t0 + 60)
            #expect(read[1].text == "recent, high spend" && read[1].number == nil && read[1].updatedAt == t0)
            #expect(try await traits.computedTraits(of: u2).map(\.json) == [.number(12.25)])
            #expect(try await traits.computedTraits(of: ProfileID("p_none")).isEmpty)
        }
    }
}
