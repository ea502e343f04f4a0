/// Describes clusters in words from their centres, for people choosing audiences: a centre's
/// features that lie far from the average (in standard deviations) are named with the words given
/// for "high" and "low" values, strongest first, for example "high frequency, recent, high spend".
public struct ClusterDescriber: Sendable {
    /// How to say that a feature is high or low.
    public struct Feature: Sendable, Hashable {
        /// Column name of the feature.
        public var name: String
        /// Words for a high value (default "high <name>").
        public var high: String
        /// Words for a low value (default "low <name>").
        public var low: String

        /// Creates feature words; for "days since last order", pass high: "lapsed", low: "recent".
        public init(name: String, high: String? = nil, low: String? = nil) {
            self.name = name
            self.high = high ?? "high \(name)"
            self.low = low ?? "low \(name)"
        }
    }

    /// The words, one per feature, in column order.
    public var features: [Feature]
    /// A feature is mentioned when its centre is at least this many standard deviations from the mean.
    public var threshold: Double = 0.5
    /// At most this many features are mentioned per cluster.
    public var maxTerms: Int = 3
    /// The description of a cluster with no remarkable feature.
    public var typical: String = "typical"

    /// Creates a describer.
    public init(features: [Feature]) { self.features = features }

    /// Describes one centre given in standard units (z-scores).
    public func describe(standardizedCentre z: [Double]) -> String {
        let terms = z.indices.filter { $0 < features.count && abs(z[$0]) >= threshold }
            .sorted { abs(z[$0]) > abs(z[$1]) }
            .prefix(maxTerms)
            .map { z[$0] > 0 ? features[$0].high : features[$0].low }
        return terms.isEmpty ? typical : terms.joined(separator: ", ")
    }

    /// Describes every cluster of a model. Centres are converted to standard units with the model's
    /// standardizer, or with one learned from `data` when the model was fitted on raw values.
    public func describe(_ model: KMeansModel, data: [Double]) -> [String] {
        let d = model.dimension
        let scaler = model.standardizer ?? Standardizer(fitting: data, dimension: d)
        let z = model.standardizer != nil ? model.centres : scaler.transform(model.centres)
        return (0..<model.k).map { describe(standardizedCentre: Array(z[($0 * d)..<($0 * d + d)])) }
    }
}
