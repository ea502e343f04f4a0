import ArgumentParser
import TailorML

/// `tailor ml kmeans`: cluster the rows of a numeric CSV.
struct MLKMeansCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "kmeans",
        abstract: "Cluster the rows of a numeric CSV with k-means++ and print JSON.",
        discussion: """
            All columns must be numeric, with a header row. Features are standardized unless \
            --no-standardize; inertia and silhouette are in the space clustered in. Centres are printed \
            in the original units. The silhouette is exact up to 4,000 rows, else computed on a seeded \
            sample of 4,000 rows.
            """
    )

    @Option(help: "CSV of numeric features with a header row.") var features: String
    @Option(help: "Number of clusters.") var k: Int
    @Option(help: "k-means++ restarts; the lowest inertia wins.") var restarts: Int = 10
    @Option(help: "Seed of the random choices.") var seed: UInt64 = 0
    @Flag(name: .customLong("no-standardize"), help: "Cluster the raw values.") var noStandardize = false

    func run() async throws {
        let table = try NumericTable.read(path: features)
        var config = KMeans(k: k)
        config.restarts = max(1, restarts)
        config.seed = seed
        config.standardize = !noStandardize
        let model = try config.fit(table.values, dimension: table.columns.count)
        let space = model.standardizer?.transform(table.values) ?? table.values
        let silhouette = Silhouette.score(space, dimension: model.dimension, labels: model.labels, seed: seed)
        let words = ClusterDescriber(features: table.columns.map { .init(name: $0) }).describe(model, data: table.values)
        try MLOutput.print([
            "k": model.k,
            "columns": table.columns,
            "inertia": model.inertia,
            "silhouette": silhouette,
            "centres": MLOutput.rows(model.centresInOriginalUnits, width: model.dimension),
            "label_counts": model.clusterSizes,
            "descriptions": words,
            "iterations": model.iterations,
            "standardized": !noStandardize,
        ])
    }
}
