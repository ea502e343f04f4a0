import Foundation
import PostgresNIO
public import TailorCore

// MARK: - Reading

extension PostgresDatabase {
    public func events(of profile: ProfileID, before: Int64?, limit: Int) async throws -> [StoredEvent] {
        try await withContext("reading events") {
            try await self.client.withConnection { conn in
                let rows = try await self.rows("""
                    SELECT \(unescaped: Self.eventColumns), seq FROM events
                    WHERE profile_id = \(profile.rawValue) AND seq < \(before ?? Int64.max) ORDER BY seq DESC LIMIT \(Int64(max(0, limit)))
                    """, on: conn)
                return try rows.map { r in
                    StoredEvent(sequence: try r[11].decode(Int64.self), profileId: profile,
                                message: try Self.eventRow(r).message(cipher: self.cipher))
                }
            }
        }
    }

    public func profile(_ reference: ProfileReference) async throws -> ProfileView? {
        try await withContext("reading a profile") {
            try await self.transaction(readOnly: true) { conn -> ProfileView? in
                guard let id = try await self.resolve(reference, on: conn), let row = try await self.loadRow(id, on: conn) else { return nil }
                let identities = try await self.identities(of: [id], on: conn)[id] ?? []
                let aggregate = try row.aggregate(cipher: self.cipher, identities: identities)
                let (plain, personal) = self.policy.split(aggregate.traits.values)
                var counts: [String: Int] = [:]
                for r in try await self.rows("SELECT name, COUNT(*) FROM events WHERE profile_id = \(id.rawValue) GROUP BY name", on: conn) {
                    counts[try r[0].decode(String.self)] = Int(try r[1].decode(Int64.self))
                }
                return ProfileView(id: id, createdAt: aggregate.createdAt, traits: plain, personal: Personal(personal), state: aggregate.state,
                                   identities: aggregate.identities.sorted { ($0.kind.rawValue, $0.value) < ($1.kind.rawValue, $1.value) },
                                   eventCounts: counts)
            }
        }
    }

    /// The live profile a reference leads to, following merges.
    func resolve(_ reference: ProfileReference, on conn: PostgresConnection) async throws -> ProfileID? {
        var id: String
        switch reference {
        case .id(let p):
            id = p.rawValue
        case .identity(let identity):
            let rows = try await rows("""
                SELECT profile_id FROM identities WHERE kind = \(identity.kind.rawValue) AND value = \(storageKey(identity))
                """, on: conn)
            guard let first = rows.first else { return nil }
            id = try first[0].decode(String.self)
        }
        // Merges keep `merged_into` pointing at the final survivor; the loop only guards against older rows.
        for _ in 0..<16 {
            let rows = try await rows("SELECT merged_into FROM profiles WHERE id = \(id)", on: conn)
            guard let first = rows.first else { return nil }
            guard let next = try first[0].decode(String?.self) else { return ProfileID(id) }
            id = next
        }
        throw StoreError(.corruptRow, "profile \(id): merge chain too long")
    }

    func loadRow(_ id: ProfileID, on conn: PostgresConnection) async throws -> ProfileRow? {
        try await rows("SELECT \(unescaped: Self.profileColumns) FROM profiles WHERE id = \(id.rawValue)", on: conn).first.map(Self.profileRow)
    }

    public func aggregate(_ id: ProfileID) async throws -> ProfileAggregate? {
        try await withContext("reading a profile") {
            try await self.transaction(readOnly: true) { conn -> ProfileAggregate? in
                guard let row = try await self.loadRow(id, on: conn) else { return nil }
                return try row.aggregate(cipher: self.cipher, identities: try await self.identities(of: [id], on: conn)[id] ?? [])
            }
        }
    }

    public func merges(into profile: ProfileID) async throws -> [MergeRecord] {
        try await withContext("reading merges") {
            try await self.client.withConnection { conn in
                try await self.rows("""
                    SELECT from_profile, into_profile, reason, message_id, at FROM merges WHERE into_profile = \(profile.rawValue) ORDER BY id
                    """, on: conn).map { r in
                    MergeRecord(from: ProfileID(try r[0].decode(String.self)), into: ProfileID(try r[1].decode(String.self)),
                                reason: try r[2].decode(String.self), messageId: try r[3].decode(String.self),
                                at: Date(millisecondsSince1970: try r[4].decode(Int64.self)))
                }
            }
        }
    }

    public func profileIDs(after: ProfileID?, limit: Int) async throws -> [ProfileID] {
        try await withContext("listing profiles") {
            try await self.client.withConnection { conn in
                try await self.rows("""
                    SELECT id FROM profiles WHERE merged_into IS NULL AND id > \(after?.rawValue ?? "") ORDER BY id LIMIT \(Int64(max(0, limit)))
                    """, on: conn).map { ProfileID(try $0[0].decode(String.self)) }
            }
        }
    }

    // MARK: - Rebuild

    /// Recomputes profiles from their events, 500 at a time, each chunk in a transaction that locks its
    /// profiles so that a concurrent ingest waits rather than being overwritten.
    public func rebuildProfiles(progress: (@Sendable (Int, Int) -> Void)?) async throws -> Int {
        let total = try await counts().profiles
        var done = 0
        var after: ProfileID? = nil
        while true {
            let ids = try await profileIDs(after: after, limit: 500)
            guard let last = ids.last else { break }
            try await withContext("rebuilding profiles") {
                try await self.retrying {
                    try await self.transaction { conn in
                        let locked = try await self.rows("""
                            SELECT \(unescaped: Self.profileColumns) FROM profiles
                            WHERE id = ANY(\(ids.map(\.rawValue))) AND merged_into IS NULL ORDER BY id FOR UPDATE
                            """, on: conn).map(Self.profileRow)
                        let lockedIds = locked.map { ProfileID($0.id) }
                        let identities = try await self.identities(of: lockedIds, on: conn)
                        let histories = try await self.histories(of: lockedIds, on: conn)
                        let now = Date()
                        var rows: [ProfileRow] = []
                        for row in locked {
                            let id = ProfileID(row.id)
                            var aggregate = try row.aggregate(cipher: self.cipher, identities: identities[id] ?? [])
                            aggregate.rebuild(from: histories[id] ?? [])
                            rows.append(try ProfileRow(aggregate, updatedAt: now, cipher: self.cipher, policy: self.policy))
                        }
                        try await self.saveProfiles(rows, on: conn)
                    }
                }
            }
            done += ids.count
            progress?(done, total)
            after = last
        }
        return done
    }

    // MARK: - Products

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
