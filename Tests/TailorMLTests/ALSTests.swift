import Foundation
import Testing

@testable import TailorML

/// Two taste groups of users over two groups of items, with popularity skew inside each group.
func twoGroupInteractions(users: Int = 200, items: Int = 60, perUser: Int = 8, seed: UInt64 = 1) -> InteractionMatrix {
    var g = SeededGenerator(seed: seed)
    var rows: [Int32] = []
    var columns: [Int32] = []
    var values: [Float] = []
    let half = items / 2
    for u in 0..<users {
        let group = u % 2
        for _ in 0..<perUser {
            // Squaring a uniform number favours low indices: popular items.
            let within = Int(pow(g.nextUnit(), 2) * Double(half))
            rows.append(Int32(u))
            columns.append(Int32(group * half + within))
            values.append(Float(1 + Int(g.nextUnit() * 3)))
        }
    }
    return try! InteractionMatrix(rowCount: users, columnCount: items, rows: rows, columns: columns, values: values)
}

/// Solves A x = b by Gaussian elimination with partial pivoting (small dense systems, in Double).
func denseSolve(_ a: [[Double]], _ b: [Double]) -> [Double] {
    var m = a
    var v = b
    let n = b.count
    for col in 0..<n {
        let pivot = (col..<n).max { abs(m[$0][col]) < abs(m[$1][col]) }!
        m.swapAt(col, pivot)
        v.swapAt(col, pivot)
        for row in (col + 1)..<n {
            let factor = m[row][col] / m[col][col]
            for j in col..<n { m[row][j] -= factor * m[col][j] }
            v[row] -= factor * v[col]
        }
    }
    var x = [Double](repeating: 0, count: n)
    for row in stride(from: n - 1, through: 0, by: -1) {
        var s = v[row]
        for j in (row + 1)..<n { s -= m[row][j] * x[j] }
        x[row] = s / m[row][row]
    }
    return x
}

@Suite("Implicit ALS")
struct ALSTests {
    /// Widths 6, 20 and 64 take the register kernels (1, 2, 4 vectors), 40 the any-width path.
    @Test(arguments: [6, 20, 40, 64])
    func conjugateGradientConvergesToTheExactLeastSquaresSolution(factors: Int) throws {
        let items = 100
        let matrix = twoGroupInteractions(users: 20, items: items, perUser: 6)
        var config = ImplicitALS()
        config.factors = factors
        config.regularization = 0.5
        config.alpha = 2
        config.conjugateGradientSteps = 3 * factors
        var g = SeededGenerator(seed: 3)
        let itemFactors = FactorMatrix(rows: items, factors: factors)
        for r in 0..<items { for f in 0..<factors { itemFactors.set(r, f, g.nextUnitFloat() - 0.5) } }
        let users = FactorMatrix(rows: 20, factors: factors)
        config.solve(rows: matrix, extra: matrix.values.map { 2 * $0 }, target: users, fixed: itemFactors)
        for u in [0, 7, 19] {
            // A = YᵀY + λI + Σ_i (c_i − 1) y_i y_iᵀ, b = Σ_i c_i y_i
            var a = [[Double]](repeating: [Double](repeating: 0, count: factors), count: factors)
            var b = [Double](repeating: 0, count: factors)
            for i in 0..<items {
                for p in 0..<factors { for q in 0..<factors { a[p][q] += Double(itemFactors.value(i, p) * itemFactors.value(i, q)) } }
            }
            for p in 0..<factors { a[p][p] += 0.5 }
            let row = matrix.row(u)
            for (i, w) in zip(row.columns, row.values) {
                let c = 1 + 2 * Double(w)
                for p in 0..<factors {
                    b[p] += c * Double(itemFactors.value(Int(i), p))
                    for q in 0..<factors { a[p][q] += (c - 1) * Double(itemFactors.value(Int(i), p) * itemFactors.value(Int(i), q)) }
                }
            }
            let exact = denseSolve(a, b)
            var worst = 0.0
            for f in 0..<factors { worst = max(worst, abs(Double(users.value(u, f)) - exact[f]) / max(1, abs(exact[f]))) }
            #expect(worst < 2e-3, "user \(u), \(factors) factors: off by \(worst)")
            // Padding lanes stay zero.
            for f in factors..<(users.chunks * 16) { #expect(users.base[u * users.chunks + f / 16][f % 16] == 0) }
        }
    }

    @Test func lossDecreasesAndFactorsAreDeterministic() throws {
        let matrix = twoGroupInteractions()
        func loss(_ m: ALSModel) -> Double {
            var total = 0.0
            for u in 0..<matrix.rowCount {
                for i in 0..<matrix.columnCount {
                    let w = matrix.contains(row: u, column: i) ? 1.0 : 0.0
                    let c = 1 + 1.5 * (w > 0 ? Double(matrix.row(u).values[matrix.row(u).columns.firstIndex(of: Int32(i))!]) : 0)
                    let e = w - Double(m.score(user: u, item: i))
                    total += c * e * e
                }
            }
            let norms = (m.userFactorValues + m.itemFactorValues).reduce(0) { $0 + Double($1 * $1) }
            return total + 0.1 * norms
        }
        var config = ImplicitALS()
        config.factors = 8
        config.regularization = 0.1
        config.alpha = 1.5
        config.seed = 5
        var losses: [Double] = []
        for iterations in [1, 3, 10] {
            config.iterations = iterations
            losses.append(loss(try config.fit(matrix)))
        }
        #expect(losses[0] > losses[1] && losses[1] > losses[2])
        config.threads = 1
        let single = try config.fit(matrix)
        config.threads = 2
        let double = try config.fit(matrix)
        #expect(single.userFactorValues.map(\.bitPattern) == double.userFactorValues.map(\.bitPattern))
        #expect(single.itemFactorValues.map(\.bitPattern) == double.itemFactorValues.map(\.bitPattern))
    }

    @Test func recommendsWithinTasteGroupExcludingTrainingAndRejectedItems() throws {
        let matrix = twoGroupInteractions()
        var config = ImplicitALS()
        config.factors = 4
        config.alpha = 10
        config.regularization = 0.1
        let model = try config.fit(matrix)
        for u in 0..<20 {
            let recs = model.recommend(user: u, count: 5, excluding: matrix, rejecting: { $0 % 7 == 0 })
            #expect(recs.count == 5)
            for r in recs {
                #expect(r.item / 30 == u % 2, "user \(u) got item \(r.item) of the other group")
                #expect(!matrix.contains(row: u, column: r.item))
                #expect(r.item % 7 != 0)
            }
            #expect(zip(recs, recs.dropFirst()).allSatisfy { $0.score >= $1.score })
        }
    }

    @Test func batchRecommendMatchesSingle() throws {
        let matrix = twoGroupInteractions(users: 101, items: 53)
        var config = ImplicitALS()
        config.factors = 20
        let model = try config.fit(matrix)
        var rejected = [Bool](repeating: false, count: 53)
        rejected[3] = true
        let users = Array((0..<101).reversed())
        let batch = model.recommend(users: users, count: 7, excluding: matrix, rejected: rejected)
        for (u, list) in zip(users, batch) {
            let single = model.recommend(user: u, count: 7, excluding: matrix, rejecting: { $0 == 3 })
            #expect(list.map(\.item) == single.map(\.item))
            for (a, b) in zip(list, single) { #expect(abs(a.score - b.score) <= 1e-5 * max(1, abs(b.score))) }
        }
    }

    @Test func similarItemsAreFromTheSameGroup() throws {
        let matrix = twoGroupInteractions()
        var config = ImplicitALS()
        config.factors = 8
        config.regularization = 0.1
        let model = try config.fit(matrix)
        let similar = model.similarItems(to: 2, count: 5)
        #expect(similar.count == 5)
        #expect(similar.allSatisfy { $0.item != 2 && $0.item < 30 && $0.score <= 1.0001 })
        #expect(model.similarItems(to: 40, count: 3, rejecting: { $0 == 31 }).allSatisfy { $0.item >= 30 && $0.item != 31 })
    }

    @Test func persistenceIsBitIdentical() throws {
        let set = try InteractionSet(triples: [("ann", "tea", 2), ("bob", "tea", 1), ("bob", "cake", 3), ("cy", "jam", 1), ("ann", "jam", 1)])
        var config = ImplicitALS()
        config.factors = 5
        config.iterations = 4
        config.alpha = 3
        config.seed = 77
        let model = try ALSModel.fit(set, with: config)
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("als-\(UUID().uuidString).model").path
        defer { try? FileManager.default.removeItem(atPath: path) }
        try model.save(to: path)
        let loaded = try ALSModel.load(from: path)
        #expect(loaded.userFactorValues.map(\.bitPattern) == model.userFactorValues.map(\.bitPattern))
        #expect(loaded.itemFactorValues.map(\.bitPattern) == model.itemFactorValues.map(\.bitPattern))
        #expect(loaded.hyperparameters == model.hyperparameters)
        #expect(loaded.users.ids == ["ann", "bob", "cy"])
        #expect(loaded.items.ids == ["tea", "cake", "jam"])
        #expect(loaded.serialized() == model.serialized())
        let bytes = model.serialized()
        #expect(throws: MLError.self) { try ALSModel(serialized: Array(bytes.prefix(bytes.count - 3))) }
        #expect(throws: MLError.self) { try ALSModel(serialized: Array("not a model".utf8)) }
    }

    @Test func warmStartContinuesExactly() throws {
        let matrix = twoGroupInteractions(users: 50, items: 30)
        var config = ImplicitALS()
        config.factors = 12
        config.iterations = 5
        let full = try config.fit(matrix)
        config.iterations = 2
        let partial = try config.fit(matrix)
        config.iterations = 3
        let continued = try config.fit(matrix, startingFrom: partial)
        #expect(continued.userFactorValues.map(\.bitPattern) == full.userFactorValues.map(\.bitPattern))
        #expect(continued.itemFactorValues.map(\.bitPattern) == full.itemFactorValues.map(\.bitPattern))
        // The starting model is not modified.
        config.iterations = 0
        #expect(try config.fit(matrix, startingFrom: partial).userFactorValues == partial.userFactorValues)
        config.factors = 8
        #expect(throws: MLError.self) { try config.fit(matrix, startingFrom: partial) }
    }

    @Test func interactionMatrixSumsDuplicatesAndTransposes() throws {
        let m = try InteractionMatrix(rowCount: 3, columnCount: 4, rows: [0, 2, 0, 1, 0], columns: [3, 1, 1, 0, 3], values: [1, 2, 3, 4, 5])
        #expect(Array(m.row(0).columns) == [1, 3])
        #expect(Array(m.row(0).values) == [3, 6])
        #expect(m.contains(row: 2, column: 1) && !m.contains(row: 2, column: 0))
        let t = m.transposed()
        #expect(t.rowCount == 4 && Array(t.row(1).columns) == [0, 2] && Array(t.row(1).values) == [3, 2])
        #expect(t.transposed() == m)
        #expect(throws: MLError.self) { try InteractionMatrix(rowCount: 1, columnCount: 1, rows: [0], columns: [1], values: [1]) }
    }

    @Test func popularityFallback() throws {
        let m = try InteractionMatrix(
            rowCount: 4,
            columnCount: 4,
            rows: [0, 1, 2, 3, 0, 1, 2, 0],
            columns: [2, 2, 2, 2, 1, 1, 1, 3],
            values: [1, 1, 1, 1, 1, 1, 1, 1]
        )
        let popular = PopularityRecommender(m, categories: [0, 1, 0, 1])
        #expect(popular.recommend(count: 3).map(\.item) == [2, 1, 3])
        #expect(popular.recommend(count: 3, excluding: (m, 1)).map(\.item) == [3, 0])
        #expect(popular.recommend(count: 2, category: 1).map(\.item) == [1, 3])
        #expect(popular.recommend(count: 3, rejecting: { $0 == 1 }).map(\.item) == [2, 3, 0])
    }

    @Test func unknownUsersGetPopularItems() throws {
        let set = try InteractionSet(triples: [("ann", "tea", 1), ("bob", "tea", 1), ("bob", "jam", 1), ("cy", "cake", 1)])
        var config = ImplicitALS()
        config.factors = 4
        let model = try ALSModel.fit(set, with: config)
        let popular = PopularityRecommender(set.matrix, categories: [0, 1, 1])
        #expect(model.recommend(userID: "new", count: 2, fallback: popular).map(\.item) == [0, 1])
        #expect(model.recommend(userID: "new", count: 2, fallback: popular, category: 1).map(\.item) == [1, 2])
        let known = model.recommend(userID: "ann", count: 3, excluding: set.matrix, fallback: popular)
        #expect(Set(known.map(\.item)) == [1, 2])
    }

    @Test func eventKindsBecomeWeights() throws {
        let set = try InteractionSet(
            events: [("ann", "tea", "view"), ("ann", "tea", "purchase"), ("bob", "jam", "cart_add"), ("bob", "cake", "wishlist")],
            weights: .standard
        )
        #expect(set.items.ids == ["tea", "jam"])
        #expect(Array(set.matrix.row(0).values) == [4])
        #expect(Array(set.matrix.row(1).values) == [2])
    }

    @Test func readsInteractionCSVWithIDs() throws {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("inter-\(UUID().uuidString).csv")
        defer { try? FileManager.default.removeItem(at: url) }
        try "user,item,weight\r\nu1,i1,2\r\n\"u2\",i1,1.5\nu1,i2,1\nu1,i1,1\n".write(to: url, atomically: true, encoding: .utf8)
        let set = try InteractionSet.read(path: url.path)
        #expect(set.users.ids == ["u1", "u2"] && set.items.ids == ["i1", "i2"])
        #expect(Array(set.matrix.row(0).values) == [3, 1])
        try "user,item,weight\nu1,i1,x\n".write(to: url, atomically: true, encoding: .utf8)
        #expect {
            try InteractionSet.read(path: url.path)
        } throws: { ($0 as? MLError)?.line == 2 }
    }
}
