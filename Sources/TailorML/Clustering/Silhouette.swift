import Foundation

/// The silhouette coefficient (Rousseeuw 1987) of a clustering: for each point, a is its mean
/// Euclidean distance to the other points of its cluster and b the smallest mean distance to the
/// points of another cluster; s = (b − a) / max(a, b), and 0 for points alone in their cluster.
/// The score is the mean of s over points, in [−1, 1].
///
/// The exact score costs O(n²·d). Above `sampleSize` points, it is computed exactly on a seeded
/// random sample of `sampleSize` points (distances among the sample only), as scikit-learn's
/// `silhouette_score(sample_size:)` does; the sample mean estimates the full score within a few
/// hundredths for the default of 4,000 points.
public enum Silhouette {
    /// The mean silhouette of row-major `values` (dimension `dimension`) with the given labels.
    /// - Parameters:
    ///   - sampleSize: above this many rows the score is computed on a random sample of this size.
    ///   - seed: seed of the sample.
    ///   - threads: worker threads.
    /// - Returns: the mean silhouette, or 0 when fewer than two clusters are present.
    public static func score(
        _ values: [Double],
        dimension d: Int,
        labels: [Int32],
        sampleSize: Int = 4000,
        seed: UInt64 = 0,
        threads: Int = Parallel.defaultThreadCount
    ) -> Double {
        let n = labels.count
        var rows = Array(0..<n)
        if n > sampleSize {
            var g = SeededGenerator(seed: seed)
            for i in 0..<sampleSize {
                let j = i + Int(g.nextUnit() * Double(n - i))
                rows.swapAt(i, j)
            }
            rows = Array(rows.prefix(sampleSize))
        }
        let m = rows.count
        let sampleLabels = rows.map { Int(labels[$0]) }
        let k = (sampleLabels.max() ?? 0) + 1
        var sizes = [Int](repeating: 0, count: k)
        for l in sampleLabels { sizes[l] += 1 }
        guard sizes.filter({ $0 > 0 }).count >= 2 else { return 0 }
        let points = rows.flatMap { values[($0 * d)..<($0 * d + d)] }
        let scores = UnsafeMutableBufferPointer<Double>.allocate(capacity: m)
        scores.initialize(repeating: 0)
        defer { scores.deallocate() }
        let shared = UncheckedSendable(scores)
        points.withUnsafeBufferPointer { pp in
            Parallel.forEachChunk(count: m, chunkSize: 64, threads: threads) { range, _ in
                var totals = [Double](repeating: 0, count: k)
                for i in range {
                    for c in 0..<k { totals[c] = 0 }
                    let row = pp.baseAddress! + i * d
                    for j in 0..<m {
                        totals[sampleLabels[j]] += squaredDistance(row, pp.baseAddress! + j * d, d).squareRoot()
                    }
                    let own = sampleLabels[i]
                    guard sizes[own] > 1 else { continue }
                    let a = totals[own] / Double(sizes[own] - 1)
                    var b = Double.infinity
                    for c in 0..<k where c != own && sizes[c] > 0 { b = min(b, totals[c] / Double(sizes[c])) }
                    let denominator = max(a, b)
                    shared.value[i] = denominator > 0 ? (b - a) / denominator : 0
                }
            }
        }
        return scores.reduce(0, +) / Double(m)
    }
}

extension KMeans {
    /// One candidate of ``chooseK(_:dimension:candidates:)``.
    public struct Candidate: Sendable {
        /// Number of clusters.
        public var k: Int
        /// Mean silhouette of the fit.
        public var silhouette: Double
        /// The fit.
        public var model: KMeansModel
    }

    /// Fits every k in `candidates` (with this configuration otherwise) and returns them all, best
    /// silhouette first; the first element is the chosen k.
    /// - Throws: ``MLError`` when a fit fails (for example k larger than the number of rows).
    public func chooseK(_ values: [Double], dimension: Int, candidates: ClosedRange<Int>) throws(MLError) -> [Candidate] {
        var results: [Candidate] = []
        for k in candidates where k >= 2 {
            var config = self
            config.k = k
            let model = try config.fit(values, dimension: dimension)
            let space = model.standardizer?.transform(values) ?? values
            let s = Silhouette.score(space, dimension: dimension, labels: model.labels, seed: seed, threads: threads)
            results.append(Candidate(k: k, silhouette: s, model: model))
        }
        return results.sorted { $0.silhouette > $1.silhouette }
    }
}
