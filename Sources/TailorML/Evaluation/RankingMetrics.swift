import Foundation

/// Top-k ranking quality averaged over users, with binary relevance:
/// - precision@k = hits in the top k / k;
/// - recall@k = hits / |relevant|;
/// - MAP@k: the mean over users of Σ (precision at each hit's rank) / min(|relevant|, k);
/// - NDCG@k: DCG = Σ over hits at 0-based rank i of 1 / log₂(i + 2), divided by the DCG of an ideal
///   list with min(|relevant|, k) hits.
/// Users with no relevant item are skipped; a list shorter than k counts as misses.
public struct RankingMetrics: Sendable, Hashable {
    /// The cut-off k.
    public var k: Int
    /// Number of users averaged over.
    public var users: Int
    /// Mean precision@k.
    public var precision: Double
    /// Mean recall@k.
    public var recall: Double
    /// MAP@k.
    public var meanAveragePrecision: Double
    /// Mean NDCG@k.
    public var ndcg: Double

    /// Evaluates ranked lists against relevant sets.
    /// - Parameters:
    ///   - recommendations: per user, items best first (only the first k are read).
    ///   - relevant: per user (same order), the held-out items.
    ///   - k: the cut-off, at least 1.
    public static func evaluate(recommendations: [[Int]], relevant: [Set<Int>], k: Int) -> RankingMetrics {
        precondition(k >= 1 && recommendations.count == relevant.count, "one list per user and k >= 1")
        var discounts = [Double](repeating: 0, count: k + 1)
        for i in 0..<k { discounts[i + 1] = discounts[i] + 1 / log2(Double(i + 2)) }
        var result = RankingMetrics(k: k, users: 0, precision: 0, recall: 0, meanAveragePrecision: 0, ndcg: 0)
        for (list, rel) in zip(recommendations, relevant) where !rel.isEmpty {
            var hits = 0
            var ap = 0.0
            var dcg = 0.0
            for (i, item) in list.prefix(k).enumerated() where rel.contains(item) {
                hits += 1
                ap += Double(hits) / Double(i + 1)
                dcg += 1 / log2(Double(i + 2))
            }
            let ideal = min(rel.count, k)
            result.users += 1
            result.precision += Double(hits) / Double(k)
            result.recall += Double(hits) / Double(rel.count)
            result.meanAveragePrecision += ap / Double(ideal)
            result.ndcg += dcg / discounts[ideal]
        }
        if result.users > 0 {
            let n = Double(result.users)
            result.precision /= n
            result.recall /= n
            result.meanAveragePrecision /= n
            result.ndcg /= n
        }
        return result
    }
}
