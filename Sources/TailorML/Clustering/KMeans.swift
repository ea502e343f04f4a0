import Foundation

/// K-means clustering (Lloyd's algorithm) with greedy k-means++ seeding (Arthur and Vassilvitskii
/// 2007, with 2 + ⌊ln k⌋ candidates per step as in scikit-learn), several restarts keeping the lowest
/// inertia, and optional standardisation of the features.
///
/// Each Lloyd iteration is spread over threads by chunks of points; every restart is seeded from
/// ``seed`` so results are reproducible.
public struct KMeans: Sendable {
    /// Number of clusters.
    public var k: Int
    /// Independent k-means++ starts; the fit with the lowest inertia wins.
    public var restarts: Int = 10
    /// Maximum Lloyd iterations per start.
    public var maxIterations: Int = 300
    /// Convergence: stop when the squared movement of all centres is at most this times the mean
    /// feature variance (scikit-learn's criterion), or when no label changes.
    public var tolerance: Double = 1e-4
    /// Seed of the random choices.
    public var seed: UInt64 = 0
    /// Standardise features (zero mean, unit variance) before clustering.
    public var standardize: Bool = true
    /// Worker threads (defaults to the active processor count).
    public var threads: Int = Parallel.defaultThreadCount

    /// Creates a configuration for `k` clusters.
    public init(k: Int) { self.k = k }

    /// Clusters row-major `values` with `dimension` features per row.
    /// - Returns: the best of ``restarts`` fits.
    /// - Throws: ``MLError`` `.invalidArgument` when k < 1, k exceeds the number of rows, or the
    ///   data are not a whole number of finite rows.
    public func fit(_ values: [Double], dimension: Int) throws(MLError) -> KMeansModel {
        guard dimension > 0, values.count % dimension == 0 else {
            throw MLError(.invalidArgument, "k-means data must be whole rows of \(dimension) features")
        }
        let n = values.count / dimension
        guard k >= 1, k <= n else { throw MLError(.invalidArgument, "k-means needs 1 <= k <= rows (k=\(k), rows=\(n))") }
        guard values.allSatisfy(\.isFinite) else { throw MLError(.invalidArgument, "k-means data contain non-finite values") }
        let scaler = standardize ? Standardizer(fitting: values, dimension: dimension) : nil
        let points = scaler?.transform(values) ?? values
        let variance = Standardizer(fitting: points, dimension: dimension).scales.reduce(0) { $0 + $1 * $1 } / Double(dimension)
        let threshold = tolerance * variance
        var generator = SeededGenerator(seed: seed)
        var best: (centres: [Double], labels: [Int32], inertia: Double, iterations: Int)?
        for _ in 0..<max(1, restarts) {
            var local = SeededGenerator(seed: generator.next())
            let seeds = plusPlusSeeds(points, n: n, d: dimension, generator: &local)
            let run = lloyd(points, n: n, d: dimension, centres: seeds, threshold: threshold)
            if best == nil || run.inertia < best!.inertia { best = run }
        }
        let result = best!
        return KMeansModel(
            dimension: dimension,
            centres: result.centres,
            labels: result.labels,
            inertia: result.inertia,
            iterations: result.iterations,
            standardizer: scaler
        )
    }

    // MARK: - Seeding

    private func plusPlusSeeds(_ x: [Double], n: Int, d: Int, generator: inout SeededGenerator) -> [Double] {
        var centres = [Double](repeating: 0, count: k * d)
        let first = Int(generator.nextUnit() * Double(n))
        for j in 0..<d { centres[j] = x[first * d + j] }
        var closest = [Double](repeating: 0, count: n)
        x.withUnsafeBufferPointer { xp in
            closest.withUnsafeMutableBufferPointer { cp in
                let cpp = UncheckedSendable(cp)
                Parallel.forEachChunk(count: n, chunkSize: 8192, threads: threads) { range, _ in
                    for i in range { cpp.value[i] = squaredDistance(xp.baseAddress! + i * d, xp.baseAddress! + first * d, d) }
                }
            }
        }
        let trials = 2 + Int(log(Double(k)))
        var candidateDistances = [Double](repeating: 0, count: n * trials)
        var cumulative = [Double](repeating: 0, count: n)
        for c in 1..<max(1, k) {
            var running = 0.0
            for i in 0..<n {
                running += closest[i]
                cumulative[i] = running
            }
            var candidates: [Int] = []
            for _ in 0..<trials {
                let target = generator.nextUnit() * running
                var lo = 0
                var hi = n - 1
                while lo < hi {
                    let mid = (lo + hi) / 2
                    if cumulative[mid] <= target { lo = mid + 1 } else { hi = mid }
                }
                candidates.append(lo)
            }
            let sums = x.withUnsafeBufferPointer { xp in
                closest.withUnsafeBufferPointer { cp in
                    candidateDistances.withUnsafeMutableBufferPointer { dp in
                        let dpp = UncheckedSendable(dp)
                        Parallel.forEachChunk(count: n, chunkSize: 8192, threads: threads) { range, _ in
                            for i in range {
                                for (t, candidate) in candidates.enumerated() {
                                    let dist = squaredDistance(xp.baseAddress! + i * d, xp.baseAddress! + candidate * d, d)
                                    dpp.value[t * n + i] = min(cp[i], dist)
                                }
                            }
                        }
                        return (0..<trials).map { t in dp[(t * n)..<(t * n + n)].reduce(0, +) }
                    }
                }
            }
            var bestTrial = 0
            for t in 1..<trials where sums[t] < sums[bestTrial] { bestTrial = t }

            for i in 0..<n { closest[i] = candidateDistances[bestTrial * n + i] }
            for j in 0..<d { centres[c * d + j] = x[candidates[bestTrial] * d + j] }
        }
        return centres
    }

    // MARK: - Lloyd iterations

    private func lloyd(
        _ x: [Double],
        n: Int,
        d: Int,
        centres start: [Double],
        threshold: Double
    )
        -> (centres: [Double], labels: [Int32], inertia: Double, iterations: Int)
    {
        var centres = start
        // Partial sums are kept per fixed chunk of points (not per thread) and added in chunk order,
        // so the result does not depend on the thread count or scheduling.
        let chunkSize = 4096
        let chunkCount = (n + chunkSize - 1) / chunkSize
        // Manually allocated so worker threads can write their own slices; freed below.
        let labels = UnsafeMutableBufferPointer<Int32>.allocate(capacity: n)
        labels.initialize(repeating: -1)
        let sums = UnsafeMutableBufferPointer<Double>.allocate(capacity: chunkCount * k * d)
        let counts = UnsafeMutableBufferPointer<Int>.allocate(capacity: chunkCount * k)
        let stats = UnsafeMutableBufferPointer<ChunkStats>.allocate(capacity: chunkCount)
        defer {
            labels.deallocate()
            sums.deallocate()
            counts.deallocate()
            stats.deallocate()
        }
        let shared = UncheckedSendable((labels, sums, counts, stats))
        var iterations = 0
        var inertia = 0.0
        while true {
            sums.initialize(repeating: 0)
            counts.initialize(repeating: 0)
            stats.initialize(repeating: ChunkStats())
            x.withUnsafeBufferPointer { xp in
                centres.withUnsafeBufferPointer { cp in
                    Parallel.forEachChunk(count: n, chunkSize: chunkSize, threads: threads) { range, _ in
                        let (labels, sums, counts, stats) = shared.value
                        let chunk = range.lowerBound / chunkSize
                        var local = ChunkStats()
                        let mySums = sums.baseAddress! + chunk * k * d
                        for i in range {
                            let row = xp.baseAddress! + i * d
                            let (bestC, bestD) = nearest(row, cp.baseAddress!, d)
                            if labels[i] != Int32(bestC) {
                                local.changed += 1
                                labels[i] = Int32(bestC)
                            }
                            local.inertia += bestD
                            if bestD > local.farthestDistance { (local.farthestDistance, local.farthest) = (bestD, i) }
                            counts[chunk * k + bestC] += 1
                            let target = mySums + bestC * d
                            for j in 0..<d { target[j] += row[j] }
                        }
                        stats[chunk] = local
                    }
                }
            }
            inertia = stats.reduce(0) { $0 + $1.inertia }
            iterations += 1
            if stats.allSatisfy({ $0.changed == 0 }) || iterations >= maxIterations { break }
            // Update step; an empty cluster moves to the point farthest from its centre.
            var relocations = stats.sorted { ($0.farthestDistance, -$0.farthest) > ($1.farthestDistance, -$1.farthest) }.map(\.farthest)
            var shift = 0.0
            for c in 0..<k {
                var count = 0
                for w in 0..<chunkCount { count += counts[w * k + c] }
                let donor = count == 0 ? (relocations.isEmpty ? 0 : relocations.removeFirst()) : 0
                for j in 0..<d {
                    var total = 0.0
                    for w in 0..<chunkCount { total += sums[(w * k + c) * d + j] }
                    let updated = count > 0 ? total / Double(count) : x[donor * d + j]
                    shift += (updated - centres[c * d + j]) * (updated - centres[c * d + j])
                    centres[c * d + j] = updated
                }
            }
            if shift <= threshold {
                // Converged: one last assignment so labels and inertia match the final centres.
                inertia = assign(x, n: n, d: d, centres: centres, labels: labels)
                break
            }
        }
        return (centres, Array(labels), inertia, iterations)
    }

    private func assign(_ x: [Double], n: Int, d: Int, centres: [Double], labels: UnsafeMutableBufferPointer<Int32>) -> Double {
        let chunkSize = 4096
        let chunkCount = (n + chunkSize - 1) / chunkSize
        let partial = UnsafeMutableBufferPointer<Double>.allocate(capacity: chunkCount)
        partial.initialize(repeating: 0)
        defer { partial.deallocate() }
        let shared = UncheckedSendable((labels, partial))
        x.withUnsafeBufferPointer { xp in
            centres.withUnsafeBufferPointer { cp in
                Parallel.forEachChunk(count: n, chunkSize: chunkSize, threads: threads) { range, _ in
                    let (labels, partial) = shared.value
                    var local = 0.0
                    for i in range {
                        let (c, dist) = nearest(xp.baseAddress! + i * d, cp.baseAddress!, d)
                        labels[i] = Int32(c)
                        local += dist
                    }
                    partial[range.lowerBound / chunkSize] = local
                }
            }
        }
        return partial.reduce(0, +)
    }

    @inline(__always)
    private func nearest(_ row: UnsafePointer<Double>, _ centres: UnsafePointer<Double>, _ d: Int) -> (Int, Double) {
        var bestC = 0
        var bestD = Double.infinity
        for c in 0..<k {
            let dist = squaredDistance(row, centres + c * d, d)
            if dist < bestD {
                bestD = dist
                bestC = c
            }
        }
        return (bestC, bestD)
    }
}

private struct ChunkStats {
    var inertia = 0.0
    var changed = 0
    var farthestDistance = -1.0
    var farthest = 0
}

@inline(__always)
func squaredDistance(_ a: UnsafePointer<Double>, _ b: UnsafePointer<Double>, _ d: Int) -> Double {
    var s = 0.0
    for j in 0..<d {
        let t = a[j] - b[j]
        s += t * t
    }
    return s
}

/// A fitted k-means clustering.
public struct KMeansModel: Sendable {
    /// Number of features.
    public let dimension: Int
    /// Cluster centres in the space the clustering ran in (standard units when standardised),
    /// row-major k × dimension.
    public let centres: [Double]
    /// The cluster of each training row.
    public let labels: [Int32]
    /// Sum of squared distances of the rows to their centres, in the clustering space.
    public let inertia: Double
    /// Lloyd iterations of the winning start.
    public let iterations: Int
    /// The standardisation applied before clustering, if any.
    public let standardizer: Standardizer?

    /// Number of clusters.
    public var k: Int { centres.count / dimension }

    /// Centres in the original units of the features.
    public var centresInOriginalUnits: [Double] { standardizer?.inverseTransform(centres) ?? centres }

    /// Number of training rows per cluster.
    public var clusterSizes: [Int] {
        var sizes = [Int](repeating: 0, count: k)
        for l in labels { sizes[Int(l)] += 1 }
        return sizes
    }

    /// The nearest cluster for a new row given in original units.
    public func predict(_ row: [Double]) -> Int {
        let point = standardizer.map { s in row.indices.map { (row[$0] - s.means[$0]) / s.scales[$0] } } ?? row
        var best = 0
        var bestDistance = Double.infinity
        for c in 0..<k {
            let dist = point.withUnsafeBufferPointer { p in
                centres.withUnsafeBufferPointer { squaredDistance(p.baseAddress!, $0.baseAddress! + c * dimension, dimension) }
            }
            if dist < bestDistance {
                bestDistance = dist
                best = c
            }
        }
        return best
    }
}
