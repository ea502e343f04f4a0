import Foundation
import PostgresNIO
public import TailorCore
import TailorStore

// MARK: - ProductStore

extension PostgresDatabase {
    public func upsertProducts(_ products: [Product]) async throws {
        // One statement cannot update a row twice: the last of repeated ids wins, as with one upsert each.
        var latest: [String: Int] = [:]
        for (i, p) in products.enumerated() { latest[PostgresText.clean(p.id)] = i }
        let unique = latest.values.sorted().map { products[$0] }
        guard !unique.isEmpty else { return }
        let ids = unique.map { PostgresText.clean($0.id) }
        let names = unique.map { PostgresText.clean($0.name) }
        let categories = PostgresArray<String>(unique.map { PostgresText.clean($0.category) })
        let prices = PostgresArray<Double>(unique.map(\.price))
        let inStock = unique.map(\.inStock)
        let urls = PostgresArray<String>(unique.map { PostgresText.clean($0.url) })
        let images = PostgresArray<String>(unique.map { PostgresText.clean($0.imageUrl) })
        let attributes = unique.map { PostgresText.json(JSONWriter.string($0.attributes)) }
        let now = Date().millisecondsSince1970
        try await withContext("saving products") {
            try await self.retrying {
                _ = try await self.client.query("""
                    INSERT INTO products (id, name, category, price, in_stock, url, image_url, attributes, updated_at)
                    SELECT id, name, category, price, in_stock, url, image_url, attributes::jsonb, \(now)
                    FROM UNNEST(\(ids)::text[], \(names)::text[], \(categories)::text[], \(prices)::float8[], \(inStock)::bool[],
                                \(urls)::text[], \(images)::text[], \(attributes)::text[])
                      AS r(id, name, category, price, in_stock, url, image_url, attributes)
                    ON CONFLICT (id) DO UPDATE SET name = excluded.name, category = excluded.category, price = excluded.price,
                      in_stock = excluded.in_stock, url = excluded.url, image_url = excluded.image_url, attributes = excluded.attributes,
                      updated_at = excluded.updated_at
                    """, logger: self.logger)
            }
        }
    }

    public func products() async throws -> [Product] {
        try await withContext("reading products") {
            try await self.client.withConnection { conn in
                try await self.rows("SELECT \(unescaped: Self.productColumns) FROM products ORDER BY id", on: conn).map(Self.product)
            }
        }
    }

    public func product(id: String) async throws -> Product? {
        try await withContext("reading a product") {
            try await self.client.withConnection { conn in
                try await self.rows("SELECT \(unescaped: Self.productColumns) FROM products WHERE id = \(PostgresText.clean(id))", on: conn)
                    .first.map(Self.product)
            }
        }
    }

    static let productColumns = "id, name, category, price, in_stock, url, image_url, attributes::text"

    static func product(_ r: PostgresRandomAccessRow) throws -> Product {
        Product(id: try r[0].decode(String.self), name: try r[1].decode(String.self), category: try r[2].decode(String?.self),
                price: try r[3].decode(Double?.self), inStock: try r[4].decode(Bool.self), url: try r[5].decode(String?.self),
                imageUrl: try r[6].decode(String?.self), attributes: try ProfileRow.object(try r[7].decode(String.self)))
    }
}
