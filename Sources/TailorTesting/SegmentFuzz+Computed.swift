public import TailorCore
public import TailorStore

// MARK: - Computed traits

extension SegmentFuzz {
    static let clusterLabels = ["recent, high spend", "lapsed, low spend", "typical", "2026-10-30T08:00:00Z"]

    /// A random condition on a computed trait, with values near the ones ``computedTraits(of:)`` writes, of
    /// every kind (numbers, texts, dates against texts, a text against a number) so that both evaluators meet
    /// the number-else-text rule and missing values.
    public mutating func computedCondition() -> Condition {
        let field = rng.pick(ComputedField.allCases)
        let number: ConditionValue = field == .probabilityAlive ? .number(Double(rng.int(11)) / 10) : .number(Double(rng.int(8) * 25))
        let small: ConditionValue = .number(Double(rng.int(4)))
        let text: ConditionValue = .string(rng.pick(Self.clusterLabels))
        let cmp: Comparison = switch rng.int(12) {
        case 0: .equals(field == .cluster ? small : number)
        case 1: .notEquals(field == .cluster ? small : number)
        case 2: .greaterOrEqual(number)
        case 3: .less(number)
        case 4: .between(number, .number(Double(100 + rng.int(100))))
        case 5: .oneOf([small, text, number])
        case 6: .exists
        case 7: .equals(text)
        case 8: .contains(rng.pick(["spend", "typ", "2026"]))
        case 9: .startsWith(rng.pick(["recent", "lapsed", "t"]))
        case 10: .less(.date(now))
        default: .notEquals(text)
        }
        return .field(.computed(field), cmp)
    }

    /// Random computed traits of one profile: some names missing, numbers on the grid the conditions use, a
    /// label as text, now and then a text where a number is expected, a row with both (the number counts) or
    /// with neither (missing).
    public mutating func computedTraits(of profile: ProfileID) -> [ComputedTrait] {
        var out: [ComputedTrait] = []
        for field in ComputedField.allCases where rng.chance(0.7) {
            var trait = ComputedTrait(profileId: profile, name: field.rawValue)
            switch rng.int(10) {
            case 0: trait.text = rng.pick(Self.clusterLabels)
            case 1:
                trait.number = Double(rng.int(4))
                trait.text = rng.pick(Self.clusterLabels)
            case 2: break
            default:
                switch field {
                case .cluster: trait.number = Double(rng.int(4))
                case .clusterLabel: trait.text = rng.pick(Self.clusterLabels)
                case .probabilityAlive: trait.number = Double(rng.int(11)) / 10
                default: trait.number = Double(rng.int(8) * 25 + (rng.chance(0.3) ? 1 : 0))
                }
            }
            out.append(trait)
        }
        return out
    }
}
