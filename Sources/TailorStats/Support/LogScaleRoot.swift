/// Finds where an increasing function of u = ln x crosses zero: the quantile solvers' common engine.
///
/// The distributions' quantiles are solved for the logarithm of the distance from the centre, on the
/// logarithm of the tail probability. In those coordinates the equations are close to straight lines in both
/// directions (a power-law or Gaussian tail, a mass that grows linearly from the centre), so Newton's method
/// converges in a few steps from a rough start, and relative accuracy in u is relative accuracy in x.
/// Steps that would leave the bracket found so far are replaced by bisection, and the bracket is first grown
/// geometrically, so the solve cannot diverge whatever the start.
enum LogScaleRoot {
    /// The smallest and largest u whose exponential is a positive finite Double.
    static let lowest = -744.4
    static let highest = 709.78

    /// Solves f(u) = 0.
    /// - Parameters:
    ///   - start: A first guess.
    ///   - f: An increasing function and its derivative. Values may be ±∞ far from the root.
    /// - Returns: The root; −∞ if f > 0 even at `lowest` (the quantile underflows to 0), +∞ if f < 0 even at
    ///   `highest` (it overflows).
    static func solve(from start: Double, _ f: (Double) -> (value: Double, slope: Double)) -> Double {
        var below = -Double.infinity  // largest u known to have f < 0
        var above = Double.infinity  // smallest u known to have f > 0
        var u = min(max(start, lowest), highest)
        var expansion = 1.0
        for _ in 0..<400 {
            let (value, slope) = f(u)
            if value == 0 { return u }
            if value < 0 {
                below = u
                if u >= highest { return .infinity }
            } else if value > 0 {
                above = u
                if u <= lowest { return -.infinity }
            } else {
                // NaN: step back towards whichever side is known; with neither, there is nothing to solve.
                guard below.isFinite || above.isFinite else { return .nan }
                u = below.isFinite && above.isFinite ? 0.5 * (below + above) : (below.isFinite ? below : above)
                continue
            }
            var next = u - value / slope
            let bracketed = below.isFinite && above.isFinite
            if !(next.isFinite && next > below && next < above) || (!bracketed && abs(next - u) > 64) {
                if bracketed {
                    next = 0.5 * (below + above)
                } else {
                    // No crossing seen yet on one side: walk towards it, doubling the stride.
                    next = below.isFinite ? u + expansion : u - expansion
                    expansion *= 2
                }
            }
            next = min(max(next, lowest), highest)
            if abs(next - u) <= 1e-9 * max(1, abs(u)) {
                // Newton's error squares at each step: one more step from here lands at rounding level.
                let (value, slope) = f(next)
                let last = next - value / slope
                return last.isFinite && abs(last - next) <= 1e-9 * max(1, abs(next)) ? last : next
            }
            if bracketed, above - below <= 1e-15 * max(1, abs(u)) { return 0.5 * (below + above) }
            u = next
        }
        return u
    }
}
