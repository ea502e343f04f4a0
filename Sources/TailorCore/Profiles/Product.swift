public import Foundation

/// A product in the shop's catalog (imports, recommendations, templates).
public struct Product: Sendable, Hashable, Codable {
    public var id: String
    public var name: String
    public var category: String?
    public var price: Double?
    public var inStock: Bool
    public var url: String?
    public var imageUrl: String?
    public var attributes: JSONObject

    public init(id: String, name: String, category: String? = nil, price: Double? = nil, inStock: Bool = true,
                url: String? = nil, imageUrl: String? = nil, attributes: JSONObject = [:]) {
        self.id = id
        self.name = name
        self.category = category
        self.price = price
        self.inStock = inStock
        self.url = url
        self.imageUrl = imageUrl
        self.attributes = attributes
    }
}
