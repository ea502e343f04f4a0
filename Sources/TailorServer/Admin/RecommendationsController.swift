import Foundation
import Hummingbird
import TailorCore
import TailorEngine
import TailorStore

/// `GET /v1/profiles/{id}/recommendations?count=10` (admin key): products for a profile with their score
/// and why (`model`, `popular`, `popular_in_category`). 404 for an unknown profile, 409 while no model is
/// trained. A profile without `personalization` consent gets the most popular products.
struct RecommendationsController: Sendable {
    let service: RecommendationService
    let models: RecommendationModelCache
    var personalization: PersonalizationConsent? = nil

    func addRoutes(to router: some RouterMethods<TailorRequestContext>) {
        router.get("/v1/profiles/:id/recommendations") { request, context in
            let reference = try ProfilesController.reference(context)
            let count = try ProfilesController.intParameter(request, "count", default: 10, range: 1...100)
            do {
                let model = try await models.model()
                let list = try await service.recommend(for: reference, count: count, model: model, personalization: personalization)
                return JSONResponse.make(.object(Self.json(list, model: model)))
            } catch let error as ModelError {
                throw Self.apiError(error)
            }
        }
    }

    static func json(_ list: RecommendationList, model: RecommendationModel) -> JSONObject {
        let items: [JSONValue] = list.items.map { r in
            var o: JSONObject = ["product_id": .string(r.productId), "score": .number(r.score), "reason": .string(r.reason.rawValue)]
            if let p = r.product {
                o["name"] = .string(p.name)
                if let c = p.category { o["category"] = .string(c) }
                if let price = p.price { o["price"] = .number(price) }
                if let url = p.url { o["url"] = .string(url) }
                if let image = p.imageUrl { o["image_url"] = .string(image) }
            }
            return .object(o)
        }
        return ["profile_id": .string(list.profileId.rawValue), "model_trained_at": .string(ISO8601.format(model.trainedAt)),
                "recommendations": .array(items)]
    }

    static func apiError(_ error: ModelError) -> APIError {
        switch error.kind {
        case .profileNotFound: return .notFound
        case .noModel:
            return APIError(.conflict, code: "no_model", message: "no recommendation model is trained yet: run `tailor recommend train`")
        default:
            return APIError(.internalServerError, code: "model_error", message: error.message)
        }
    }
}
