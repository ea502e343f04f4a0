import Foundation

/// Per-feature standardisation to zero mean and unit (population) standard deviation, as
/// scikit-learn's `StandardScaler`. Constant features keep scale 1 so they map to 0.
public struct Standardizer: Sendable, Hashable {
    /// Mean of each feature.
    public var means: [Double]
    /// Standard deviation of each feature (1 for constant features).
    public var scales: [Double]

    /// Learns means and scales from row-major data with `dimension` features.
    public init(fitting values: [Double], dimension: Int) {
        let n = values.count / max(dimension, 1)
        var means = [Double](repeating: 0, count: dimension)
        var squares = [Double](repeating: 0, count: dimension)
        for row in 0..<n { for j in 0..<dimension { means[j] += values[row * dimension + j] } }
        for j in 0..<dimension { means[j] /= Double(max(n, 1)) }
        for row in 0..<n {
            for j in 0..<dimension {
                let d = values[row * dimension + j] - means[j]
                squares[j] += d * d
            }
        }
        self.means = means
        self.scales = squares.map { s in
            let sd = (s / Double(max(n, 1))).squareRoot()
            return sd > 1e-12 ? sd : 1
        }
    }

    /// Maps row-major values to standard units.
    public func transform(_ values: [Double]) -> [Double] {
        let d = means.count
        return values.indices.map { (values[$0] - means[$0 % d]) / scales[$0 % d] }
    }

    /// Maps row-major standard units back to the original units.
    public func inverseTransform(_ values: [Double]) -> [Double] {
        let d = means.count
        return values.indices.map { values[$0] * scales[$0 % d] + means[$0 % d] }
    }
}
