import ArgumentParser
import Foundation
import TailorCore
import TailorEngine

/// `tailor recommend similar PRODUCT`: the products nearest to one product in the saved model, as JSON.
struct RecommendSimilarCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "similar",
        abstract: "Print the products most similar to a product (cosine of the model's product factors, in stock only) as JSON.")

    @Argument(help: "The product id.") var product: String
    @Option(help: "Number of products.") var count: Int = 10
    @OptionGroup var global: GlobalOptions

    func validate() throws {
        guard (1...1000).contains(count) else { throw ValidationError("--count must be in 1...1000") }
    }

    func run() async throws {
        let settings = try global.settings()
        let model = try RecommendationModel.load(from: settings.recommendationModelPath)
        guard model.als.items.index(of: product) != nil else {
            Console.note("Error: the model has no product with that id (it knows products with interactions at training time)")
            throw ExitCode(1)
        }
        let runtime = try await Runtime.open(settings)
        let similar: [Recommendation]
        do {
            similar = try await RecommendationService(stores: runtime.stores).similar(to: product, count: count, model: model)
        } catch {
            await runtime.close()
            throw error
        }
        await runtime.close()
        try MLOutput.print([
            "product_id": product,
            "similar": similar.map { r -> [String: Any] in
                var o: [String: Any] = ["product_id": r.productId, "similarity": r.score]
                if let p = r.product {
                    o["name"] = p.name
                    if let c = p.category { o["category"] = c }
                }
                return o
            },
        ])
    }
}
