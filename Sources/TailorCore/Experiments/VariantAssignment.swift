/// Deterministic assignment of units (profiles) to the arms of an experiment: the same unit always gets the
/// same arm, in any process, on any machine, without storing anything (docs/EXPERIMENTS.md, "Assignment").
///
/// A unit's **position** is a hash of the experiment's id and the unit's id mapped to [0, 1): FNV-1a (64 bits)
/// over the UTF-8 bytes of `experiment`, a NUL byte, `unit` (and, for an independent draw, a NUL and a salt),
/// finished by MurmurHash3's 64-bit mixer so that ids differing in one character land far apart; the top 53
/// bits divided by 2⁵³. The positions are cut by cumulative shares: the holdout takes [0, h), then each
/// variant in order a part of [h, 1) proportional to its weight. So changing the variants' weights never
/// moves a unit into or out of the holdout, and recomputing gives the same arm.
///
/// Pure: campaigns and the journeys' random split use it alike.
public struct VariantAssignment: Sendable, Hashable {
    /// The arm of units held out: they get nothing and measure what the variants add.
    public static let holdout = "holdout"

    /// One arm and its relative weight.
    public struct Arm: Sendable, Hashable {
        public var name: String
        public var weight: Double

        public init(_ name: String, weight: Double) {
            self.name = name
            self.weight = weight
        }
    }

    public let experiment: String
    public let arms: [Arm]
    /// The share of units in the holdout, in [0, 1).
    public let holdoutShare: Double
    /// The upper end of each arm's part of [0, 1), after the holdout's.
    private let cuts: [Double]

    /// - Parameters:
    ///   - experiment: the experiment's id (a campaign's id, a journey step's id).
    ///   - arms: at least one, weights positive (any scale).
    ///   - holdout: the share held out, in [0, 1).
    /// - Precondition: the arms and shares are valid (callers validate what users give).
    public init(experiment: String, arms: [Arm], holdout: Double = 0) {
        precondition(!arms.isEmpty && arms.allSatisfy { $0.weight > 0 && $0.weight.isFinite } && holdout >= 0 && holdout < 1)
        self.experiment = experiment
        self.arms = arms
        self.holdoutShare = holdout
        let total = arms.reduce(0) { $0 + $1.weight }
        var cuts: [Double] = []
        var running = 0.0
        for arm in arms {
            running += arm.weight
            cuts.append(holdout + (1 - holdout) * running / total)
        }
        cuts[cuts.count - 1] = 1
        self.cuts = cuts
    }

    /// The arm of a unit: `holdout` or an arm's name.
    public func arm(for unit: String) -> String {
        let u = Self.position(experiment: experiment, unit: unit)
        if u < holdoutShare { return Self.holdout }
        for (i, cut) in cuts.enumerated() where u < cut { return arms[i].name }
        return arms[arms.count - 1].name
    }

    /// Whether a unit is among the first `share` of the audience (a test phase): a draw independent of the arm.
    public func isInSample(_ unit: String, share: Double, salt: String = "test") -> Bool {
        Self.position(experiment: experiment, unit: unit, salt: salt) < share
    }

    /// Each arm's expected share of all units, the holdout's first when there is one (the sample-ratio check's weights).
    public var shares: [(name: String, share: Double)] {
        var out: [(String, Double)] = holdoutShare > 0 ? [(Self.holdout, holdoutShare)] : []
        var lower = holdoutShare
        for (i, cut) in cuts.enumerated() {
            out.append((arms[i].name, cut - lower))
            lower = cut
        }
        return out
    }

    // MARK: - The hash

    /// A unit's position in [0, 1) for an experiment (and a salt, for a draw independent of the arm's).
    public static func position(experiment: String, unit: String, salt: String? = nil) -> Double {
        var h: UInt64 = 0xcbf2_9ce4_8422_2325
        func mix(_ byte: UInt8) {
            h ^= UInt64(byte)
            h = h &* 0x0000_0100_0000_01b3
        }
        for b in experiment.utf8 { mix(b) }
        mix(0)
        for b in unit.utf8 { mix(b) }
        if let salt {
            mix(0)
            for b in salt.utf8 { mix(b) }
        }
        // MurmurHash3's fmix64: every input bit affects every output bit.
        h ^= h >> 33
        h = h &* 0xff51_afd7_ed55_8ccd
        h ^= h >> 33
        h = h &* 0xc4ce_b9fe_1a85_ec53
        h ^= h >> 33
        return Double(h >> 11) / 9_007_199_254_740_992  // 2⁵³
    }
}
