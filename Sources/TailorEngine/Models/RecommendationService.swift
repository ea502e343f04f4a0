public import Foundation
public import TailorCore
public import TailorML
public import TailorStore

/// How recommendations are trained: ALS hyperparameters and the weight of each kind of interaction.
public struct RecommendationSettings: Sendable {
    /// ALS hyperparameters (factors, iterations, regularization, α, seed, threads).
    public var als: ImplicitALS
    /// Weight per interaction kind (`purchase`, `cart_add`, `view`); confidence is 1 + α·Σw per pair.
    public var weights: InteractionWeights

    public init(als: ImplicitALS? = nil, weights: InteractionWeights = .standard) {
        self.als = als ?? Self.defaultALS
        self.weights = weights
    }

    /// Defaults sized for a shop's catalog: 32 factors, 15 iterations, λ = 0.05, α = 5, seed 0.
    public static var defaultALS: ImplicitALS {
        var als = ImplicitALS()
        als.factors = 32
        als.iterations = 15
        als.regularization = 0.05
        als.alpha = 5
        return als
    }

    /// Parses `purchase=3,cart_add=2,view=1` (kinds not named weigh 0, that is, are ignored).
    /// - Throws: ``ModelError`` `.invalidArgument` naming the malformed part.
    public static func parseWeights(_ text: String) throws(ModelError) -> InteractionWeights {
        var weights: [String: Double] = [:]
        for part in text.split(separator: ",") {
            let pair = part.split(separator: "=", maxSplits: 1).map { $0.trimmingCharacters(in: .whitespaces) }
            guard pair.count == 2, let kind = Interaction.Kind(rawValue: pair[0]), let w = Double(pair[1]), w.isFinite, w >= 0 else {
                throw ModelError(.invalidArgument, "weights are kind=number pairs for purchase, cart_add and view, like purchase=3,cart_add=2,view=1")
            }
            weights[kind.rawValue] = w
        }
        guard !weights.isEmpty else { throw ModelError(.invalidArgument, "no weights given") }
        return InteractionWeights(weights)
    }
}

/// One recommended product, why it was chosen, and the catalog's record of it when there is one.
public struct Recommendation: Sendable, Hashable {
    /// Why a product is recommended.
    public enum Reason: String, Sendable, Hashable {
        /// The ALS model's prediction for this profile.
        case model
        /// Popular with everyone (the profile has no history the model knows).
        case popular
        /// Popular in the category the profile interacted with most.
        case popularInCategory = "popular_in_category"
    }

    public var productId: String
    /// The model's predicted preference, or the product's popularity (distinct profiles) for fallbacks.
    public var score: Double
    public var reason: Reason
    public var product: Product?
}

/// The result of ``RecommendationService/recommend(for:count:model:)``.
public struct RecommendationList: Sendable {
    public var profileId: ProfileID
    public var items: [Recommendation]
}

/// The result of ``RecommendationService/evaluate(settings:k:testFraction:now:)``.
public struct RecommendationEvaluation: Sendable {
    public var metrics: RankingMetrics
    /// Overall popularity.
    public var baseline: RankingMetrics
    /// Popularity within each profile's favourite category: what is served without ALS.
    public var categoryBaseline: RankingMetrics
    public var cutoff: Date
    public var trainInteractions: Int
    public var testInteractions: Int
    public var trainSeconds: Double
}

/// Recommendations on the store: trains implicit ALS from the event log, keeps the model in a file, and
/// recommends products for a profile, skipping what the profile bought and what is out of stock, with a
/// popularity (or popular-in-category) fallback for profiles the model does not know.
public struct RecommendationService: Sendable {
    public let interactionStore: any InteractionStore
    public let profiles: any ProfileStore
    public let products: any ProductStore
    /// Events read per page when loading interactions.
    public var pageSize = 5_000

    public init(interactions: any InteractionStore, profiles: any ProfileStore, products: any ProductStore) {
        self.interactionStore = interactions
        self.profiles = profiles
        self.products = products
    }

    /// The ports it uses, from a database's.
    public init(stores: Stores) {
        self.init(interactions: stores.interactions, profiles: stores.profiles, products: stores.products)
    }

    /// Every interaction of the event log up to `until`, in arrival order.
    public func interactions(until: Date) async throws -> [Interaction] {
        let store = interactionStore
        var out: [Interaction] = []
        var cursor: Int64? = nil
        repeat {
            let page = try await store.interactions(after: cursor, limit: pageSize)
            out += page.interactions.filter { $0.timestamp <= until }
            cursor = page.next
        } while cursor != nil
        return out
    }

    /// Trains a model on every interaction up to `now`.
    /// - Throws: ``ModelError`` `.notEnoughData` when there is no interaction of positive weight.
    public func train(settings: RecommendationSettings, now: Date) async throws -> RecommendationModel {
        let all = try await interactions(until: now)
        let set = try Self.interactionSet(all, weights: settings.weights)
        guard set.matrix.nonzeroCount > 0 else {
            throw ModelError(.notEnoughData, "no interactions of positive weight to train on (orders, cart adds or views with a product id)")
        }
        let als = try settings.als.fit(set.matrix)
        var model = als
        model.users = set.users
        model.items = set.items
        return RecommendationModel(als: model, popularity: PopularityRecommender(set.matrix).popularity, weights: settings.weights,
                                   trainedAt: now, interactions: set.matrix.nonzeroCount)
    }

    /// Evaluates the settings offline: trains on the interactions before a time cutoff (leaving the latest
    /// `testFraction` out), and ranks the held-out ones, against the popularity baseline (see docs/ML.md).
    public func evaluate(settings: RecommendationSettings, k: Int, testFraction: Double, now: Date) async throws -> RecommendationEvaluation {
        guard k >= 1 else { throw ModelError(.invalidArgument, "k must be at least 1") }
        guard testFraction > 0, testFraction < 1 else { throw ModelError(.invalidArgument, "the test fraction must lie strictly between 0 and 1") }
        let timed = try await interactions(until: now).compactMap { i -> TimedInteraction? in
            let w = settings.weights.weight(of: i.kind.rawValue)
            return w > 0 ? TimedInteraction(user: i.profileId.rawValue, item: i.productId, weight: w, time: i.timestamp.timeIntervalSince1970) : nil
        }
        guard timed.count >= 2 else { throw ModelError(.notEnoughData, "fewer than two interactions of positive weight to split") }
        let cutoff = TimeSplit.cutoff(timed, testFraction: testFraction)
        let (trainPart, testPart) = TimeSplit.split(timed, at: cutoff)
        let train = try InteractionSet(trainPart)
        let test = try InteractionSet(testPart, users: train.users, items: train.items)
        guard train.matrix.nonzeroCount > 0 else { throw ModelError(.notEnoughData, "nothing to train on before the cutoff") }
        let start = DispatchTime.now().uptimeNanoseconds
        let model = try settings.als.fit(train.matrix)
        let seconds = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
        let catalog = Dictionary(try await products.products().map { ($0.id, $0) }, uniquingKeysWith: { a, _ in a })
        return RecommendationEvaluation(
            metrics: HeldOutEvaluation.evaluate(model, train: train, test: test, k: k, threads: settings.als.threads),
            baseline: HeldOutEvaluation.evaluatePopularity(train: train, test: test, k: k),
            categoryBaseline: HeldOutEvaluation.evaluatePopularityInCategory(train: train, test: test, k: k,
                                                                             categories: Self.categoryCodes(train.items.ids, catalog: catalog)),
            cutoff: Date(timeIntervalSince1970: cutoff), trainInteractions: trainPart.count, testInteractions: testPart.count,
            trainSeconds: seconds)
    }

    /// What `recommend train` decided: the model (serving the better ranking) and, when the history allowed a
    /// time split, the evaluation it decided on.
    public struct Training: Sendable {
        public var model: RecommendationModel
        public var evaluation: RecommendationEvaluation?
    }

    /// Trains on every interaction up to `now` and serves the better of ALS and popularity in the favourite
    /// category, as judged by NDCG@`k` on a time split (`testFraction` latest interactions held out; ALS on a
    /// tie). With too little history to split, ALS is served. `strategy` forces one.
    public func trainServingTheBetter(settings: RecommendationSettings, now: Date, k: Int = 10, testFraction: Double = 0.2,
                                      strategy: RecommendationModel.Strategy? = nil) async throws -> Training {
        var evaluation: RecommendationEvaluation?
        if strategy == nil {
            do {
                evaluation = try await evaluate(settings: settings, k: k, testFraction: testFraction, now: now)
            } catch let e as ModelError where e.kind == .notEnoughData {
                evaluation = nil
            }
        }
        var model = try await train(settings: settings, now: now)
        if let strategy {
            model.strategy = strategy
        } else if let evaluation, evaluation.metrics.users > 0, evaluation.categoryBaseline.ndcg > evaluation.metrics.ndcg {
            model.strategy = .popularInCategory
        }
        return Training(model: model, evaluation: evaluation)
    }

    /// The category code of each product id (-1 without one), in the given order.
    static func categoryCodes(_ ids: [String], catalog: [String: Product]) -> [Int] {
        var codes: [String: Int] = [:]
        return ids.map { id in
            guard let c = catalog[id]?.category else { return -1 }
            if codes[c] == nil { codes[c] = codes.count }
            return codes[c]!
        }
    }

    /// Up to `count` products for a profile (any reference the admin API accepts).
    ///
    /// Products the profile bought (at any time, also after training) and products the catalog marks out
    /// of stock are never recommended. When the model serves ALS, a profile it knows gets the model's
    /// ranking; every other profile (and everyone, when the model serves popularity in category) gets the most
    /// popular products of the category it interacted with most, else the most popular products; short lists
    /// are filled with popular products.
    /// - Throws: ``ModelError`` `.profileNotFound` when the reference leads to no profile.
    /// A profile refused by `personalization` (when given) gets the most popular products, its history unread.
    public func recommend(for reference: ProfileReference, count: Int, model: RecommendationModel,
                          personalization: PersonalizationConsent? = nil) async throws -> RecommendationList {
        guard let view = try await profiles.profile(reference) else {
            throw ModelError(.profileNotFound, "no such profile")
        }
        let personalized = try await personalization?.allows(view.id) ?? true
        let history = personalized ? try await interactionStore.interactions(of: view.id) : []
        let catalog = Dictionary(try await products.products().map { ($0.id, $0) }, uniquingKeysWith: { a, _ in a })
        let items = Self.rank(profile: view.id, history: history, catalog: catalog, count: count, model: model, personalized: personalized)
        return RecommendationList(profileId: view.id, items: items)
    }

    /// The products most similar to one product (cosine of the model's item factors), in stock only.
    public func similar(to productId: String, count: Int, model: RecommendationModel) async throws -> [Recommendation] {
        guard let index = model.als.items.index(of: productId), Int(index) < model.als.itemCount else { return [] }
        let catalog = Dictionary(try await products.products().map { ($0.id, $0) }, uniquingKeysWith: { a, _ in a })
        let ids = model.als.items.ids
        return model.als.similarItems(to: Int(index), count: count) { catalog[ids[$0]]?.inStock == false }.map {
            Recommendation(productId: ids[$0.item], score: Double($0.score), reason: .model, product: catalog[ids[$0.item]])
        }
    }

    // MARK: - Ranking

    /// The ranking rules of ``recommend(for:count:model:)``, on data already read.
    /// - Parameter personalized: false for a person without `personalization` consent: popular products only.
    static func rank(profile: ProfileID, history: [Interaction], catalog: [String: Product], count: Int, model: RecommendationModel,
                     personalized: Bool = true) -> [Recommendation]
    {
        guard count > 0 else { return [] }
        let ids = model.als.items.ids
        let bought = Set(history.filter { $0.kind == .purchase }.map(\.productId))
        // Products unknown to the catalog stay eligible: a shop may send events before its catalog.
        let rejected = ids.map { bought.contains($0) || catalog[$0]?.inStock == false }
        var taken = Set<Int>()
        var out: [Recommendation] = []
        func add(_ items: [ScoredItem], _ reason: Recommendation.Reason) {
            for s in items where out.count < count && taken.insert(s.item).inserted {
                out.append(Recommendation(productId: ids[s.item], score: Double(s.score), reason: reason, product: catalog[ids[s.item]]))
            }
        }
        if !personalized {
            // Popular products only (filled below).
        } else if model.strategy == .als, let user = model.als.users.index(of: profile.rawValue), Int(user) < model.als.userCount {
            add(model.als.recommend(user: Int(user), count: count, rejecting: { rejected[$0] }), .model)
        } else if let category = Self.favouriteCategory(history, catalog: catalog) {
            var codes: [String: Int] = [:]
            var categories: [Int] = []
            for id in ids {
                guard let c = catalog[id]?.category else { categories.append(-1); continue }
                if codes[c] == nil { codes[c] = codes.count }
                categories.append(codes[c]!)
            }
            let byCategory = PopularityRecommender(popularity: model.popularity, categories: categories)
            if let code = codes[category] {
                add(byCategory.recommend(count: count, category: code, rejecting: { rejected[$0] }), .popularInCategory)
            }
        }
        if out.count < count {
            let popular = PopularityRecommender(popularity: model.popularity)
            let already = taken
            add(popular.recommend(count: count - out.count, rejecting: { rejected[$0] || already.contains($0) }), .popular)
        }
        return out
    }

    /// The category of the products a profile interacted with most (ties: the first by name).
    static func favouriteCategory(_ history: [Interaction], catalog: [String: Product]) -> String? {
        var counts: [String: Int] = [:]
        for i in history { if let c = catalog[i.productId]?.category { counts[c, default: 0] += 1 } }
        return counts.max { $0.value < $1.value || ($0.value == $1.value && $0.key > $1.key) }?.key
    }

    static func interactionSet(_ interactions: [Interaction], weights: InteractionWeights) throws -> InteractionSet {
        try InteractionSet(events: interactions.map { (user: $0.profileId.rawValue, item: $0.productId, kind: $0.kind.rawValue) }, weights: weights)
    }
}
