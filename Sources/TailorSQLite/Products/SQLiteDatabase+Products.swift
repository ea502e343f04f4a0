import Foundation
import GRDB
public import TailorCore
import TailorStore

// MARK: - ProductStore

extension SQLiteDatabase {
    public func upsertProducts(_ products: [Product]) async throws {
        try await durableWrite { db in
            let statement = try db.cachedStatement(sql: """
                INSERT INTO products (id, name, category, price, in_stock, url, image_url, attributes, updated_at)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
                ON CONFLICT (id) DO UPDATE SET name = excluded.name, category = excluded.category, price = excluded.price,
                  in_stock = excluded.in_stock, url = excluded.url, image_url = excluded.image_url, attributes = excluded.attributes,
                  updated_at = excluded.updated_at
                """)
            let now = Date().millisecondsSince1970
            for p in products {
                try statement.execute(arguments: [p.id, p.name, p.category, p.price, p.inStock, p.url, p.imageUrl,
                                                  JSONWriter.string(p.attributes), now])
            }
        }
    }

    public func products() async throws -> [Product] {
        try await pool.read { db in
            try Row.fetchAll(db, sql: "SELECT id, name, category, price, in_stock, url, image_url, attributes FROM products ORDER BY id")
                .map(Self.product)
        }
    }

    public func product(id: String) async throws -> Product? {
        try await pool.read { db in
            try Row.fetchOne(db, sql: "SELECT id, name, category, price, in_stock, url, image_url, attributes FROM products WHERE id = ?",
                             arguments: [id]).map(Self.product)
        }
    }

    static func product(_ r: Row) throws -> Product {
        Product(id: r[0], name: r[1], category: r[2], price: r[3], inStock: r[4], url: r[5], imageUrl: r[6],
                attributes: try ProfileRow.object(r[7]))
    }
}
