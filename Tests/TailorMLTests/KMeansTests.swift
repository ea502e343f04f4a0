import Foundation
import Testing

@testable import TailorML

@Suite("K-means")
struct KMeansTests {
    static let centres: [[Double]] = [[0, 0, 0], [10, 0, 5], [0, 10, -5]]

    @Test func recoversSeparatedClusters() throws {
        let data = Fixtures.blobs(centres: Self.centres, perCluster: 200, spread: 1, seed: 1)
        var config = KMeans(k: 3)
        config.standardize = false
        let model = try config.fit(data.values, dimension: 3)
        #expect(model.clusterSizes.sorted() == [200, 200, 200])
        // Each true cluster maps to exactly one found cluster.
        for c in 0..<3 {
            let found = Set((0..<600).filter { data.labels[$0] == c }.map { model.labels[$0] })
            #expect(found.count == 1)
        }
        // Inertia ≈ n·d·σ² for unit-variance noise.
        #expect(model.inertia > 1600 && model.inertia < 2000)
        let recomputed = (0..<600).reduce(0.0) { sum, i in
            let c = Int(model.labels[i])
            return sum + (0..<3).reduce(0.0) { $0 + pow(data.values[i * 3 + $1] - model.centres[c * 3 + $1], 2) }
        }
        #expect(abs(recomputed - model.inertia) < 1e-6 * model.inertia)
        #expect(model.predict([10, 0.2, 5.1]) == Int(model.labels[200]))
    }

    @Test func deterministicForSeedAndThreads() throws {
        let data = Fixtures.blobs(centres: Self.centres + [[5, 5, 0], [3, 3, 3]], perCluster: 300, spread: 2.5, seed: 2)
        var a = KMeans(k: 5)
        a.seed = 42
        a.threads = 1
        var b = a
        b.threads = 2
        let ma = try a.fit(data.values, dimension: 3)
        let mb = try b.fit(data.values, dimension: 3)
        #expect(ma.labels == mb.labels)
        #expect(abs(ma.inertia - mb.inertia) < 1e-9 * ma.inertia)
    }

    @Test func restartsNeverWorsenInertia() throws {
        let data = Fixtures.blobs(centres: Self.centres + [[5, 5, 0], [3, 3, 3], [8, 8, 8]], perCluster: 150, spread: 3, seed: 3)
        var one = KMeans(k: 6)
        one.restarts = 1
        var ten = one
        ten.restarts = 10
        #expect(try ten.fit(data.values, dimension: 3).inertia <= one.fit(data.values, dimension: 3).inertia + 1e-9)
    }

    @Test func standardizationUsesStandardUnits() throws {
        // Second feature in much larger units: without standardisation it dominates.
        var values: [Double] = []
        var g = SeededGenerator(seed: 9)
        for i in 0..<400 {
            values.append(Double(i % 2) * 4 + Fixtures.normal(&g) * 0.3)
            values.append(Fixtures.normal(&g) * 1000)
        }
        var config = KMeans(k: 2)
        let standardized = try config.fit(values, dimension: 2)
        #expect((0..<400).allSatisfy { standardized.labels[$0] == standardized.labels[$0 % 2] })
        let centres = standardized.centresInOriginalUnits
        #expect(Set([centres[0].rounded(), centres[2].rounded()]) == [0, 4])
        config.standardize = false
        let raw = try config.fit(values, dimension: 2)
        #expect(!(0..<400).allSatisfy { raw.labels[$0] == raw.labels[$0 % 2] })
    }

    @Test func degenerateDataStayFinite() throws {
        // Three distinct points, a constant feature, and more clusters than distinct points.
        let values: [Double] = (0..<30).flatMap { i -> [Double] in [Double(i % 3), 7] }
        let model = try KMeans(k: 4).fit(values, dimension: 2)
        #expect(model.inertia.isFinite && model.inertia < 1e-9)
        #expect(model.centres.allSatisfy { $0.isFinite })
        #expect(model.clusterSizes.reduce(0, +) == 30)
        #expect(model.centresInOriginalUnits.enumerated().filter { $0.offset % 2 == 1 }.allSatisfy { abs($0.element - 7) < 1e-9 })
    }

    @Test func rejectsBadArguments() {
        #expect(throws: MLError.self) { try KMeans(k: 0).fit([1, 2], dimension: 1) }
        #expect(throws: MLError.self) { try KMeans(k: 3).fit([1, 2], dimension: 1) }
        #expect(throws: MLError.self) { try KMeans(k: 1).fit([1, 2, 3], dimension: 2) }
        #expect(throws: MLError.self) { try KMeans(k: 1).fit([1, .nan], dimension: 1) }
    }

    @Test func silhouetteMatchesHandComputation() {
        // Points 0, 1 in cluster 0 and 4, 6 in cluster 1 (one dimension).
        // s(0) = (5 − 1)/5, s(1) = (4 − 1)/4, s(4) = (3.5 − 2)/3.5, s(6) = (5.5 − 2)/5.5
        let s = Silhouette.score([0, 1, 4, 6], dimension: 1, labels: [0, 0, 1, 1])
        let expected = (4.0 / 5 + 3.0 / 4 + 1.5 / 3.5 + 3.5 / 5.5) / 4
        #expect(abs(s - expected) < 1e-12)
        #expect(Silhouette.score([0, 1, 2], dimension: 1, labels: [0, 0, 0]) == 0)
        // A singleton cluster contributes 0.
        let single = Silhouette.score([0, 1, 9], dimension: 1, labels: [0, 0, 1])
        #expect(abs(single - (8.0 / 9 + 7.0 / 8 + 0) / 3) < 1e-12)
    }

    @Test func sampledSilhouetteIsClose() throws {
        let data = Fixtures.blobs(centres: Self.centres + [[4, 4, 0]], perCluster: 1500, spread: 2, seed: 4)
        var config = KMeans(k: 4)
        config.standardize = false
        let model = try config.fit(data.values, dimension: 3)
        let exact = Silhouette.score(data.values, dimension: 3, labels: model.labels, sampleSize: 10_000)
        let sampled = Silhouette.score(data.values, dimension: 3, labels: model.labels, sampleSize: 1500, seed: 7)
        #expect(abs(exact - sampled) < 0.02)
    }

    @Test func chooseKBySilhouette() throws {
        let data = Fixtures.blobs(centres: Self.centres, perCluster: 100, spread: 1, seed: 5)
        let ranked = try KMeans(k: 2).chooseK(data.values, dimension: 3, candidates: 2...6)
        #expect(ranked.first?.k == 3)
        #expect(ranked.count == 5)
        #expect(ranked.first!.silhouette > 0.7)
    }

    @Test func describesClustersInWords() throws {
        // Features: orders per year, days since last order, spend per order.
        var values: [Double] = []
        var g = SeededGenerator(seed: 6)
        for i in 0..<300 {
            let loyal = i % 3 == 0
            values += [
                (loyal ? 12 : 2) + Fixtures.normal(&g), (loyal ? 10 : 120) + 5 * Fixtures.normal(&g),
                (loyal ? 90 : 40) + 5 * Fixtures.normal(&g),
            ]
        }
        let model = try KMeans(k: 2).fit(values, dimension: 3)
        let describer = ClusterDescriber(features: [
            .init(name: "frequency"), .init(name: "recency", high: "lapsed", low: "recent"),
            .init(name: "spend", high: "high spend", low: "low spend"),
        ])
        let words = describer.describe(model, data: values)
        let loyalCluster = Int(model.labels[0])
        let loyalWords = Set(words[loyalCluster].components(separatedBy: ", "))
        #expect(loyalWords == ["high frequency", "recent", "high spend"])
        #expect(Set(words[1 - loyalCluster].components(separatedBy: ", ")) == ["low frequency", "lapsed", "low spend"])
        #expect(describer.describe(standardizedCentre: [0.1, -0.2, 0.3]) == "typical")
    }

    @Test(.enabled(if: ProcessInfo.processInfo.environment["TAILOR_PYTHON"] != nil))
    func inertiaWithinOnePercentOfScikitLearn() async throws {
        // Overlapping clusters with local minima, raw and standardised.
        let centres: [[Double]] = (0..<8).map { c in (0..<4).map { j in Double((c * 7 + j * 3) % 11) } }
        let data = Fixtures.blobs(centres: centres, perCluster: 250, spread: 1.6, seed: 8)
        let path = try Fixtures.writeCSV(data.values, dimension: 4, name: "kmeans")
        defer { try? FileManager.default.removeItem(atPath: path) }
        for standardize in [false, true] {
            let peer = try await Fixtures.runPeer("kmeans_peer.py", [path, "8"] + (standardize ? ["--standardize"] : []))
            let theirs = try #require(peer["inertia"] as? Double)
            var config = KMeans(k: 8)
            config.standardize = standardize
            let ours = try config.fit(data.values, dimension: 4).inertia
            #expect(ours <= theirs * 1.01, "ours \(ours) vs scikit-learn \(theirs), standardize=\(standardize)")
        }
    }
}
