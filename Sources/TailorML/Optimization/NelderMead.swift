/// Derivative-free minimisation by the Nelder–Mead simplex method, with the dimension-adaptive
/// coefficients of Gao and Han (2012) and automatic restarts from the best point (a restart rebuilds
/// the simplex, which escapes the collapsed simplices Nelder–Mead is known for).
///
/// Used to fit the lifetime models by maximum likelihood on log-parameters, where the objective is
/// smooth but badly scaled.
public struct NelderMead: Sendable {
    /// Stop when the spread of objective values in the simplex is below this (absolute).
    public var functionTolerance: Double = 1e-12
    /// Stop when the simplex is smaller than this in every coordinate.
    public var pointTolerance: Double = 1e-10
    /// Maximum objective evaluations per run.
    public var maxEvaluations: Int = 20_000
    /// Restarts after convergence; the search ends early when a restart no longer improves.
    public var restarts: Int = 4
    /// Size of the initial simplex's steps.
    public var initialStep: Double = 0.25

    /// Creates a minimiser with default tolerances.
    public init() {}

    /// The result of a minimisation.
    public struct Result: Sendable {
        /// The best point found.
        public var point: [Double]
        /// The objective at `point`.
        public var value: Double
        /// Objective evaluations used.
        public var evaluations: Int
    }

    /// Minimises `objective` from `start`. Non-finite objective values are treated as +∞.
    public func minimize(_ start: [Double], _ objective: ([Double]) -> Double) -> Result {
        var best = start
        var bestValue = safe(objective(start))
        var evaluations = 1
        for _ in 0...restarts {
            let run = simplexRun(from: best, objective)
            evaluations += run.evaluations
            let improved = bestValue - run.value
            if run.value < bestValue {
                best = run.point
                bestValue = run.value
            }
            if improved.isFinite && improved < functionTolerance { break }
        }
        return Result(point: best, value: bestValue, evaluations: evaluations)
    }

    @inline(__always) private func safe(_ v: Double) -> Double { v.isFinite ? v : .infinity }

    private func simplexRun(from start: [Double], _ f: ([Double]) -> Double) -> Result {
        let n = start.count
        let dim = Double(n)
        let alpha = 1.0
        let beta = 1.0 + 2.0 / dim
        let gamma = 0.75 - 1.0 / (2.0 * dim)
        let delta = n >= 2 ? 1.0 - 1.0 / dim : 0.5
        var points = [start]
        for i in 0..<n {
            var p = start
            p[i] += p[i] == 0 ? initialStep : initialStep * max(1, abs(p[i]))
            points.append(p)
        }
        var values = points.map { safe(f($0)) }
        var evaluations = values.count
        while evaluations < maxEvaluations {
            let order = values.indices.sorted { values[$0] < values[$1] }
            points = order.map { points[$0] }
            values = order.map { values[$0] }
            let spread = values[n] - values[0]
            var size = 0.0
            for p in points.dropFirst() {
                for j in 0..<n { size = max(size, abs(p[j] - points[0][j])) }
            }
            if spread.isFinite && spread <= functionTolerance && size <= pointTolerance { break }
            if size <= pointTolerance * 1e-3 { break }
            var centroid = [Double](repeating: 0, count: n)
            for p in points.prefix(n) { for j in 0..<n { centroid[j] += p[j] / dim } }
            func along(_ t: Double) -> [Double] { (0..<n).map { centroid[$0] + t * (points[n][$0] - centroid[$0]) } }
            let reflected = along(-alpha)
            let fr = safe(f(reflected))
            evaluations += 1
            if fr < values[0] {
                let expanded = along(-alpha * beta)
                let fe = safe(f(expanded))
                evaluations += 1
                if fe < fr { (points[n], values[n]) = (expanded, fe) } else { (points[n], values[n]) = (reflected, fr) }
            } else if fr < values[n - 1] {
                (points[n], values[n]) = (reflected, fr)
            } else {
                let outside = fr < values[n]
                let contracted = along(outside ? -alpha * gamma : gamma)
                let fc = safe(f(contracted))
                evaluations += 1
                if fc < (outside ? fr : values[n]) {
                    (points[n], values[n]) = (contracted, fc)
                } else {
                    for i in 1...n {
                        points[i] = (0..<n).map { points[0][$0] + delta * (points[i][$0] - points[0][$0]) }
                        values[i] = safe(f(points[i]))
                    }
                    evaluations += n
                }
            }
        }
        let bestIndex = values.indices.min { values[$0] < values[$1] }!
        return Result(point: points[bestIndex], value: values[bestIndex], evaluations: evaluations)
    }
}
