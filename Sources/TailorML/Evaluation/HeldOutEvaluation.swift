import Foundation

/// Evaluation of recommenders on a held-out test set whose identifiers were numbered after the
/// training set's (read it with the training set's ``IDIndex``es), so that test users with an index
/// below the training user count are the ones that appear in training.
public enum HeldOutEvaluation {
    /// The test users that appear in training, with their held-out items.
    public static func testUsers(train: InteractionSet, test: InteractionSet) -> [(user: Int, relevant: Set<Int>)] {
        var out: [(user: Int, relevant: Set<Int>)] = []
        for u in 0..<min(train.users.count, test.matrix.rowCount) {
            let items = test.matrix.row(u).columns
            if !items.isEmpty { out.append((u, Set(items.map(Int.init)))) }
        }
        return out
    }

    /// Ranking metrics of an ALS model: top-k per test user, excluding the user's training items.
    public static func evaluate(
        _ model: ALSModel,
        train: InteractionSet,
        test: InteractionSet,
        k: Int,
        threads: Int = Parallel.defaultThreadCount
    ) -> RankingMetrics {
        let users = testUsers(train: train, test: test)
        let lists = model.recommend(users: users.map(\.user), count: k, excluding: train.matrix, threads: threads)
        return RankingMetrics.evaluate(recommendations: lists.map { $0.map(\.item) }, relevant: users.map(\.relevant), k: k)
    }

    /// Ranking metrics of the popularity baseline on the same users and exclusions.
    public static func evaluatePopularity(train: InteractionSet, test: InteractionSet, k: Int) -> RankingMetrics {
        let users = testUsers(train: train, test: test)
        let popular = PopularityRecommender(train.matrix)
        let lists = users.map { popular.recommend(count: k, excluding: (train.matrix, $0.user)).map(\.item) }
        return RankingMetrics.evaluate(recommendations: lists, relevant: users.map(\.relevant), k: k)
    }

    /// Ranking metrics of popularity within each user's favourite category (the category of most of their
    /// training items; ties: the lower code), filled with overall popularity: the baseline a shop gets
    /// without a model, on the same users and exclusions.
    /// - Parameter categories: the category code of each training item, -1 for none.
    public static func evaluatePopularityInCategory(train: InteractionSet, test: InteractionSet, k: Int, categories: [Int]) -> RankingMetrics {
        let users = testUsers(train: train, test: test)
        let inCategory = PopularityRecommender(train.matrix, categories: categories)
        let overall = PopularityRecommender(train.matrix)
        let lists = users.map { user -> [Int] in
            let seen = train.matrix.row(user.user).columns
            var list = favouriteCategory(of: seen, categories: categories).map {
                inCategory.recommend(count: k, category: $0, excluding: (train.matrix, user.user)).map(\.item)
            } ?? []
            let taken = Set(list)
            list += overall.recommend(count: k - list.count, excluding: (train.matrix, user.user), rejecting: { taken.contains($0) }).map(\.item)
            return list
        }
        return RankingMetrics.evaluate(recommendations: lists, relevant: users.map(\.relevant), k: k)
    }

    /// The most frequent category among items (ties: the lower code); nil when none has one.
    public static func favouriteCategory(of items: some Sequence<Int32>, categories: [Int]) -> Int? {
        var counts: [Int: Int] = [:]
        for item in items where Int(item) < categories.count && categories[Int(item)] >= 0 { counts[categories[Int(item)], default: 0] += 1 }
        return counts.max { a, b in a.value != b.value ? a.value < b.value : a.key > b.key }?.key
    }
}

/// The `als-evaluate` procedure: read train and test CSVs (`user,item,weight`), fit ALS on train,
/// evaluate top-k on test against the popularity baseline, and time the fit.
public struct ALSEvaluation: Sendable {
    /// Metrics of the ALS model.
    public var metrics: RankingMetrics
    /// Metrics of the popularity baseline.
    public var baseline: RankingMetrics
    /// Wall-clock seconds of the fit alone.
    public var trainSeconds: Double
    /// Training users, items and interactions.
    public var users: Int, items: Int, interactions: Int

    /// Runs the procedure.
    /// - Throws: ``MLError`` from reading the files or fitting.
    public static func run(trainPath: String, testPath: String, configuration: ImplicitALS, k: Int) throws(MLError) -> ALSEvaluation {
        guard k >= 1 else { throw MLError(.invalidArgument, "k must be at least 1") }
        let train = try InteractionSet.read(path: trainPath)
        let test = try InteractionSet.read(path: testPath, users: train.users, items: train.items)
        let start = DispatchTime.now().uptimeNanoseconds
        let model = try configuration.fit(train.matrix)
        let seconds = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
        return ALSEvaluation(
            metrics: HeldOutEvaluation.evaluate(model, train: train, test: test, k: k, threads: configuration.threads),
            baseline: HeldOutEvaluation.evaluatePopularity(train: train, test: test, k: k),
            trainSeconds: seconds,
            users: train.users.count,
            items: train.items.count,
            interactions: train.matrix.nonzeroCount
        )
    }
}
