import Foundation

/// Matrix factorisation for implicit feedback by alternating least squares (Hu, Koren and Volinsky,
/// "Collaborative Filtering for Implicit Feedback Datasets", ICDM 2008), each least-squares step
/// solved approximately by a few conjugate-gradient iterations warm-started from the previous
/// factors (Takács, Pilászy and Tikk, "Applications of the Conjugate Gradient Method for Implicit
/// Feedback Collaborative Filtering", RecSys 2011).
///
/// A user u with interaction weights w_ui has preference p_ui = 1 where w_ui > 0 (else 0) and
/// confidence c_ui = 1 + α·w_ui. The model minimises
/// Σ_u,i c_ui (p_ui − x_u·y_i)² + λ (Σ_u |x_u|² + Σ_i |y_i|²).
/// Solving for x_u: (YᵀY + Yᵀ(C_u − I)Y + λI) x_u = Yᵀ C_u p_u, where only the user's interactions
/// enter the sparse terms, so a CG step costs O(f² + n_u·f).
///
/// Work is spread over threads by chunks of users (then items); the vector kernels run on
/// `SIMD16<Float>`.
public struct ImplicitALS: Sendable {
    /// Number of latent factors.
    public var factors: Int = 64
    /// L2 regularisation λ.
    public var regularization: Float = 0.01
    /// Confidence scale α in c = 1 + α·w.
    public var alpha: Float = 1
    /// ALS sweeps (users then items).
    public var iterations: Int = 15
    /// Conjugate-gradient steps per least-squares solve.
    public var conjugateGradientSteps: Int = 3
    /// Seed of the initial factors (uniform in [0, 0.01)).
    public var seed: UInt64 = 0
    /// Worker threads (defaults to the active processor count).
    public var threads: Int = Parallel.defaultThreadCount

    /// Creates a configuration with the defaults above.
    public init() {}

    /// Fits user and item factors to a users × items weight matrix.
    /// - Throws: ``MLError`` `.invalidArgument` for non-positive factors, iterations < 0 or negative
    ///   α/λ; `.fitFailed` if the factors become non-finite.
    public func fit(_ matrix: InteractionMatrix) throws(MLError) -> ALSModel {
        try validate()
        let users = FactorMatrix(rows: matrix.rowCount, factors: factors)
        let items = FactorMatrix(rows: matrix.columnCount, factors: factors)
        var generator = SeededGenerator(seed: seed)
        for r in 0..<users.rows { for f in 0..<factors { users.set(r, f, generator.nextUnitFloat() * 0.01) } }
        for r in 0..<items.rows { for f in 0..<factors { items.set(r, f, generator.nextUnitFloat() * 0.01) } }
        return try sweep(matrix, users: users, items: items)
    }

    /// Continues fitting from an existing model's factors (a warm start, for example to retrain
    /// after a day of new interactions on the same users and items): ``iterations`` more sweeps.
    /// - Throws: ``MLError`` `.invalidArgument` when the model's shape or factor count differs from
    ///   the matrix and this configuration.
    public func fit(_ matrix: InteractionMatrix, startingFrom model: ALSModel) throws(MLError) -> ALSModel {
        try validate()
        guard model.userCount == matrix.rowCount, model.itemCount == matrix.columnCount, model.hyperparameters.factors == factors else {
            throw MLError(.invalidArgument, "warm start needs a model of \(matrix.rowCount) users × \(matrix.columnCount) items × \(factors) factors")
        }
        var fitted = try sweep(matrix, users: model.userFactors.copy(), items: model.itemFactors.copy())
        fitted.users = model.users
        fitted.items = model.items
        return fitted
    }

    private func validate() throws(MLError) {
        guard factors > 0, iterations >= 0, conjugateGradientSteps > 0 else {
            throw MLError(.invalidArgument, "ALS needs factors > 0, iterations >= 0 and CG steps > 0")
        }
        guard alpha >= 0, regularization >= 0, alpha.isFinite, regularization.isFinite else {
            throw MLError(.invalidArgument, "ALS needs finite alpha >= 0 and regularization >= 0")
        }
    }

    private func sweep(_ matrix: InteractionMatrix, users: FactorMatrix, items: FactorMatrix) throws(MLError) -> ALSModel {
        // Store c − 1 = α·w once; c = 1 + α·w is recovered where needed.
        let userRows = matrix
        let itemRows = matrix.transposed()
        let userExtra = userRows.values.map { alpha * $0 }
        let itemExtra = itemRows.values.map { alpha * $0 }
        for _ in 0..<iterations {
            solve(rows: userRows, extra: userExtra, target: users, fixed: items)
            solve(rows: itemRows, extra: itemExtra, target: items, fixed: users)
        }
        for r in 0..<max(users.rows, items.rows) {
            if r < users.rows, !dot(users.row(r), users.row(r), users.chunks).isFinite {
                throw MLError(.fitFailed, "ALS user factors diverged")
            }
            if r < items.rows, !dot(items.row(r), items.row(r), items.chunks).isFinite {
                throw MLError(.fitFailed, "ALS item factors diverged")
            }
        }
        return ALSModel(
            userFactors: users,
            itemFactors: items,
            hyperparameters: .init(factors: factors, regularization: regularization, alpha: alpha, iterations: iterations, seed: seed)
        )
    }

    // MARK: - One half-sweep

    /// Gram matrix YᵀY + λI, row a at `gram + a·chunks`. Rows are summed in a fixed number of
    /// blocks (one partial sum each, added in block order), so the result does not depend on the
    /// thread count or scheduling.
    func gram(_ y: FactorMatrix) -> UnsafeMutablePointer<SIMD16<Float>> {
        let chunks = y.chunks
        let size = factors * chunks
        let blocks = max(1, min(16, (y.rows + 511) / 512))
        let blockSize = max(1, (y.rows + blocks - 1) / blocks)
        let partials = UnsafeMutablePointer<SIMD16<Float>>.allocate(capacity: blocks * size)
        partials.initialize(repeating: SIMD16<Float>(), count: blocks * size)
        defer { partials.deallocate() }
        let shared = UncheckedSendable(partials)
        let f = factors
        Parallel.forEachChunk(count: y.rows, chunkSize: blockSize, threads: threads) { range, _ in
            let g = shared.value + (range.lowerBound / blockSize) * size
            for r in range {
                let row = y.row(r)
                for a in 0..<f {
                    let s = SIMD16<Float>(repeating: row[a >> 4][a & 15])
                    let ga = g + a * chunks
                    for c in 0..<chunks { ga[c] += s * row[c] }
                }
            }
        }
        let result = UnsafeMutablePointer<SIMD16<Float>>.allocate(capacity: size)
        result.update(from: partials, count: size)
        for b in 1..<blocks { for i in 0..<size { result[i] += partials[b * size + i] } }
        for a in 0..<f { result[a * chunks + (a >> 4)][a & 15] += regularization }
        return result
    }

    /// Updates every row of `target` given `fixed`, by CG on the normal equations.
    func solve(rows: InteractionMatrix, extra: [Float], target: FactorMatrix, fixed: FactorMatrix) {
        switch target.chunks {
        case 1: solve(Factors16.self, rows: rows, extra: extra, target: target, fixed: fixed)
        case 2: solve(Factors32.self, rows: rows, extra: extra, target: target, fixed: fixed)
        case 4: solve(Factors64.self, rows: rows, extra: extra, target: target, fixed: fixed)
        case 8: solve(Factors128.self, rows: rows, extra: extra, target: target, fixed: fixed)
        default: solveAnyWidth(rows: rows, extra: extra, target: target, fixed: fixed)
        }
    }

    /// The CG solve with vectors of a fixed width held in registers.
    private func solve<V: FactorVector>(_: V.Type, rows: InteractionMatrix, extra: [Float], target: FactorMatrix, fixed: FactorMatrix) {
        let f = factors
        let g = gram(fixed)
        defer { g.deallocate() }
        let workers = max(1, threads)
        let scratch = UnsafeMutablePointer<SIMD16<Float>>.allocate(capacity: workers * V.chunks)
        scratch.initialize(repeating: SIMD16<Float>(), count: workers * V.chunks)
        defer { scratch.deallocate() }
        let steps = conjugateGradientSteps
        let shared = UncheckedSendable((g, scratch))
        rows.rowStarts.withUnsafeBufferPointer { starts in
            rows.columns.withUnsafeBufferPointer { columns in
                extra.withUnsafeBufferPointer { extra in
                    Parallel.forEachChunk(count: rows.rowCount, chunkSize: 64, threads: workers) { range, w in
                        let (g, scratch) = shared.value
                        // Scalars of a vector are read back through memory (a broadcast load).
                        let spill = UnsafeMutableRawPointer(scratch + w * V.chunks)
                        @inline(__always) func gramTimes(_ v: V) -> V {
                            v.store(spill.assumingMemoryBound(to: SIMD16<Float>.self))
                            var out = V.zero
                            for a in 0..<f { out = out.adding(spill.load(fromByteOffset: a * 4, as: Float.self), times: V(g + a * V.chunks)) }
                            return out
                        }
                        for u in range {
                            let begin = starts[u]
                            let end = starts[u + 1]
                            var x = V(target.row(u))
                            // r = Yᵀ C_u p_u − (YᵀY + λI + Yᵀ(C_u − I)Y) x
                            var r = V.zero.adding(-1, times: gramTimes(x))
                            for k in begin..<end {
                                let y = V(fixed.row(Int(columns[k])))
                                let e = extra[k]
                                r = r.adding((1 + e) - e * y.dot(x), times: y)
                            }
                            var rsOld = r.dot(r)
                            if rsOld < 1e-20 { continue }
                            var p = r
                            for _ in 0..<steps {
                                var ap = gramTimes(p)
                                for k in begin..<end {
                                    let y = V(fixed.row(Int(columns[k])))
                                    ap = ap.adding(extra[k] * y.dot(p), times: y)
                                }
                                let step = rsOld / p.dot(ap)
                                x = x.adding(step, times: p)
                                r = r.adding(-step, times: ap)
                                let rsNew = r.dot(r)
                                if rsNew < 1e-20 { break }
                                p = r.adding(rsNew / rsOld, times: p)
                                rsOld = rsNew
                            }
                            x.store(target.row(u))
                        }
                    }
                }
            }
        }
    }

    /// The CG solve for any width, on vectors in per-worker scratch memory.
    private func solveAnyWidth(rows: InteractionMatrix, extra: [Float], target: FactorMatrix, fixed: FactorMatrix) {
        let chunks = target.chunks
        let f = factors
        let g = gram(fixed)
        defer { g.deallocate() }
        let workers = max(1, threads)
        let scratch = UnsafeMutablePointer<SIMD16<Float>>.allocate(capacity: workers * 3 * chunks)
        scratch.initialize(repeating: SIMD16<Float>(), count: workers * 3 * chunks)
        defer { scratch.deallocate() }
        let steps = conjugateGradientSteps
        let shared = UncheckedSendable((g, scratch))
        rows.rowStarts.withUnsafeBufferPointer { starts in
            rows.columns.withUnsafeBufferPointer { columns in
                extra.withUnsafeBufferPointer { extra in
                    Parallel.forEachChunk(count: rows.rowCount, chunkSize: 128, threads: workers) { range, w in
                        let (g, scratch) = shared.value
                        let r = scratch + w * 3 * chunks
                        let p = r + chunks
                        let ap = p + chunks
                        for u in range {
                            let x = target.row(u)
                            let begin = starts[u]
                            let end = starts[u + 1]
                            // r = Yᵀ C_u p_u − (YᵀY + λI + Yᵀ(C_u − I)Y) x
                            gramTimes(g, x, into: r, factors: f, chunks: chunks, negate: true)
                            for k in begin..<end {
                                let y = fixed.row(Int(columns[k]))
                                let e = extra[k]
                                axpy((1 + e) - e * dot(y, x, chunks), y, r, chunks)
                            }
                            var rsOld = dot(r, r, chunks)
                            if rsOld < 1e-20 { continue }
                            p.update(from: r, count: chunks)
                            for _ in 0..<steps {
                                gramTimes(g, p, into: ap, factors: f, chunks: chunks, negate: false)
                                for k in begin..<end {
                                    let y = fixed.row(Int(columns[k]))
                                    axpy(extra[k] * dot(y, p, chunks), y, ap, chunks)
                                }
                                let step = rsOld / dot(p, ap, chunks)
                                axpy(step, p, x, chunks)
                                axpy(-step, ap, r, chunks)
                                let rsNew = dot(r, r, chunks)
                                if rsNew < 1e-20 { break }
                                let beta = SIMD16<Float>(repeating: rsNew / rsOld)
                                for c in 0..<chunks { p[c] = r[c] + beta * p[c] }
                                rsOld = rsNew
                            }
                        }
                    }
                }
            }
        }
    }
}

/// out = ±G·v for the symmetric Gram matrix G (rows of `chunks` vectors).
@inline(__always)
private func gramTimes(
    _ g: UnsafePointer<SIMD16<Float>>,
    _ v: UnsafePointer<SIMD16<Float>>,
    into out: UnsafeMutablePointer<SIMD16<Float>>,
    factors: Int,
    chunks: Int,
    negate: Bool
) {
    for c in 0..<chunks { out[c] = SIMD16<Float>() }
    for a in 0..<factors {
        let s = v[a >> 4][a & 15]
        axpy(negate ? -s : s, g + a * chunks, out, chunks)
    }
}
