import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Testing
import TailorCore
import TailorEngine
import TailorServer
import TailorStore
import TailorTesting

@Suite("Recommendations API")
struct RecommendationsAPITests {
    let t0 = Date(millisecondsSince1970: 1_700_000_000_000)

    func app(_ database: any TailorDatabase, modelPath: String?) -> some ApplicationProtocol {
        var settings = ServerSettings(port: 0, keys: APIKeys(writeKeys: [writeKey], adminKeyHashes: [APIKeys.hash(adminKey)]))
        settings.recommendationModelPath = modelPath
        return Application(router: buildRouter(settings: settings, stores: Stores(database), ingest: IngestService(events: database)))
    }

    /// Six shoppers: each buys two of products a…f and views a third.
    func shop(_ database: any TailorDatabase) async throws {
        var messages: [Message] = []
        let products = ["a", "b", "c", "d", "e", "f"]
        for u in 0..<6 {
            let lines: JSONValue = .array([products[u], products[(u + 1) % 6]].map { .object(["product_id": .string($0), "price": 10]) })
            messages.append(.track("Order Completed", userId: "u\(u)", properties: ["products": lines], at: t0 + Double(u), messageId: "o\(u)"))
            messages.append(.track("Product Viewed", userId: "u\(u)", properties: ["product_id": .string(products[(u + 2) % 6])],
                                   at: t0 + Double(u) + 1, messageId: "v\(u)"))
        }
        _ = try await database.ingest(messages, planner: IngestPlanner())
        try await database.upsertProducts(products.map { Product(id: $0, name: "Product \($0)", category: "c", price: 10, inStock: $0 != "d") })
    }

    @Test func recommendationsAnswerWithScoresAndReasons() async throws {
        try await TestDatabase.with(.sqlite) { test in
            try await shop(test.database)
            var settings = RecommendationSettings.defaultALS
            settings.factors = 4
            settings.threads = 1
            let model = try await RecommendationService(stores: test.stores).train(settings: RecommendationSettings(als: settings), now: t0 + 60)
            let dir = FileManager.default.temporaryDirectory.appendingPathComponent("tailor-api-\(UUID().uuidString)")
            defer { try? FileManager.default.removeItem(at: dir) }
            let path = dir.appendingPathComponent("recommendations.als").path
            try model.save(to: path)
            try await app(test.database, modelPath: path).test(.router) { client in
                let r = try await client.execute(uri: "/v1/profiles/user:u0/recommendations?count=3", method: .get, headers: bearer)
                #expect(r.status == .ok)
                let body = try json(r)
                let items = try #require(body[path: "recommendations"]?.arrayValue)
                #expect(items.count == 3)
                let ids = items.compactMap { $0[path: "product_id"]?.stringValue }
                // u0 bought a and b; d is out of stock.
                #expect(Set(ids).isDisjoint(with: ["a", "b", "d"]))
                #expect(items.allSatisfy { $0[path: "reason"] == "model" && $0[path: "score"] != nil && $0[path: "name"] != nil })
                #expect(body[path: "profile_id"]?.stringValue?.hasPrefix("p_") == true)

                let unknown = try await client.execute(uri: "/v1/profiles/user:nobody/recommendations", method: .get, headers: bearer)
                #expect(unknown.status == .notFound)
                #expect(try json(unknown)[path: "code"] == "not_found")
                let anonymous = try await client.execute(uri: "/v1/profiles/user:u0/recommendations", method: .get)
                #expect(anonymous.status == .unauthorized)
                let badCount = try await client.execute(uri: "/v1/profiles/user:u0/recommendations?count=0", method: .get, headers: bearer)
                #expect(badCount.status == .badRequest)
            }
            try await app(test.database, modelPath: dir.appendingPathComponent("missing.als").path).test(.router) { client in
                let r = try await client.execute(uri: "/v1/profiles/user:u0/recommendations", method: .get, headers: bearer)
                #expect(r.status == .conflict)
                #expect(try json(r)[path: "code"] == "no_model")
            }
        }
    }

    @Test func theProfileViewShowsComputedTraits() async throws {
        try await TestDatabase.with(.sqlite) { test in
            try await shop(test.database)
            let id = try #require(try await test.database.profile(ProfileReference("user:u1")!)).id
            let store = test.stores.computedTraits
            try await store.writeComputedTraits([
                ComputedTrait(profileId: id, name: "cluster", number: 2),
                ComputedTrait(profileId: id, name: "cluster_label", text: "recent, high spend"),
                ComputedTrait(profileId: id, name: "predicted_clv", number: 123.5),
            ], at: t0)
            try await app(test.database, modelPath: nil).test(.router) { client in
                let p = try json(try await client.execute(uri: "/v1/profiles/user:u1", method: .get, headers: bearer))
                #expect(p[path: "computed.cluster"] == 2)
                #expect(p[path: "computed.cluster_label"] == "recent, high spend")
                #expect(p[path: "computed.predicted_clv"] == 123.5)
                #expect(p[path: "computed.order_count"] == 1)
                #expect(p[path: "computed.models_updated_at"] == .string(ISO8601.format(t0)))
                let other = try json(try await client.execute(uri: "/v1/profiles/user:u2", method: .get, headers: bearer))
                #expect(other[path: "computed.cluster"] == nil)
            }
        }
    }
}
