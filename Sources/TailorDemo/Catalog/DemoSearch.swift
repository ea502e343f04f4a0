import Foundation
import TailorCore

/// What customers type into the shop's search box: the catalog's product nouns, by category.
struct DemoSearch: Sendable {
    var queries: [String]
    var byCategory: [[Int]]
    var pageProperties: [JSONObject]
    var searchedProperties: [JSONObject]

    init() {
        var queries: [String] = []
        var byCategory: [[Int]] = []
        for category in DemoCategory.all {
            var members: [Int] = []
            for noun in category.nouns {
                members.append(queries.count)
                queries.append(category.name == "books" ? "books about \(noun.lowercased())" : noun.lowercased())
            }
            byCategory.append(members)
        }
        self.queries = queries
        self.byCategory = byCategory
        pageProperties = queries.map { q in
            let encoded = q.replacingOccurrences(of: " ", with: "+")
            return [
                "path": .string("/search"), "search": .string("?q=" + encoded),
                "url": .string("https://shop.example.com/search?q=" + encoded), "title": .string("Search: " + q),
            ]
        }
        searchedProperties = queries.map { ["query": .string($0)] }
    }

    func query(in category: Int, _ rng: inout DemoRandom) -> Int {
        rng.pick(byCategory[category])
    }
}
