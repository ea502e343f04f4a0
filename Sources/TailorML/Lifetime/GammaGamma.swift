import Foundation

/// The Gamma-Gamma model of average transaction value (Fader, Hardie and Lee, "RFM and CLV: Using
/// Iso-value Curves for Customer Base Analysis", 2005; Fader and Hardie's note on the Gamma-Gamma
/// spend model).
///
/// A customer's transaction values are Gamma(p, ν) with ν ~ Gamma(q, γ); the spread parameter γ is
/// called `v` here, as in the literature's software. It is fitted on customers with at least one
/// repeat purchase, from their number of repeat purchases and mean repeat-transaction value.
public struct GammaGamma: Sendable, Hashable {
    /// Shape of the per-transaction Gamma distribution.
    public var p: Double
    /// Shape of the Gamma distribution of ν across customers.
    public var q: Double
    /// Scale of the Gamma distribution of ν across customers (γ).
    public var v: Double
    /// Total log-likelihood of the data the model was fitted on.
    public var logLikelihood: Double

    /// Creates a model from known parameters.
    public init(p: Double, q: Double, v: Double, logLikelihood: Double = 0) {
        self.p = p
        self.q = q
        self.v = v
        self.logLikelihood = logLikelihood
    }

    /// Fits the model by maximum likelihood.
    /// - Parameters:
    ///   - frequency: number of repeat transactions per customer (customers with 0 are skipped).
    ///   - monetary: mean value of those transactions, positive, same order as `frequency`.
    /// - Throws: ``MLError`` `.invalidArgument` when the arrays differ in length or no customer has
    ///   repeat transactions; `.fitFailed` when no finite likelihood is found.
    public static func fit(frequency: [Double], monetary: [Double]) throws(MLError) -> GammaGamma {
        guard frequency.count == monetary.count else {
            throw MLError(.invalidArgument, "Gamma-Gamma needs as many monetary values as frequencies")
        }
        var rows: [(x: Double, m: Double)] = []
        for (x, m) in zip(frequency, monetary) where x > 0 {
            guard m > 0, m.isFinite else { throw MLError(.invalidArgument, "Gamma-Gamma monetary values must be positive") }
            rows.append((x, m))
        }
        guard !rows.isEmpty else { throw MLError(.invalidArgument, "Gamma-Gamma needs customers with repeat purchases") }
        let objective: ([Double]) -> Double = { logParams in
            let model = GammaGamma(p: exp(logParams[0]), q: exp(logParams[1]), v: exp(logParams[2]))
            var total = 0.0
            for row in rows { total += model.logLikelihood(frequency: row.x, monetary: row.m) }
            return -total
        }
        var optimizer = NelderMead()
        optimizer.initialStep = 0.5
        let result = optimizer.minimize([0, 0, 0], objective)
        guard result.value.isFinite else { throw MLError(.fitFailed, "Gamma-Gamma likelihood is not finite at any tried parameters") }
        let e = result.point.map { exp($0) }
        return GammaGamma(p: e[0], q: e[1], v: e[2], logLikelihood: -result.value)
    }

    /// Log-likelihood of one customer's mean transaction value `monetary` over `frequency` transactions.
    public func logLikelihood(frequency x: Double, monetary m: Double) -> Double {
        let px = p * x
        return lgamma(px + q) - lgamma(px) - lgamma(q) + q * log(v) + (px - 1) * log(m) + px * log(x)
            - (px + q) * log(x * m + v)
    }

    /// Expected mean transaction value of a customer given her history, E[M | x, m̄].
    /// Customers with no repeat purchases get the population mean p·v/(q−1).
    public func conditionalExpectedAverageValue(frequency x: Double, monetary m: Double) -> Double {
        guard x > 0 else { return p * v / (q - 1) }
        return p * (v + x * m) / (p * x + q - 1)
    }

    /// Customer lifetime value over a horizon: expected purchases in each of `periods` periods of
    /// length `periodLength` (from ``BetaGeometricNBD``), times the expected transaction value,
    /// discounted by `discountRate` per period.
    /// - Parameters:
    ///   - transactions: the fitted purchase model.
    ///   - customer: the customer's history, in the purchase model's time unit.
    ///   - monetary: the customer's mean repeat-transaction value (ignored when frequency is 0).
    ///   - periods: number of periods in the horizon.
    ///   - periodLength: length of a period in the purchase model's time unit (4.345 weeks = a month).
    ///   - discountRate: discount per period (0.01 = 1 % a period).
    public func customerLifetimeValue(
        transactions: BetaGeometricNBD,
        customer: CustomerSummary,
        monetary: Double,
        periods: Int,
        periodLength: Double,
        discountRate: Double = 0
    ) -> Double {
        let value = conditionalExpectedAverageValue(frequency: customer.frequency, monetary: monetary)
        var total = 0.0
        var previous = 0.0
        for i in stride(from: 1, through: max(0, periods), by: 1) {
            let cumulative = transactions.conditionalExpectedPurchases(within: Double(i) * periodLength, for: customer)
            total += value * (cumulative - previous) / pow(1 + discountRate, Double(i))
            previous = cumulative
        }
        return total
    }
}
