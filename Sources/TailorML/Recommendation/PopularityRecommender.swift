/// Recommends the most popular items (by number of users who interacted), overall or within a
/// category: the fallback for users without history, and the baseline ALS is evaluated against.
public struct PopularityRecommender: Sendable {
    /// Popularity of each item: number of distinct users with a positive interaction.
    public let popularity: [Float]
    /// Items sorted by decreasing popularity (ties by index).
    public let ranking: [Int32]
    private let categoryOf: [Int]?

    /// Learns popularity from a users × items matrix.
    /// - Parameter categories: optional category of each item (any integer coding), for
    ///   ``recommend(count:category:excluding:rejecting:)`` with a category.
    public init(_ matrix: InteractionMatrix, categories: [Int]? = nil) {
        var counts = [Float](repeating: 0, count: matrix.columnCount)
        for c in matrix.columns { counts[Int(c)] += 1 }
        popularity = counts
        ranking = (0..<Int32(matrix.columnCount)).sorted { counts[Int($0)] > counts[Int($1)] || (counts[Int($0)] == counts[Int($1)] && $0 < $1) }
        categoryOf = categories
    }

    /// A recommender from popularity figures kept elsewhere (for example saved beside a model).
    /// - Parameters:
    ///   - popularity: the popularity of each item (any non-negative figure; higher ranks first).
    ///   - categories: optional category of each item, as in ``init(_:categories:)``.
    public init(popularity: [Float], categories: [Int]? = nil) {
        self.popularity = popularity
        ranking = (0..<Int32(popularity.count)).sorted {
            popularity[Int($0)] > popularity[Int($1)] || (popularity[Int($0)] == popularity[Int($1)] && $0 < $1)
        }
        categoryOf = categories
    }

    /// The `count` most popular items, optionally within one category, skipping the given user's
    /// training items and any item `rejecting` refuses.
    /// - Parameters:
    ///   - category: restrict to items of this category (empty when no categories were given at init).
    ///   - excluding: training matrix and user whose items to skip.
    public func recommend(
        count: Int,
        category: Int? = nil,
        excluding: (matrix: InteractionMatrix, user: Int)? = nil,
        rejecting: ((Int) -> Bool)? = nil
    ) -> [ScoredItem] {
        guard category == nil || categoryOf != nil else { return [] }
        var out: [ScoredItem] = []
        for i32 in ranking {
            if out.count >= count { break }
            let i = Int(i32)
            if let category, let categoryOf, i < categoryOf.count, categoryOf[i] != category { continue }
            if let excluding, excluding.user < excluding.matrix.rowCount, excluding.matrix.contains(row: excluding.user, column: i) { continue }
            if let rejecting, rejecting(i) { continue }
            out.append(ScoredItem(item: i, score: popularity[i]))
        }
        return out
    }
}
