public import Foundation
public import TailorCore
public import TailorStore
import TailorStats

/// The statistics of a campaign experiment's test phase and what they say (pure; docs/EXPERIMENTS.md,
/// "Campaign experiments").
///
/// Each variant's observations are its test-phase recipients' values of the metric, in the order their emails
/// were queued. Every pair of variants is compared by the mixture SPRT (`TailorStats.MixtureSPRT`: the k-th
/// recipient of one paired with the k-th of the other), whose p-value may be looked at after every pair, and
/// the p-values are adjusted for the number of pairs by Holm's method. The **leader** is the variant with the
/// highest mean (the first in the design on a tie); it is the **winner** when its every comparison is
/// significant at α. The sample-ratio check (χ² of the queued counts against the weights) **blocks** any
/// winner when p < 0.001: a split that is not the designed one means that something (a template failing for
/// one variant, broken logging) biases the comparison.
public struct ExperimentAnalysis: Sendable, Hashable {
    public struct Arm: Sendable, Hashable {
        public var name: String
        public var recipients: Int
        public var mean: Double
    }

    public struct Comparison: Sendable, Hashable {
        public var a: String
        public var b: String
        public var pairs: Int
        /// mean(b) − mean(a) over the pairs.
        public var difference: Double
        public var pValue: Double
        /// Holm-adjusted over every comparison.
        public var adjustedPValue: Double
        /// The confidence sequence for the difference (nil bounds: unbounded, before the test starts).
        public var ciLow: Double?
        public var ciHigh: Double?
    }

    public var metric: CampaignExperiment.Metric
    public var alpha: Double
    public var arms: [Arm]
    public var comparisons: [Comparison]
    public var srmChiSquare: Double?
    public var srmPValue: Double?
    public var leader: String?
    /// The leader, when every comparison of it is significant.
    public var winner: String?

    /// The threshold of the sample-ratio check.
    public static let srmThreshold = 0.001

    /// The sample-ratio check failed: no winner may be sent.
    public var isBlocked: Bool { srmPValue.map { $0 < Self.srmThreshold } ?? false }

    /// - Parameters:
    ///   - design: the experiment (its variants, weights, metric and α).
    ///   - observations: each variant's values in arrival order (1/0 for a proportion).
    public static func analyze(_ design: CampaignExperiment, observations: [String: [Double]]) -> ExperimentAnalysis {
        let test = design.test ?? CampaignExperiment.TestPhase(share: 1, duration: 0)
        let names = design.variants.map(\.name)
        var arms: [Arm] = names.map { name in
            let values = observations[name] ?? []
            return Arm(name: name, recipients: values.count, mean: values.isEmpty ? 0 : values.reduce(0, +) / Double(values.count))
        }
        var analysis = ExperimentAnalysis(metric: test.metric, alpha: test.alpha, arms: arms, comparisons: [])
        if let srm = try? SampleRatioMismatch(observed: arms.map(\.recipients), weights: design.variants.map(\.weight)) {
            analysis.srmChiSquare = srm.chiSquare
            analysis.srmPValue = srm.pValue
        }
        let pairsPlanned = max(1, arms.map(\.recipients).min() ?? 1)
        let configuration = MixtureSPRT.Configuration(metric: test.metric == .revenue ? .mean(variance: .estimated) : .proportion,
                                                      alpha: test.alpha, mixing: .tuned(pairs: pairsPlanned))
        var comparisons: [Comparison] = []
        for i in names.indices {
            for j in names.indices where j > i {
                let a = observations[names[i]] ?? [], b = observations[names[j]] ?? []
                let n = min(a.count, b.count)
                let outcome = try? MixtureSPRT.run(a: Array(a.prefix(n)), b: Array(b.prefix(n)), configuration: configuration)
                let difference = n == 0 ? 0 : (b.prefix(n).reduce(0, +) - a.prefix(n).reduce(0, +)) / Double(n)
                comparisons.append(Comparison(a: names[i], b: names[j], pairs: n, difference: difference, pValue: outcome?.pValues.last ?? 1,
                                              adjustedPValue: 1, ciLow: (outcome?.interval?.lower).flatMap { $0.isFinite ? $0 : nil },
                                              ciHigh: (outcome?.interval?.upper).flatMap { $0.isFinite ? $0 : nil }))
            }
        }
        if let adjusted = try? HolmCorrection.adjustedPValues(comparisons.map(\.pValue)) {
            for i in comparisons.indices { comparisons[i].adjustedPValue = adjusted[i] }
        }
        analysis.comparisons = comparisons
        arms = analysis.arms
        if let best = arms.indices.max(by: { arms[$0].mean < arms[$1].mean || (arms[$0].mean == arms[$1].mean && $0 > $1) }),
           arms[best].recipients > 0 {
            let leader = arms[best].name
            analysis.leader = leader
            let mine = comparisons.filter { $0.a == leader || $0.b == leader }
            if !mine.isEmpty, mine.allSatisfy({ $0.adjustedPValue <= test.alpha && ($0.a == leader ? $0.difference < 0 : $0.difference > 0) }) {
                analysis.winner = leader
            }
        }
        return analysis
    }

    /// The statistics and their inputs, as stored and shown.
    public var json: JSONObject {
        func number(_ v: Double?) -> JSONValue { v.map { $0.isFinite ? .number($0) : .null } ?? .null }
        return [
            "metric": .string(metric.rawValue), "alpha": .number(alpha),
            "arms": .array(arms.map { .object(["variant": .string($0.name), "recipients": .number(Double($0.recipients)), "mean": .number($0.mean)]) }),
            "comparisons": .array(comparisons.map { c in
                .object(["a": .string(c.a), "b": .string(c.b), "pairs": .number(Double(c.pairs)), "difference": .number(c.difference),
                         "p_value": .number(c.pValue), "adjusted_p_value": .number(c.adjustedPValue),
                         "ci_low": number(c.ciLow), "ci_high": number(c.ciHigh)])
            }),
            "srm": .object(["chi2": number(srmChiSquare), "p_value": number(srmPValue), "threshold": .number(Self.srmThreshold),
                            "mismatch": .bool(isBlocked)]),
            "leader": leader.map { .string($0) } ?? .null, "significant_winner": winner.map { .string($0) } ?? .null,
        ]
    }
}
