public import TailorCore

/// The product catalog.
public protocol ProductStore: Sendable {
    func upsertProducts(_ products: [Product]) async throws
    func products() async throws -> [Product]
    func product(id: String) async throws -> Product?
}
