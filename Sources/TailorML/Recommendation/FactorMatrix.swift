/// Row-major factor vectors in 64-byte-aligned memory, each row padded with zeros to a multiple of
/// 16 floats so the solvers can work in whole `SIMD16<Float>` vectors. Padding stays zero through
/// every update (all vectors the solvers build are combinations of rows), so it never changes a
/// dot product.
///
/// A final class because models share factor storage read-only; `@unchecked Sendable` because its
/// only mutation happens inside ``ImplicitALS`` solves, where each worker writes disjoint rows and
/// `Parallel.forEachChunk` joins the workers before the storage is shared again.
final class FactorMatrix: @unchecked Sendable {
    let rows: Int
    let factors: Int
    /// Number of `SIMD16<Float>` vectors per row.
    let chunks: Int
    let base: UnsafeMutablePointer<SIMD16<Float>>

    init(rows: Int, factors: Int) {
        self.rows = rows
        self.factors = factors
        self.chunks = (factors + 15) / 16
        let count = max(1, rows * chunks)
        let raw = UnsafeMutableRawPointer.allocate(byteCount: count * MemoryLayout<SIMD16<Float>>.stride, alignment: 64)
        base = raw.bindMemory(to: SIMD16<Float>.self, capacity: count)
        base.initialize(repeating: SIMD16<Float>(), count: count)
    }

    deinit { base.deallocate() }

    @inline(__always) func row(_ r: Int) -> UnsafeMutablePointer<SIMD16<Float>> { base + r * chunks }

    @inline(__always) func value(_ r: Int, _ f: Int) -> Float { base[r * chunks + (f >> 4)][f & 15] }

    @inline(__always) func set(_ r: Int, _ f: Int, _ v: Float) { base[r * chunks + (f >> 4)][f & 15] = v }

    /// The factors as a dense row-major array without padding.
    func toArray() -> [Float] {
        var out = [Float](repeating: 0, count: rows * factors)
        for r in 0..<rows { for f in 0..<factors { out[r * factors + f] = value(r, f) } }
        return out
    }

    /// Storage filled from a dense row-major array without padding.
    convenience init(rows: Int, factors: Int, values: [Float]) {
        self.init(rows: rows, factors: factors)
        for r in 0..<rows { for f in 0..<factors { set(r, f, values[r * factors + f]) } }
    }

    func copy() -> FactorMatrix {
        let other = FactorMatrix(rows: rows, factors: factors)
        other.base.update(from: base, count: max(1, rows * chunks))
        return other
    }
}

// MARK: - Vector kernels over whole rows

@inline(__always) func dot(_ a: UnsafePointer<SIMD16<Float>>, _ b: UnsafePointer<SIMD16<Float>>, _ chunks: Int) -> Float {
    var acc = a[0] * b[0]
    var c = 1
    while c < chunks {
        acc += a[c] * b[c]
        c += 1
    }
    return horizontalSum(acc)
}

/// y += s · x
@inline(__always) func axpy(_ s: Float, _ x: UnsafePointer<SIMD16<Float>>, _ y: UnsafeMutablePointer<SIMD16<Float>>, _ chunks: Int) {
    let v = SIMD16<Float>(repeating: s)
    for c in 0..<chunks { y[c] += v * x[c] }
}
