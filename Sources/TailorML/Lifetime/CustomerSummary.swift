/// One customer's purchase history in the "RFM" form the lifetime models use.
///
/// Times are in any consistent unit (days, weeks), counted from the customer's first purchase.
public struct CustomerSummary: Sendable, Hashable {
    /// Number of repeat purchases (x): purchases after the first.
    public var frequency: Double
    /// Time of the last repeat purchase (tₓ); 0 when `frequency` is 0.
    public var recency: Double
    /// Age of the customer at the end of the observation period (T).
    public var age: Double

    /// Creates a summary; `recency` must lie in `0...age`.
    public init(frequency: Double, recency: Double, age: Double) {
        self.frequency = frequency
        self.recency = recency
        self.age = age
    }
}

extension CustomerSummary {
    /// Builds summaries from purchase times per customer: the first purchase starts the clock,
    /// repeat purchases on distinct periods count towards frequency (purchases in the same period
    /// as an earlier one are merged, as in Fader–Hardie's preparation of CDNOW).
    /// - Parameters:
    ///   - purchaseTimes: purchase times of one customer, any order, in the chosen unit.
    ///   - observationEnd: end of the calibration period in the same unit.
    ///   - periodLength: purchases are grouped into periods of this length before counting (1 = none).
    public static func from(purchaseTimes: [Double], observationEnd: Double, periodLength: Double = 1) -> CustomerSummary? {
        guard let first = purchaseTimes.min(), first <= observationEnd else { return nil }
        let periods = Set(purchaseTimes.filter { $0 <= observationEnd }.map { ($0 / periodLength).rounded(.down) })
        let last = periods.max()! * periodLength
        let start = (first / periodLength).rounded(.down) * periodLength
        let frequency = Double(periods.count - 1)
        return CustomerSummary(
            frequency: frequency,
            recency: frequency > 0 ? last - start : 0,
            age: observationEnd - start
        )
    }
}
