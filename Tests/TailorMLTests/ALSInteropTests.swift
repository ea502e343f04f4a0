import Foundation
import Testing

@testable import TailorML

@Suite("ALS interop with implicit")
struct ALSInteropTests {
    /// From the same initial factors, TailorML's sweeps and implicit's give the same factors (same
    /// objective, same CG steps), up to float32 rounding.
    @Test(.enabled(if: ProcessInfo.processInfo.environment["TAILOR_PYTHON"] != nil))
    func sameFactorsAsImplicitFromTheSameStart() async throws {
        let matrix = twoGroupInteractions(users: 120, items: 40, perUser: 7, seed: 31)
        let factors = 16
        let alpha: Float = 3
        var g = SeededGenerator(seed: 4)
        let users = (0..<(120 * factors)).map { _ in g.nextUnitFloat() * 0.1 }
        let items = (0..<(40 * factors)).map { _ in g.nextUnitFloat() * 0.1 }
        var rows: [Int] = []
        var columns: [Int] = []
        var confidence: [Float] = []
        for u in 0..<matrix.rowCount {
            for (i, w) in zip(matrix.row(u).columns, matrix.row(u).values) {
                rows.append(u)
                columns.append(Int(i))
                confidence.append(1 + alpha * w)
            }
        }
        let spec: [String: Any] = [
            "users": 120, "items": 40, "rows": rows, "columns": columns, "confidence": confidence.map(Double.init),
            "factors": factors, "regularization": 0.05, "iterations": 2,
            "user_factors": stride(from: 0, to: users.count, by: factors).map { users[$0..<($0 + factors)].map(Double.init) },
            "item_factors": stride(from: 0, to: items.count, by: factors).map { items[$0..<($0 + factors)].map(Double.init) },
        ]
        let dir = FileManager.default.temporaryDirectory
        let input = dir.appendingPathComponent("als-in-\(UUID().uuidString).json")
        let output = dir.appendingPathComponent("als-out-\(UUID().uuidString).json")
        defer {
            try? FileManager.default.removeItem(at: input)
            try? FileManager.default.removeItem(at: output)
        }
        try JSONSerialization.data(withJSONObject: spec).write(to: input)
        try await Fixtures.runPeerScript("als_peer.py", [input.path, output.path])
        let result = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: output)) as? [String: [[Double]]])

        var config = ImplicitALS()
        config.factors = factors
        config.alpha = alpha
        config.regularization = 0.05
        config.iterations = 2
        let start = try ALSModel(
            userFactors: users,
            itemFactors: items,
            hyperparameters: .init(factors: factors, regularization: 0.05, alpha: alpha, iterations: 0, seed: 0)
        )
        let ours = try config.fit(matrix, startingFrom: start)
        for (name, theirs, mine) in [
            ("user", result["user_factors"]!, ours.userFactorValues), ("item", result["item_factors"]!, ours.itemFactorValues),
        ] {
            var worst = 0.0
            for (r, row) in theirs.enumerated() {
                for (f, value) in row.enumerated() { worst = max(worst, abs(value - Double(mine[r * factors + f])) / max(1, abs(value))) }
            }
            #expect(worst < 1e-3, "\(name) factors differ from implicit's by \(worst)")
        }
    }
}
