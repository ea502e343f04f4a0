import Foundation
import TailorCore
import TailorDemo
import TailorEngine
import TailorML

extension Demo {
    /// The demo's models step: trains recommendations, computes clusters, predicted value and engagement
    /// scores on the loaded shop, and prints a short summary. A model that cannot be fitted is reported and
    /// skipped; the demo goes on.
    static func showModels(runtime: Runtime, settings: Settings, shop: DemoShop) async {
        let now = runtime.clock.now()
        let stores = runtime.stores
        print("models:")
        do {
            let started = ContinuousClock.now
            let training = try await RecommendationService(stores: stores).trainServingTheBetter(settings: RecommendationSettings(), now: now)
            let model = training.model
            let elapsed = (ContinuousClock.now - started).components
            let seconds = String(format: "%.1f", Double(elapsed.seconds) + Double(elapsed.attoseconds) / 1e18)
            try model.save(to: settings.recommendationModelPath)
            print("  recommendations: ALS on \(model.interactions) interactions, \(model.als.userCount) profiles × \(model.als.itemCount) products "
                  + "in \(seconds) s → \(settings.recommendationModelPath)")
            if let e = training.evaluation {
                func figures(_ m: RankingMetrics) -> String { String(format: "precision@10 %.3f, NDCG@10 %.3f", m.precision, m.ndcg) }
                print("    serving \(model.strategy == .als ? "ALS" : "popularity in the favourite category") "
                      + "(held-out last 20%: ALS \(figures(e.metrics)); popular in category \(figures(e.categoryBaseline)))")
            }
            let traits = ComputedTraitService(stores: stores, clock: runtime.clock)
            let clusters = try await traits.computeClusters(settings: ClusterSettings(), now: now)
            print("  clusters (k = \(clusters.k) by silhouette \(String(format: "%.2f", clusters.silhouette)), \(clusters.profiles) customers):")
            for c in clusters.clusters {
                print("    \(c.id): \(c.size) customers, \(c.label) (last order \(Int(c.recencyDays.rounded())) days ago, "
                      + "\(String(format: "%.1f", c.orders)) orders, $\(Int(c.spend.rounded())) spent)")
            }
            let value = try await traits.computeLifetimeValue(settings: LifetimeSettings(), now: now)
            if value.value != nil, let p10 = LifetimeReport.quantile(value.clv, 0.1), let p50 = LifetimeReport.quantile(value.clv, 0.5),
               let p90 = LifetimeReport.quantile(value.clv, 0.9) {
                func dollars(_ v: Double) -> String { "$" + String(format: "%.0f", v) }
                print("  predicted 1-year value: p10 \(dollars(p10)), median \(dollars(p50)), p90 \(dollars(p90)) "
                      + "(BG/NBD r \(String(format: "%.3f", value.transactions.r)), α \(String(format: "%.2f", value.transactions.alpha)); "
                      + "median P(alive) \(String(format: "%.2f", LifetimeReport.quantile(value.probabilityAlive, 0.5) ?? 0)))")
            }
            let scores = try await traits.computeEngagement(settings: EngagementSettings(), now: now)
            let median = String(format: "%.1f", LifetimeReport.quantile(scores.scores, 0.5) ?? 0)
            print("  engagement scores: \(scores.profiles) profiles, median \(median)")
            // The first signed-up customer who has a profile, as an example.
            for index in 0..<min(shop.customerCount, 100) {
                let user = shop.userId(ofCustomer: index)
                guard let view = try await stores.profiles.profile(.identity(Identity(.user, user))), view.state.orderCount > 0 else { continue }
                let list = try await RecommendationService(stores: stores).recommend(for: .id(view.id), count: 5, model: model)
                print("  recommendations for user:\(user) (\(view.state.orderCount) orders; `tailor recommend for user:\(user)`):")
                for r in list.items {
                    print("    \(r.productId) \(r.product?.name ?? "") (\(r.reason.rawValue), score \(String(format: "%.3f", r.score)))")
                }
                break
            }
        } catch {
            print("  skipped: \(error)")
        }
        print("")
    }
}
