import Foundation
import Testing
import TailorCore
import TailorDemo
import TailorEngine
import TailorML
import TailorStore
import TailorTesting

/// The model services on a small seeded demo shop, loaded through the ingest path.
@Suite("Models on the store")
struct ModelServiceTests {
    let now = ISO8601.parse("2026-11-01T12:00:00Z")!

    func load(_ test: TestDatabase, customers: Int = 120) async throws -> DemoShop {
        let shop = DemoShop(seed: 11, customers: customers, now: now)
        let ingest = IngestService(events: test.database)
        let loop = Task { try await ingest.run() }
        _ = try await DemoLoader(ingest: ingest, products: test.database).load(shop)
        loop.cancel()
        return shop
    }

    var small: RecommendationSettings {
        var als = RecommendationSettings.defaultALS
        als.factors = 8
        als.iterations = 6
        als.threads = 1
        return RecommendationSettings(als: als)
    }

    @Test func recommendationsSkipBoughtAndOutOfStockProducts() async throws {
        try await TestDatabase.with(.sqlite) { test in
            _ = try await load(test)
            let service = RecommendationService(stores: test.stores)
            let model = try await service.train(settings: small, now: now)
            #expect(model.als.userCount > 50 && model.als.itemCount > 50)
            let store = test.stores.interactions
            // Popularity is the number of distinct profiles that interacted with a product.
            var fans: [String: Set<ProfileID>] = [:]
            for i in try await service.interactions(until: now) { fans[i.productId, default: []].insert(i.profileId) }
            #expect(model.als.items.ids.map { Float(fans[$0]?.count ?? 0) } == model.popularity)
            var catalog = Dictionary(try await test.database.products().map { ($0.id, $0) }, uniquingKeysWith: { a, _ in a })
            #expect(catalog.values.contains { !$0.inStock }, "the demo catalog has out-of-stock products")
            var checked = 0
            for id in model.als.users.ids.prefix(40) {
                let bought = Set(try await store.interactions(of: ProfileID(id)).filter { $0.kind == .purchase }.map(\.productId))
                let list = try await service.recommend(for: .id(ProfileID(id)), count: 20, model: model)
                #expect(list.items.count == 20)
                #expect(list.items.allSatisfy { $0.reason == .model })
                #expect(list.items.allSatisfy { !bought.contains($0.productId) })
                #expect(list.items.allSatisfy { catalog[$0.productId]?.inStock ?? true })
                #expect(list.items.map(\.score) == list.items.map(\.score).sorted(by: >))
                if !bought.isEmpty { checked += 1 }
            }
            #expect(checked > 10)
            // A product going out of stock disappears from the next answer, without retraining.
            let profile = ProfileID(model.als.users.ids[0])
            let before = try await service.recommend(for: .id(profile), count: 5, model: model)
            var top = try #require(catalog[before.items[0].productId])
            top.inStock = false
            try await test.database.upsertProducts([top])
            catalog[top.id] = top
            let after = try await service.recommend(for: .id(profile), count: 5, model: model)
            #expect(!after.items.map(\.productId).contains(top.id))
            #expect(after.items.first?.productId == before.items[1].productId)
            // Similar items are in stock and never the product itself.
            let similar = try await service.similar(to: before.items[1].productId, count: 5, model: model)
            #expect(similar.count == 5)
            #expect(similar.allSatisfy { $0.productId != before.items[1].productId && (catalog[$0.productId]?.inStock ?? true) })
        }
    }

    @Test func profilesWithoutHistoryGetPopularAndPopularInCategory() async throws {
        try await TestDatabase.with(.sqlite) { test in
            _ = try await load(test)
            let service = RecommendationService(stores: test.stores)
            let model = try await service.train(settings: small, now: now)
            let catalog = Dictionary(try await test.database.products().map { ($0.id, $0) }, uniquingKeysWith: { a, _ in a })
            // Two visitors who arrive after training: one with no product event, one who viewed a product.
            let viewed = try #require(catalog.values.filter { $0.inStock && $0.category != nil }.min { $0.id < $1.id })
            _ = try await test.database.ingest([
                .identify(userId: "newcomer", traits: ["city": "Lyon"], at: now, messageId: "n1"),
                .track("Product Viewed", userId: "browser", properties: ["product_id": .string(viewed.id)], at: now, messageId: "n2"),
            ], planner: IngestPlanner())
            let cold = try await service.recommend(for: try #require(ProfileReference("user:newcomer")), count: 10, model: model)
            #expect(cold.items.count == 10)
            #expect(cold.items.allSatisfy { $0.reason == .popular })
            // The most popular products in stock (popularity = distinct profiles in training; ties by model order).
            let ids = model.als.items.ids
            let expected = ids.indices.filter { catalog[ids[$0]]?.inStock ?? true }
                .sorted { model.popularity[$0] > model.popularity[$1] || (model.popularity[$0] == model.popularity[$1] && $0 < $1) }
                .prefix(10).map { ids[$0] }
            #expect(cold.items.map(\.score) == expected.map { Double(model.popularity[ids.firstIndex(of: $0)!]) })
            #expect(cold.items.map(\.productId) == expected)
            let warm = try await service.recommend(for: try #require(ProfileReference("user:browser")), count: 5, model: model)
            let inCategory = warm.items.filter { $0.reason == .popularInCategory }
            #expect(!inCategory.isEmpty)
            #expect(inCategory.allSatisfy { catalog[$0.productId]?.category == viewed.category })
            #expect(warm.items.count == 5)
            await #expect(throws: ModelError.self) {
                try await service.recommend(for: try #require(ProfileReference("user:nobody")), count: 5, model: model)
            }
        }
    }

    @Test func trainingServesTheBetterRankingAndKeepsWhichInTheFile() async throws {
        try await TestDatabase.with(.sqlite) { test in
            _ = try await load(test, customers: 150)
            let service = RecommendationService(stores: test.stores)
            let auto = try await service.trainServingTheBetter(settings: small, now: now, k: 10, testFraction: 0.2)
            let evaluation = try #require(auto.evaluation)
            #expect(evaluation.metrics.users == evaluation.categoryBaseline.users && evaluation.metrics.users > 0)
            #expect(auto.model.strategy == (evaluation.categoryBaseline.ndcg > evaluation.metrics.ndcg ? .popularInCategory : .als))

            let forced = try await service.trainServingTheBetter(settings: small, now: now, strategy: .popularInCategory)
            #expect(forced.evaluation == nil && forced.model.strategy == .popularInCategory)
            // Served popularity in category: nobody gets the model's ranking, even a profile the model knows.
            let known = try #require(forced.model.als.users.ids.first)
            let list = try await service.recommend(for: .id(ProfileID(known)), count: 5, model: forced.model)
            #expect(!list.items.isEmpty && list.items.allSatisfy { $0.reason != .model })

            // The strategy survives the file; a version 1 file (no strategy byte) serves ALS.
            let bytes = forced.model.serialized()
            #expect(try RecommendationModel(serialized: bytes).strategy == .popularInCategory)
            var old = bytes
            old.remove(at: 8)  // after "TLRREC" and the UInt16 version
            old[6] = 1
            old[7] = 0
            let legacy = try RecommendationModel(serialized: old)
            #expect(legacy.strategy == .als && legacy.interactions == forced.model.interactions)
        }
    }

    @Test func modelFileRoundTripsBitIdentically() async throws {
        try await TestDatabase.with(.sqlite) { test in
            _ = try await load(test, customers: 60)
            let service = RecommendationService(stores: test.stores)
            let model = try await service.train(settings: small, now: now)
            let dir = FileManager.default.temporaryDirectory.appendingPathComponent("tailor-model-\(UUID().uuidString)")
            defer { try? FileManager.default.removeItem(at: dir) }
            let path = dir.appendingPathComponent("models/recommendations.als").path
            try model.save(to: path)
            let loaded = try RecommendationModel.load(from: path)
            #expect(loaded.als.userFactorValues.map(\.bitPattern) == model.als.userFactorValues.map(\.bitPattern))
            #expect(loaded.als.itemFactorValues.map(\.bitPattern) == model.als.itemFactorValues.map(\.bitPattern))
            #expect(loaded.als.users == model.als.users && loaded.als.items == model.als.items)
            #expect(loaded.popularity == model.popularity && loaded.weights == model.weights)
            #expect(loaded.trainedAt == model.trainedAt && loaded.interactions == model.interactions)
            let again = dir.appendingPathComponent("again.als").path
            try loaded.save(to: again)
            #expect(try Data(contentsOf: URL(fileURLWithPath: path)) == Data(contentsOf: URL(fileURLWithPath: again)))
            // A damaged file is refused, and a missing one says no model is trained.
            var bytes = [UInt8](try Data(contentsOf: URL(fileURLWithPath: path)))
            bytes.removeLast(7)
            #expect(throws: ModelError.self) { try RecommendationModel(serialized: bytes) }
            do {
                _ = try RecommendationModel.load(from: dir.appendingPathComponent("none.als").path)
                Issue.record("loading a missing model should fail")
            } catch {
                #expect((error as? ModelError)?.kind == .noModel)
            }
        }
    }

    @Test func computedTraitsAreWrittenForEveryProfileWithOrders() async throws {
        try await TestDatabase.with(.sqlite) { test in
            _ = try await load(test)
            // A customer whose first order is today: T is a fraction of a day, never 0.
            let fresh = Message.track("Order Completed", userId: "fresh", properties: ["revenue": 30], at: now - 3600, messageId: "f1")
            _ = try await test.database.ingest([fresh], planner: IngestPlanner())
            let service = ComputedTraitService(stores: test.stores, clock: ManualClock(now))
            let clusters = try await service.computeClusters(settings: ClusterSettings(), now: now)
            let value = try await service.computeLifetimeValue(settings: LifetimeSettings(horizonDays: 180), now: now)
            let scores = try await service.computeEngagement(settings: EngagementSettings(), now: now)
            let summaries = try await service.orderSummaries(now: now)
            #expect(summaries.count > 30)
            #expect(clusters.profiles == summaries.count && value.customers == summaries.count)
            #expect((2...6).contains(clusters.k) && clusters.candidates.count >= 2)
            #expect(clusters.clusters.map(\.size).reduce(0, +) == summaries.count)
            #expect(clusters.clusters.map(\.id) == Array(0..<clusters.k))
            #expect(clusters.clusters.map(\.spend) == clusters.clusters.map(\.spend).sorted(by: >))
            #expect(value.value != nil, "the demo shop has repeat customers enough for Gamma-Gamma")
            #expect(scores.profiles >= summaries.count)
            let store = test.stores.computedTraits
            var sizes: [Int: Int] = [:]
            for s in summaries {
                let traits = Dictionary(uniqueKeysWithValues: try await store.computedTraits(of: s.profileId).map { ($0.name, $0) })
                #expect(Set(traits.keys) == ["cluster", "cluster_label", "predicted_clv", "probability_alive", "expected_purchases_90d",
                                             "engagement_score"])
                let cluster = try #require(traits["cluster"]?.number)
                sizes[Int(cluster), default: 0] += 1
                #expect(traits["cluster_label"]?.text == clusters.clusters[Int(cluster)].label)
                #expect((0...1).contains(try #require(traits["probability_alive"]?.number)))
                #expect(try #require(traits["predicted_clv"]?.number) >= 0)
                #expect(try #require(traits["engagement_score"]?.number) > 0)
                #expect(traits["cluster"]?.updatedAt == now)
            }
            #expect(sizes == Dictionary(uniqueKeysWithValues: clusters.clusters.map { ($0.id, $0.size) }))
        }
    }

    @Test(arguments: TestBackend.available)
    func evaluationRanksHeldOutInteractionsAgainstPopularity(backend: TestBackend) async throws {
        try await TestDatabase.with(backend) { test in
            _ = try await load(test, customers: 80)
            let result = try await RecommendationService(stores: test.stores).evaluate(settings: small, k: 10, testFraction: 0.2, now: now)
            #expect(result.metrics.users > 0 && result.metrics.users == result.baseline.users)
            #expect(result.testInteractions > 0 && result.trainInteractions > 4 * result.testInteractions / 2)
            #expect(result.cutoff < now)
            #expect((0...1).contains(result.metrics.precision) && (0...1).contains(result.baseline.ndcg))
        }
    }
}
