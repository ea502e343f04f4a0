public import Foundation
public import TailorCore
public import TailorML
public import TailorStore

/// The names of the computed traits the models write: the condition language's `computed.*` names
/// (``ComputedField``), which the email render context uses too.
public enum ComputedTraitName {
    public static let cluster = ComputedField.cluster.rawValue
    public static let clusterLabel = ComputedField.clusterLabel.rawValue
    public static let predictedCLV = ComputedField.predictedCLV.rawValue
    public static let probabilityAlive = ComputedField.probabilityAlive.rawValue
    public static let expectedPurchases90d = ComputedField.expectedPurchases90d.rawValue
    public static let engagementScore = ComputedField.engagementScore.rawValue
}

/// How clusters are found.
public struct ClusterSettings: Sendable {
    /// A fixed number of clusters; nil chooses k in `candidates` by silhouette.
    public var k: Int?
    public var candidates: ClosedRange<Int> = 2...6
    public var restarts = 10
    public var seed: UInt64 = 0

    public init(k: Int? = nil) { self.k = k }
}

/// How predicted value is computed.
public struct LifetimeSettings: Sendable {
    /// The CLV horizon in days.
    public var horizonDays: Double = 365
    /// Discount per 30-day period (0.01 = 1 % a month).
    public var monthlyDiscountRate: Double = 0.01

    public init(horizonDays: Double = 365) { self.horizonDays = horizonDays }
}

/// How the engagement score counts events: points per event name, halved every `halfLifeDays`.
public struct EngagementSettings: Sendable {
    public var points: [String: Double]
    public var halfLifeDays: Double

    public init(points: [String: Double] = Self.standardPoints, halfLifeDays: Double = 30) {
        self.points = points
        self.halfLifeDays = halfLifeDays
    }

    /// An order 10, a checkout 5, a cart add or an email click 3, a product view, a search or an email open 1.
    public static let standardPoints: [String: Double] = [
        TailorEvent.orderCompleted: 10, "Checkout Started": 5, TailorEvent.productAdded: 3, TailorEvent.emailClicked: 3,
        TailorEvent.productViewed: 1, "Products Searched": 1, TailorEvent.emailOpened: 1,
    ]
}

/// One cluster as found and described.
public struct ClusterSummary: Sendable {
    public var id: Int
    public var size: Int
    /// The centre in words ("high frequency, recent, high spend").
    public var label: String
    /// The centre in original units: days since the last order, orders, total spend.
    public var recencyDays: Double, orders: Double, spend: Double
}

/// The result of ``ComputedTraitService/computeClusters(settings:now:)``.
public struct ClusterReport: Sendable {
    public var k: Int
    public var silhouette: Double
    public var inertia: Double
    public var clusters: [ClusterSummary]
    public var profiles: Int
    /// Silhouette per k tried (empty when k was given).
    public var candidates: [(k: Int, silhouette: Double)]
    /// What re-evaluating the segments that read `computed.cluster` or `computed.cluster_label` changed.
    public var refresh = SegmentRefresh()
}

/// The result of ``ComputedTraitService/computeLifetimeValue(settings:now:)``.
public struct LifetimeReport: Sendable {
    public var transactions: BetaGeometricNBD
    /// Nil when too few customers bought twice to fit it; then CLV is not written.
    public var value: GammaGamma?
    public var customers: Int
    public var repeatCustomers: Int
    /// CLV of every customer, sorted (for quantiles); empty without ``value``.
    public var clv: [Double]
    public var probabilityAlive: [Double]
    public var horizonDays: Double
    /// What re-evaluating the segments that read the traits written changed.
    public var refresh = SegmentRefresh()

    /// The q-quantile (0...1) of sorted values, by the nearest rank below.
    public static func quantile(_ sorted: [Double], _ q: Double) -> Double? {
        guard !sorted.isEmpty else { return nil }
        return sorted[min(sorted.count - 1, max(0, Int((Double(sorted.count - 1) * q).rounded())))]
    }
}

/// The result of ``ComputedTraitService/computeEngagement(settings:now:)``.
public struct EngagementReport: Sendable {
    public var profiles: Int
    /// Scores, sorted.
    public var scores: [Double]
    /// What re-evaluating the segments that read `computed.engagement_score` changed.
    public var refresh = SegmentRefresh()
}

/// Computes the traits the models give every profile with orders (clusters, predicted value) or with
/// activity (engagement score), from the store, and writes them to its `computed_traits`; then re-evaluates
/// the segments that read the traits written (`computed.*`), as the RFM refresh does for `rfm.*`.
public struct ComputedTraitService: Sendable {
    public let interactions: any InteractionStore
    public let computedTraits: any ComputedTraitStore
    /// Re-evaluates the segments that read what was written; nil leaves memberships as they are (they then
    /// follow the new values only at the next re-evaluation).
    public let segments: SegmentService?
    /// Rows written per call to the store.
    public var writeBatch = 5_000

    public init(interactions: any InteractionStore, computedTraits: any ComputedTraitStore, segments: SegmentService?) {
        self.interactions = interactions
        self.computedTraits = computedTraits
        self.segments = segments
    }

    /// The ports it uses, from a database's, and the segment workflows on the same database with `clock`
    /// (the time memberships change at).
    public init(stores: Stores, clock: any WallClock) {
        self.init(interactions: stores.interactions, computedTraits: stores.computedTraits, segments: SegmentService(stores: stores, clock: clock))
    }

    static let day = 86_400.0

    /// Every profile's order summary up to `now`, in profile id order.
    public func orderSummaries(now: Date) async throws -> [OrderSummary] {
        let store = interactions
        var out: [OrderSummary] = []
        var after: ProfileID? = nil
        while true {
            let page = try await store.orderSummaries(until: now, after: after, limit: 5_000)
            out += page
            guard page.count == 5_000, let last = page.last else { break }
            after = last.profileId
        }
        return out
    }

    // MARK: - Clusters

    /// K-means on standardized RFM features of every profile with orders: days since the last order,
    /// log(1 + orders) and log(1 + spend) (the logs keep a few big spenders from forming clusters of their
    /// own). Clusters are numbered by decreasing mean spend and described in words by their centres.
    /// Writes `cluster` (the number) and `cluster_label` (the words).
    public func computeClusters(settings: ClusterSettings, now: Date) async throws -> ClusterReport {
        let summaries = try await orderSummaries(now: now)
        let nowDay = Double(now.millisecondsSince1970 / OrderSummary.dayMilliseconds)
        var features: [Double] = []
        features.reserveCapacity(summaries.count * 3)
        for s in summaries { features += [nowDay - Double(s.lastDay), log1p(Double(s.orders)), log1p(max(0, s.totalValue))] }
        let minimum = settings.k ?? settings.candidates.lowerBound
        guard summaries.count > max(2, minimum) else {
            throw ModelError(.notEnoughData, "clusters need more profiles with orders than clusters (\(summaries.count) with orders)")
        }
        var kmeans = KMeans(k: settings.k ?? 2)
        kmeans.restarts = max(1, settings.restarts)
        kmeans.seed = settings.seed
        let model: KMeansModel
        let silhouette: Double
        var candidates: [(k: Int, silhouette: Double)] = []
        if let k = settings.k {
            guard k >= 2 else { throw ModelError(.invalidArgument, "k must be at least 2") }
            model = try kmeans.fit(features, dimension: 3)
            let space = model.standardizer?.transform(features) ?? features
            silhouette = Silhouette.score(space, dimension: 3, labels: model.labels, seed: settings.seed)
        } else {
            let upper = min(settings.candidates.upperBound, summaries.count - 1)
            let lower = settings.candidates.lowerBound
            let tried = try kmeans.chooseK(features, dimension: 3, candidates: lower...max(lower, upper))
            candidates = tried.map { ($0.k, $0.silhouette) }.sorted { $0.k < $1.k }
            model = tried[0].model
            silhouette = tried[0].silhouette
        }
        let describer = ClusterDescriber(features: [
            .init(name: "recency", high: "lapsed", low: "recent"),
            .init(name: "frequency", high: "high frequency", low: "low frequency"),
            .init(name: "spend", high: "high spend", low: "low spend"),
        ])
        let words = describer.describe(model, data: features)
        let centres = model.centresInOriginalUnits
        let sizes = model.clusterSizes
        // Number clusters by decreasing spend, so that cluster 0 is always the most valuable.
        let spend: [Double] = (0..<model.k).map { centres[$0 * 3 + 2] }
        let order: [Int] = (0..<model.k).sorted { (a: Int, b: Int) -> Bool in spend[a] > spend[b] || (spend[a] == spend[b] && a < b) }
        var number = [Int](repeating: 0, count: model.k)
        for (rank, c) in order.enumerated() { number[c] = rank }
        let clusters: [ClusterSummary] = order.map { (c: Int) -> ClusterSummary in
            ClusterSummary(id: number[c], size: sizes[c], label: words[c], recencyDays: centres[c * 3], orders: expm1(centres[c * 3 + 1]),
                           spend: expm1(spend[c]))
        }
        var traits: [ComputedTrait] = []
        traits.reserveCapacity(summaries.count * 2)
        for (i, s) in summaries.enumerated() {
            let c = Int(model.labels[i])
            traits.append(ComputedTrait(profileId: s.profileId, name: ComputedTraitName.cluster, number: Double(number[c])))
            traits.append(ComputedTrait(profileId: s.profileId, name: ComputedTraitName.clusterLabel, text: words[c]))
        }
        let refresh = try await write(traits, at: now)
        return ClusterReport(k: model.k, silhouette: silhouette, inertia: model.inertia, clusters: clusters, profiles: summaries.count,
                             candidates: candidates, refresh: refresh)
    }

    // MARK: - Predicted value

    /// BG/NBD on every profile with orders (time in days, repeat purchases counted on distinct days), and
    /// Gamma-Gamma on the mean value of repeat days. Writes `probability_alive`, `expected_purchases_90d`
    /// and, when Gamma-Gamma could be fitted, `predicted_clv` over the horizon (30-day periods, discounted).
    public func computeLifetimeValue(settings: LifetimeSettings, now: Date) async throws -> LifetimeReport {
        guard settings.horizonDays > 0 else { throw ModelError(.invalidArgument, "the horizon must be positive") }
        let summaries = try await orderSummaries(now: now)
        // T runs from the start of the first order's day to now, in fractional days, so that a customer
        // whose first order is today has T > 0 (the likelihood needs it); recency counts whole days.
        let customers = summaries.map { s in
            CustomerSummary(frequency: s.frequency, recency: s.recency, age: max(s.age(at: now), 1.0 / 24))
        }
        guard customers.count >= 4 else {
            throw ModelError(.notEnoughData, "predicted value needs at least 4 profiles with orders (\(customers.count))")
        }
        let bgnbd = try BetaGeometricNBD.fit(customers)
        let repeatIndices = customers.indices.filter { customers[$0].frequency > 0 && summaries[$0].monetary > 0 }
        var gamma: GammaGamma? = nil
        if repeatIndices.count >= 4 {
            gamma = try? GammaGamma.fit(frequency: repeatIndices.map { customers[$0].frequency },
                                        monetary: repeatIndices.map { summaries[$0].monetary })
        }
        let periods = max(1, Int((settings.horizonDays / 30).rounded(.up)))
        let periodLength = settings.horizonDays / Double(periods)
        var traits: [ComputedTrait] = []
        var clv: [Double] = []
        var alive: [Double] = []
        for (i, c) in customers.enumerated() {
            let id = summaries[i].profileId
            let p = bgnbd.probabilityAlive(c)
            alive.append(p)
            traits.append(ComputedTrait(profileId: id, name: ComputedTraitName.probabilityAlive, number: p))
            traits.append(ComputedTrait(profileId: id, name: ComputedTraitName.expectedPurchases90d,
                                        number: bgnbd.conditionalExpectedPurchases(within: 90, for: c)))
            if let gamma {
                let value = gamma.customerLifetimeValue(transactions: bgnbd, customer: c, monetary: summaries[i].monetary, periods: periods,
                                                        periodLength: periodLength, discountRate: settings.monthlyDiscountRate)
                clv.append(value)
                traits.append(ComputedTrait(profileId: id, name: ComputedTraitName.predictedCLV, number: value))
            }
        }
        let refresh = try await write(traits, at: now)
        return LifetimeReport(transactions: bgnbd, value: gamma, customers: customers.count, repeatCustomers: repeatIndices.count,
                              clv: clv.sorted(), probabilityAlive: alive.sorted(), horizonDays: settings.horizonDays, refresh: refresh)
    }

    // MARK: - Engagement

    /// The decayed behavioural score of every profile with a scored event up to `now`:
    /// Σ points(event) · 2^(−age in days / half-life). Writes `engagement_score`.
    public func computeEngagement(settings: EngagementSettings, now: Date) async throws -> EngagementReport {
        guard settings.halfLifeDays > 0 else { throw ModelError(.invalidArgument, "the half-life must be positive") }
        let store = interactions
        let rule = BehaviouralScoring(points: settings.points, halfLife: settings.halfLifeDays)
        var scores: [ProfileID: DecayedScore] = [:]
        var cursor: Int64? = nil
        repeat {
            let page = try await store.eventTimes(named: Set(settings.points.keys), after: cursor, limit: 10_000)
            for e in page.events where e.timestamp <= now {
                scores[e.profileId, default: DecayedScore()].record(type: e.name, at: e.timestamp.timeIntervalSince1970 / Self.day, rule: rule)
            }
            cursor = page.next
        } while cursor != nil
        let nowDays = now.timeIntervalSince1970 / Self.day
        let values = scores.map { ($0.key, $0.value.value(at: nowDays, rule: rule)) }.sorted { $0.0.rawValue < $1.0.rawValue }
        let refresh = try await write(values.map { ComputedTrait(profileId: $0.0, name: ComputedTraitName.engagementScore, number: $0.1) }, at: now)
        return EngagementReport(profiles: values.count, scores: values.map(\.1).sorted(), refresh: refresh)
    }

    /// Writes the traits, then re-evaluates the segments that read the names written.
    func write(_ traits: [ComputedTrait], at now: Date) async throws -> SegmentRefresh {
        let store = computedTraits
        for start in stride(from: 0, to: traits.count, by: max(1, writeBatch)) {
            try await store.writeComputedTraits(Array(traits[start..<min(start + max(1, writeBatch), traits.count)]), at: now)
        }
        guard let segments else { return SegmentRefresh() }
        return try await segments.refreshComputedReaders(of: Set(traits.compactMap { ComputedField(rawValue: $0.name) }))
    }
}
