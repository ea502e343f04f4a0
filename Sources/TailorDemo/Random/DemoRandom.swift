import Foundation

/// SplitMix64: turns a seed (and stream numbers) into well-mixed 64-bit states.
///
/// Used only to seed ``DemoRandom`` and to derive identifiers; it is a bijection on `UInt64`, so
/// distinct inputs give distinct outputs (the property message ids rely on).
struct SplitMix64 {
    var state: UInt64

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        return Self.mix(state)
    }

    /// The SplitMix64 finalizer: a bijective 64-bit mixing function.
    @inline(__always)
    static func mix(_ value: UInt64) -> UInt64 {
        var z = value
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

/// xoshiro256**: the demo's fast seeded generator. Every customer has its own streams, derived from the
/// shop's seed, so a customer's history does not depend on how many others were generated before it.
struct DemoRandom: RandomNumberGenerator {
    private var s0: UInt64
    private var s1: UInt64
    private var s2: UInt64
    private var s3: UInt64

    /// A generator for `stream` of `seed` (streams: catalog, customer i's profile, customer i's behaviour…).
    init(seed: UInt64, stream: UInt64, substream: UInt64 = 0) {
        var sm = SplitMix64(state: seed ^ SplitMix64.mix(stream &+ 0x5EED) ^ SplitMix64.mix(substream &* 0x2545_F491_4F6C_DD1D &+ 1))
        s0 = sm.next()
        s1 = sm.next()
        s2 = sm.next()
        s3 = sm.next()
        if s0 | s1 | s2 | s3 == 0 { s0 = 1 }
    }

    @inline(__always)
    mutating func next() -> UInt64 {
        let result = ((s1 &* 5) << 7 | (s1 &* 5) >> 57) &* 9
        let t = s1 << 17
        s2 ^= s0
        s3 ^= s1
        s1 ^= s2
        s0 ^= s3
        s2 ^= t
        s3 = s3 << 45 | s3 >> 19
        return result
    }

    // MARK: - Distributions

    /// Uniform in [0, 1), 53 bits.
    @inline(__always)
    mutating func unit() -> Double {
        Double(next() >> 11) * 0x1.0p-53
    }

    /// Uniform in [lower, upper).
    @inline(__always)
    mutating func uniform(_ lower: Double, _ upper: Double) -> Double {
        lower + (upper - lower) * unit()
    }

    /// Uniform integer in 0..<n (n > 0), by Lemire's multiply-shift (bias below 2^-32 for the sizes used here).
    @inline(__always)
    mutating func int(_ n: Int) -> Int {
        Int((UInt64(n).multipliedFullWidth(by: next())).high)
    }

    /// Uniform integer in the closed range.
    @inline(__always)
    mutating func int(in range: ClosedRange<Int>) -> Int {
        range.lowerBound + int(range.count)
    }

    @inline(__always)
    mutating func chance(_ p: Double) -> Bool {
        unit() < p
    }

    /// Standard normal (Box–Muller; one of the pair is discarded to keep the generator stateless).
    mutating func normal() -> Double {
        let u1 = max(unit(), 0x1.0p-60)
        let u2 = unit()
        return (-2 * log(u1)).squareRoot() * cos(2 * Double.pi * u2)
    }

    /// Log-normal with the given median and shape σ.
    mutating func logNormal(median: Double, sigma: Double) -> Double {
        median * exp(sigma * normal())
    }

    /// Exponential with the given mean.
    mutating func exponential(mean: Double) -> Double {
        -mean * log(1 - unit())
    }

    /// Poisson by inversion (means used here are small; large means fall back to a normal approximation).
    mutating func poisson(_ mean: Double) -> Int {
        guard mean > 0 else { return 0 }
        if mean > 40 { return max(0, Int((mean + mean.squareRoot() * normal()).rounded())) }
        let limit = exp(-mean)
        var product = unit()
        var k = 0
        while product > limit {
            product *= unit()
            k += 1
        }
        return k
    }

    /// Gamma(shape, 1) by Marsaglia–Tsang.
    mutating func gamma(shape: Double) -> Double {
        if shape < 1 { return gamma(shape: shape + 1) * pow(max(unit(), 0x1.0p-60), 1 / shape) }
        let d = shape - 1.0 / 3
        let c = 1 / (9 * d).squareRoot()
        while true {
            var x: Double
            var v: Double
            repeat {
                x = normal()
                v = 1 + c * x
            } while v <= 0
            v = v * v * v
            let u = unit()
            if u < 1 - 0.0331 * x * x * x * x || log(u) < 0.5 * x * x + d * (1 - v + log(v)) { return d * v }
        }
    }

    /// Beta(a, b).
    mutating func beta(_ a: Double, _ b: Double) -> Double {
        let x = gamma(shape: a)
        let y = gamma(shape: b)
        return x / (x + y)
    }

    /// An element of a non-empty array, uniformly.
    @inline(__always)
    mutating func pick<T>(_ items: [T]) -> T {
        items[int(items.count)]
    }
}

/// A fixed discrete distribution, sampled by binary search over cumulative weights.
struct WeightedTable: Sendable {
    private let cumulative: [Double]

    init(_ weights: [Double]) {
        var sum = 0.0
        cumulative = weights.map { w in
            sum += max(w, 0)
            return sum
        }
    }

    @inline(__always)
    func sample(_ rng: inout DemoRandom) -> Int {
        let x = rng.unit() * cumulative[cumulative.count - 1]
        var lo = 0
        var hi = cumulative.count - 1
        while lo < hi {
            let mid = (lo + hi) >> 1
            if cumulative[mid] <= x { lo = mid + 1 } else { hi = mid }
        }
        return lo
    }
}
