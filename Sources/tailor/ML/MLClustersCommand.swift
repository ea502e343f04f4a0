import ArgumentParser
import Foundation
import TailorEngine

/// `tailor ml clusters`: k-means on the store's customers, written as computed traits.
struct MLClustersCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "clusters",
        abstract: "Cluster the store's customers (k-means on standardized recency, orders and spend) and write `cluster` traits.",
        discussion: "Every profile with orders gets `cluster` (0 = the highest mean spend) and `cluster_label` (the centre in words). "
            + "Without --k, k is chosen in 2...6 by silhouette. For clusters of a CSV file, use `tailor ml kmeans --features`.")

    @Option(help: "Number of clusters (default: chosen by silhouette).") var k: Int?
    @Option(help: "k-means++ restarts; the lowest inertia wins.") var restarts: Int = 10
    @Option(help: "Seed of the random choices.") var seed: UInt64 = 0
    @OptionGroup var global: GlobalOptions

    func validate() throws {
        if let k, k < 2 { throw ValidationError("--k must be at least 2") }
        guard restarts >= 1 else { throw ValidationError("--restarts must be at least 1") }
    }

    func run() async throws {
        var settings = ClusterSettings(k: k)
        settings.restarts = restarts
        settings.seed = seed
        let runtime = try await Runtime.open(try global.settings())
        let report: ClusterReport
        do {
            report = try await ComputedTraitService(stores: runtime.stores, clock: runtime.clock)
                .computeClusters(settings: settings, now: runtime.clock.now())
        } catch {
            await runtime.close()
            throw error
        }
        await runtime.close()
        try MLOutput.print(report.json)
    }
}

extension ClusterReport {
    var json: [String: Any] {
        [
            "k": k, "silhouette": silhouette, "inertia": inertia, "profiles": profiles, "segments": MLOutput.json(refresh),
            "candidates": candidates.map { ["k": $0.k, "silhouette": $0.silhouette] },
            "clusters": clusters.map {
                ["cluster": $0.id, "size": $0.size, "description": $0.label,
                 "centre": ["days_since_last_order": $0.recencyDays, "orders": $0.orders, "spend": $0.spend]] as [String: Any]
            },
        ]
    }
}
