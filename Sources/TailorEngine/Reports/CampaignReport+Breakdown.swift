public import Foundation
public import TailorCore
public import TailorStore
import TailorStats

/// A campaign's figures by variant or by segment (docs/REPORTS.md, "By variant and by segment").
public struct CampaignBreakdown: Sendable, Hashable {
    public enum Dimension: String, Sendable, Hashable, CaseIterable {
        /// The experiment's variants, then the holdout.
        case variant
        /// The campaign's included segments, by membership when the audience snapshot was taken; a recipient
        /// in two of them counts in both.
        case segment

        /// The key of the groups in the report's JSON.
        public var plural: String { rawValue + "s" }
    }

    public var dimension: Dimension
    public var groups: [CampaignGroup]

    /// Groups the recipients and what they did (pure).
    /// - Parameters:
    ///   - order: the groups in the order to show (variants in the design's order, or the campaign's segments).
    ///   - recipients: the campaign's recipients as recorded (variant, segments, when recorded).
    ///   - activities: what each recipient did (``CampaignReport/activities(campaign:events:otherClicks:orders:window:opensCount:)``).
    ///   - eventVariants: the `variant` the events of a profile carried: the group of a profile that is not
    ///     among the recipients (its recipient row was merged into another profile).
    ///   - orders: every recipient's orders, for the lift against the holdout (by variant, when there is one).
    ///   - window: how long after a recipient was recorded an order counts for the lift.
    ///   - alpha: the intervals are at 1 − α.
    public static func make(_ dimension: Dimension, order: [String], recipients: [CampaignRecipient], activities: [ProfileID: RecipientActivity],
                            eventVariants: [ProfileID: String], orders: [OrderEvent]?, window: TimeInterval, alpha: Double = 0.05) -> CampaignBreakdown {
        var members: [String: [ProfileID]] = [:]
        var known = Set<ProfileID>()
        var anchors: [ProfileID: Date] = [:]
        for r in recipients {
            known.insert(r.profileID)
            anchors[r.profileID] = r.updatedAt
            switch dimension {
            case .variant: if let v = r.variant { members[v, default: []].append(r.profileID) }
            case .segment: for s in r.segments { members[s, default: []].append(r.profileID) }
            }
        }
        // Activity of profiles with no recipient row (merged away) goes to the variant its events carried.
        var strays: [String: [ProfileID]] = [:]
        if dimension == .variant {
            for (id, v) in eventVariants where !known.contains(id) { strays[v, default: []].append(id) }
        }
        var names = order.filter { members[$0] != nil || strays[$0] != nil }
        for name in (Set(members.keys).union(strays.keys)).subtracting(names).sorted() { names.append(name) }
        if dimension == .variant, let i = names.firstIndex(of: VariantAssignment.holdout) { names.append(names.remove(at: i)) }

        // Intention to treat: a recipient converted when they ordered within the window after being recorded.
        var converted = Set<ProfileID>()
        if let orders {
            for o in orders {
                guard let at = anchors[o.profileID], o.timestamp >= at, o.timestamp.timeIntervalSince(at) <= window else { continue }
                converted.insert(o.profileID)
            }
        }
        let holdout = members[VariantAssignment.holdout]
        let holdoutCount = holdout.flatMap { ids in try? BinomialCount(successes: ids.filter(converted.contains).count, trials: ids.count) }
        let groups = names.map { name -> CampaignGroup in
            let ids = members[name] ?? []
            let all = ids + (strays[name] ?? [])
            var group = CampaignGroup(name: name, figures: CampaignFigures(recipients: ids.count, activities: all.compactMap { activities[$0] }))
            if orders != nil, holdout != nil, !ids.isEmpty {
                let count = ids.filter(converted.contains).count
                group.convertedRecipients = count
                group.conversionRate = Double(count) / Double(ids.count)
                if name != VariantAssignment.holdout, let base = holdoutCount, let mine = try? BinomialCount(successes: count, trials: ids.count),
                   let test = try? TwoProportionZTest(a: base, b: mine, alpha: alpha) {
                    group.lift = CampaignGroup.Lift(difference: test.difference, low: test.interval.lower, high: test.interval.upper,
                                                    pValue: test.pValue, relative: base.rate > 0 ? test.difference / base.rate : nil)
                }
            }
            return group
        }
        return CampaignBreakdown(dimension: dimension, groups: groups)
    }
}

/// One variant's or segment's figures.
public struct CampaignGroup: Sendable, Hashable {
    /// The lift of a variant against the holdout: the difference of conversion rates (intention to treat),
    /// with Newcombe's hybrid score interval and the pooled z-test's p-value.
    public struct Lift: Sendable, Hashable {
        public var difference: Double
        public var low: Double
        public var high: Double
        public var pValue: Double
        /// The difference ÷ the holdout's rate; nil when the holdout's rate is 0.
        public var relative: Double?
    }

    public var name: String
    public var figures: CampaignFigures
    /// Recipients who ordered within the window after being recorded, clicked or not (with a holdout only).
    public var convertedRecipients: Int?
    public var conversionRate: Double?
    public var lift: Lift?

    /// Whether the group has the intention-to-treat figures.
    var itt: Int? { convertedRecipients }

    public func json(dimension: CampaignBreakdown.Dimension) -> JSONObject {
        var out = figures.json
        out[dimension.rawValue] = .string(name)
        if let n = convertedRecipients { out["converted_recipients"] = .number(Double(n)) }
        if let r = conversionRate { out["conversion_rate"] = .number(CampaignFigures.rate(r)) }
        if let lift {
            out["lift"] = .object([
                "difference": .number(CampaignFigures.rate(lift.difference)), "ci_low": .number(CampaignFigures.rate(lift.low)),
                "ci_high": .number(CampaignFigures.rate(lift.high)), "p_value": .number(lift.pValue),
                "relative": lift.relative.map { .number(CampaignFigures.rate($0)) } ?? .null,
            ])
        }
        return out
    }

    static let liftNames = ["converted_recipients", "conversion_rate", "lift", "lift_ci_low", "lift_ci_high", "lift_p_value"]

    var liftValues: [Double?] {
        [convertedRecipients.map(Double.init), conversionRate.map(CampaignFigures.rate), lift.map { CampaignFigures.rate($0.difference) },
         lift.map { CampaignFigures.rate($0.low) }, lift.map { CampaignFigures.rate($0.high) }, lift?.pValue]
    }
}
