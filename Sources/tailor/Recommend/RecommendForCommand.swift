import ArgumentParser
import Foundation
import TailorCore
import TailorEngine

/// `tailor recommend for PROFILE`: a profile's recommendations from the saved model, as JSON.
struct RecommendForCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "for",
        abstract: "Print a profile's recommended products as JSON (reason: model, popular or popular_in_category).",
        discussion: "PROFILE is a profile id (p_…), user:<userId>, email:<address>, anonymous:<id>, or a bare user id or email address.")

    @Argument(help: "The profile.") var profile: String
    @Option(help: "Number of products.") var count: Int = 10
    @OptionGroup var global: GlobalOptions

    func validate() throws {
        guard (1...1000).contains(count) else { throw ValidationError("--count must be in 1...1000") }
    }

    /// A reference as the admin API takes it, or a bare user id or email address.
    static func reference(_ text: String) -> ProfileReference {
        if let r = ProfileReference(text) { return r }
        return text.contains("@") ? .identity(Identity(.email, text)) : .identity(Identity(.user, text))
    }

    func run() async throws {
        let settings = try global.settings()
        let model = try RecommendationModel.load(from: settings.recommendationModelPath)
        let runtime = try await Runtime.open(settings)
        let list: RecommendationList
        do {
            list = try await RecommendationService(stores: runtime.stores).recommend(
                for: Self.reference(profile), count: count, model: model,
                personalization: PersonalizationConsent(store: runtime.stores.consent, policy: runtime.settings.personalizationConsent, clock: runtime.clock))
        } catch let error as ModelError where error.kind == .profileNotFound {
            await runtime.close()
            Console.note("Error: no profile matches that reference")
            throw ExitCode(1)
        } catch {
            await runtime.close()
            throw error
        }
        await runtime.close()
        try MLOutput.print([
            "profile_id": list.profileId.rawValue,
            "model_trained_at": ISO8601.format(model.trainedAt),
            "recommendations": list.items.map { r -> [String: Any] in
                var o: [String: Any] = ["product_id": r.productId, "score": r.score, "reason": r.reason.rawValue]
                if let p = r.product {
                    o["name"] = p.name
                    if let c = p.category { o["category"] = c }
                    if let price = p.price { o["price"] = price }
                    o["in_stock"] = p.inStock
                }
                return o
            },
        ])
    }
}
