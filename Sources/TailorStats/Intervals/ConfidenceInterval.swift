/// A closed interval [lower, upper] of a parameter's plausible values.
///
/// Encoded as `{"lower": …, "upper": …}` with an infinite bound (a confidence sequence before any data) as
/// `null`, since JSON has no infinity.
public struct ConfidenceInterval: Sendable, Hashable {
    /// The lower bound (may be −∞).
    public let lower: Double
    /// The upper bound (may be +∞).
    public let upper: Double

    /// Creates an interval.
    /// - Parameters:
    ///   - lower: The lower bound.
    ///   - upper: The upper bound; at least `lower` (as for `ClosedRange`, anything else is a programming error).
    public init(lower: Double, upper: Double) {
        precondition(!(lower > upper), "a confidence interval needs lower <= upper")
        self.lower = lower
        self.upper = upper
    }

    /// The whole real line: what is known before any data.
    public static let everything = ConfidenceInterval(lower: -.infinity, upper: .infinity)

    /// Whether `value` lies in [lower, upper].
    /// - Parameter value: The value to look for.
    /// - Returns: `true` when lower ≤ value ≤ upper.
    public func contains(_ value: Double) -> Bool { lower <= value && value <= upper }

    /// upper − lower.
    public var width: Double { upper - lower }
}

extension ConfidenceInterval: Codable {
    enum CodingKeys: String, CodingKey {
        case lower
        case upper
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        let lower = try container.decodeIfPresent(Double.self, forKey: .lower) ?? -.infinity
        let upper = try container.decodeIfPresent(Double.self, forKey: .upper) ?? .infinity
        guard !(lower > upper) else {
            throw DecodingError.dataCorruptedError(forKey: .upper, in: container, debugDescription: "upper bound below lower bound")
        }
        self.init(lower: lower, upper: upper)
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        if lower.isFinite { try container.encode(lower, forKey: .lower) } else { try container.encodeNil(forKey: .lower) }
        if upper.isFinite { try container.encode(upper, forKey: .upper) } else { try container.encodeNil(forKey: .upper) }
    }
}
