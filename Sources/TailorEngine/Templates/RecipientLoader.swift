public import Foundation
public import TailorCore
public import TailorStore

/// Reads what an email needs of each recipient (``EmailRecipient``): the profile, its segments, computed
/// traits, RFM score and recommendations. Built once per send, it holds the catalog and the recommender.
///
/// Recommendations come from the trained model (the file `tailor recommend train` writes), ranked as the
/// recommendations API ranks them; with no model they are the most popular products, never an error.
/// Either way a product the recipient bought, has in the cart, or the catalog marks out of stock is left out.
public struct RecipientLoader: Sendable {
    public let profiles: any ProfileStore
    public let segments: any SegmentStore
    public let computedTraits: any ComputedTraitStore
    public let interactions: any InteractionStore
    public let catalog: [String: Product]
    let model: RecommendationModel?
    /// Product ids, most popular first (distinct profiles that bought, carted or viewed them), then the rest
    /// of the catalog: the recommendations when there is no model.
    let popular: [String]
    /// The segments that read behaviour: left out of `segments` for an unpersonalized recipient.
    var behavioural: Set<String> = []

    /// - Parameters:
    ///   - modelPath: the recommendation model's file; nil or a missing file: popular products.
    ///   - needsRecommendations: false when the template reads none (the popularity list is not computed).
    public static func make(stores: Stores, modelPath: String?, needsRecommendations: Bool) async throws -> RecipientLoader {
        let catalog = Dictionary(try await stores.products.products().map { ($0.id, $0) }, uniquingKeysWith: { a, _ in a })
        var model: RecommendationModel?
        if needsRecommendations, let modelPath { model = try? RecommendationModel.load(from: modelPath) }
        var popular: [String] = []
        if needsRecommendations, model == nil {
            var profilesPerProduct: [String: Set<String>] = [:]
            var cursor: Int64?
            repeat {
                let page = try await stores.interactions.interactions(after: cursor, limit: 20_000)
                for i in page.interactions { profilesPerProduct[i.productId, default: []].insert(i.profileId.rawValue) }
                cursor = page.next
            } while cursor != nil
            let counted: [(id: String, profiles: Int)] = profilesPerProduct.map { (id: $0.key, profiles: $0.value.count) }
            popular = counted.sorted { a, b in a.profiles != b.profiles ? a.profiles > b.profiles : a.id < b.id }.map(\.id)
            // Products nobody has touched yet come last, so a young shop still fills the list.
            let ranked = Set(popular)
            popular += catalog.keys.filter { !ranked.contains($0) }.sorted()
        }
        let behavioural = (try? SegmentCatalog(try await stores.segments.segments()))?.behavioural ?? []
        return RecipientLoader(profiles: stores.profiles, segments: stores.segments, computedTraits: stores.computedTraits,
                               interactions: stores.interactions, catalog: catalog, model: model, popular: popular, behavioural: behavioural)
    }

    /// Whether recommendations come from a trained model (else from popularity).
    public var usesModel: Bool { model != nil }

    /// The recipient, or nil when the profile is gone (erased, merged away).
    /// - Parameter personalized: false for a person without `personalization` consent: no computed (model) traits,
    ///   no RFM score, no behaviour-based segments in `segments`, and popular products instead of recommendations.
    public func load(_ id: ProfileID, recommendations count: Int, personalized: Bool = true) async throws -> EmailRecipient? {
        guard let profile = try await profiles.aggregate(id) else { return nil }
        var recipient = EmailRecipient(profile: profile, segments: try await segments.memberships(of: id).filter { personalized || !behavioural.contains($0) })
        if personalized {
            recipient.computed = try await computedTraits.computedTraits(of: id)
            recipient.rfm = try await segments.rfmScore(of: id)
        }
        if count > 0 {
            // What is in the cart already has the cart block: recommend something else.
            let inCart = personalized ? Set(profile.state.cart.keys) : []
            recipient.recommendations = Array(try await recommend(id, count: count + inCart.count, personalized: personalized)
                .filter { !inCart.contains($0.productId) }.prefix(count))
        }
        return recipient
    }

    func recommend(_ id: ProfileID, count: Int, personalized: Bool = true) async throws -> [Recommendation] {
        // Unpersonalized: their history is not read, so popular products are all they get.
        let history = personalized ? try await interactions.interactions(of: id) : []
        if let model {
            return RecommendationService.rank(profile: id, history: history, catalog: catalog, count: count, model: model, personalized: personalized)
        }
        let bought = Set(history.filter { $0.kind == .purchase }.map(\.productId))
        var out: [Recommendation] = []
        for (rank, productId) in popular.enumerated() where out.count < count {
            guard !bought.contains(productId), catalog[productId]?.inStock != false else { continue }
            out.append(Recommendation(productId: productId, score: Double(popular.count - rank), reason: .popular, product: catalog[productId]))
        }
        return out
    }
}
