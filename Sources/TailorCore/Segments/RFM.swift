/// The named RFM groups (docs/SEGMENTS.md has the grid).
public enum RFMGroup: String, Sendable, Hashable, CaseIterable {
    case champions = "Champions"
    case loyalCustomers = "Loyal Customers"
    case potentialLoyalists = "Potential Loyalists"
    case newCustomers = "New Customers"
    case promising = "Promising"
    case needAttention = "Need Attention"
    case aboutToSleep = "About to Sleep"
    case atRisk = "At Risk"
    case cantLoseThem = "Can't Lose Them"
    case hibernating = "Hibernating"
    case lost = "Lost"

    /// The group of a recency score and a frequency-monetary score (both 1–5): rows are R from 5 down to 1,
    /// columns FM from 1 to 5.
    public static func of(recency r: Int, frequencyMonetary fm: Int) -> RFMGroup {
        let grid: [[RFMGroup]] = [
            [.newCustomers, .potentialLoyalists, .potentialLoyalists, .champions, .champions],  // R 5
            [.promising, .potentialLoyalists, .potentialLoyalists, .champions, .champions],  // R 4
            [.aboutToSleep, .aboutToSleep, .needAttention, .loyalCustomers, .loyalCustomers],  // R 3
            [.hibernating, .hibernating, .atRisk, .atRisk, .cantLoseThem],  // R 2
            [.lost, .lost, .atRisk, .atRisk, .cantLoseThem],  // R 1
        ]
        return grid[5 - min(max(r, 1), 5)][min(max(fm, 1), 5) - 1]
    }
}

/// A customer's recency, frequency and monetary quintile scores (1–5, 5 best) and group.
public struct RFMScore: Sendable, Hashable {
    public var recency: Int
    public var frequency: Int
    public var monetary: Int

    public init(recency: Int, frequency: Int, monetary: Int) {
        self.recency = recency
        self.frequency = frequency
        self.monetary = monetary
    }

    /// `545`: R, F and M digits.
    public var code: String { "\(recency)\(frequency)\(monetary)" }
    /// F and M combined: their mean, halves rounded up.
    public var frequencyMonetary: Int { (frequency + monetary + 1) / 2 }
    public var group: RFMGroup { .of(recency: recency, frequencyMonetary: frequencyMonetary) }
}

/// Scores customers (profiles with at least one order) against each other.
///
/// Each measure is "higher is better": the time of the last order (recent beats old), the number of orders,
/// the revenue. A value's score is `1 + ⌊5 × below / n⌋`, where `below` counts the customers with a strictly
/// smaller value and `n` all customers: quintiles by rank, equal values always score the same.
public enum RFMScorer {
    public struct Customer: Sendable, Hashable {
        public var profile: ProfileID
        public var lastOrderAt: Int64
        public var orders: Int
        public var revenue: Double

        public init(profile: ProfileID, lastOrderAt: Int64, orders: Int, revenue: Double) {
            self.profile = profile
            self.lastOrderAt = lastOrderAt
            self.orders = orders
            self.revenue = revenue
        }
    }

    public static func score(_ customers: [Customer]) -> [ProfileID: RFMScore] {
        let n = customers.count
        guard n > 0 else { return [:] }
        func scores<T: Comparable>(_ value: (Customer) -> T) -> [Int] {
            let order = customers.indices.sorted { value(customers[$0]) < value(customers[$1]) }
            var out = [Int](repeating: 1, count: n)
            var below = 0
            var i = 0
            while i < n {
                var j = i
                let v = value(customers[order[i]])
                while j < n, value(customers[order[j]]) == v { j += 1 }
                let s = 1 + (5 * below) / n
                for k in i..<j { out[order[k]] = s }
                below = j
                i = j
            }
            return out
        }
        let r = scores { $0.lastOrderAt }
        let f = scores { $0.orders }
        let m = scores { $0.revenue }
        var result: [ProfileID: RFMScore] = [:]
        result.reserveCapacity(n)
        for (i, c) in customers.enumerated() { result[c.profile] = RFMScore(recency: r[i], frequency: f[i], monetary: m[i]) }
        return result
    }
}
