import Foundation

/// The BG/NBD model of repeat buying (Fader, Hardie and Lee, "Counting Your Customers the Easy Way",
/// Marketing Science 2005).
///
/// While alive, a customer buys as a Poisson process with rate λ ~ Gamma(r, α); after each purchase
/// she drops out with probability p ~ Beta(a, b). The four parameters are fitted by maximum
/// likelihood on log-parameters with ``NelderMead``.
public struct BetaGeometricNBD: Sendable, Hashable {
    /// Shape of the purchase-rate Gamma distribution.
    public var r: Double
    /// Scale (rate) of the purchase-rate Gamma distribution, in the data's time unit.
    public var alpha: Double
    /// First shape of the drop-out Beta distribution.
    public var a: Double
    /// Second shape of the drop-out Beta distribution.
    public var b: Double
    /// Total log-likelihood of the data the model was fitted on (0 for hand-made models).
    public var logLikelihood: Double

    /// Creates a model from known parameters.
    public init(r: Double, alpha: Double, a: Double, b: Double, logLikelihood: Double = 0) {
        self.r = r
        self.alpha = alpha
        self.a = a
        self.b = b
        self.logLikelihood = logLikelihood
    }

    /// Fits the model to customer summaries by maximum likelihood.
    /// - Parameter customers: one summary per customer (frequency, recency, age).
    /// - Returns: the fitted model, with its log-likelihood.
    /// - Throws: ``MLError`` `.invalidArgument` for empty or inconsistent data, `.fitFailed` when the
    ///   optimizer finds no finite likelihood.
    public static func fit(_ customers: [CustomerSummary]) throws(MLError) -> BetaGeometricNBD {
        guard !customers.isEmpty else { throw MLError(.invalidArgument, "BG/NBD needs at least one customer") }
        // Identical summaries share one likelihood term, weighted by their count.
        var counts: [CustomerSummary: Double] = [:]
        for (index, c) in customers.enumerated() {
            guard c.frequency >= 0, c.recency >= 0, c.age > 0, c.recency <= c.age + 1e-9,
                c.frequency.isFinite, c.age.isFinite
            else {
                throw MLError(.invalidArgument, "BG/NBD summary \(index) needs frequency >= 0 and 0 <= recency <= T, T > 0")
            }
            counts[c, default: 0] += 1
        }
        // Sorted so the sum (and so the optimiser's path) is the same in every process: dictionary
        // order is seeded per process.
        let groups = counts.sorted { ($0.key.frequency, $0.key.recency, $0.key.age) < ($1.key.frequency, $1.key.recency, $1.key.age) }
        let objective: ([Double]) -> Double = { logParams in
            let model = BetaGeometricNBD(r: exp(logParams[0]), alpha: exp(logParams[1]), a: exp(logParams[2]), b: exp(logParams[3]))
            var total = 0.0
            for (summary, weight) in groups { total += weight * model.logLikelihood(of: summary) }
            return -total
        }
        var optimizer = NelderMead()
        optimizer.initialStep = 0.5
        let result = optimizer.minimize([0, 0, 0, 0], objective)
        guard result.value.isFinite else { throw MLError(.fitFailed, "BG/NBD likelihood is not finite at any tried parameters") }
        let p = result.point.map { exp($0) }
        return BetaGeometricNBD(r: p[0], alpha: p[1], a: p[2], b: p[3], logLikelihood: -result.value)
    }

    /// The log-likelihood of one customer's summary under this model (equation 6 of the paper).
    public func logLikelihood(of c: CustomerSummary) -> Double {
        let x = c.frequency
        let a1 = lgamma(r + x) - lgamma(r) + r * log(alpha)
        let a2 = lgamma(a + b) + lgamma(b + x) - lgamma(b) - lgamma(a + b + x)
        let a3 = -(r + x) * log(alpha + c.age)
        guard x > 0 else { return a1 + a2 + a3 }
        let a4 = log(a) - log(b + x - 1) - (r + x) * log(alpha + c.recency)
        return a1 + a2 + SpecialFunctions.logAddExp(a3, a4)
    }

    /// Expected number of purchases in a period of length `t` by a customer picked at random at the
    /// start of her life, E[X(t)] (equation 9 of the paper).
    public func expectedPurchases(within t: Double) -> Double {
        guard t > 0 else { return 0 }
        let z = t / (alpha + t)
        let f = SpecialFunctions.hypergeometric2F1(r, b, a + b - 1, z)
        return (a + b - 1) / (a - 1) * (1 - pow(alpha / (alpha + t), r) * f)
    }

    /// Expected number of purchases in the next `t` periods by a customer with the given history,
    /// E[Y(t) | x, tₓ, T] (equation 10 of the paper).
    public func conditionalExpectedPurchases(within t: Double, for c: CustomerSummary) -> Double {
        guard t > 0 else { return 0 }
        let x = c.frequency
        let big = alpha + c.age
        let z = t / (big + t)
        let f = SpecialFunctions.hypergeometric2F1(r + x, b + x, a + b + x - 1, z)
        let numerator = (a + b + x - 1) / (a - 1) * (1 - exp((r + x) * log(big / (big + t))) * f)
        return numerator / denominatorTerm(c)
    }

    /// Probability that a customer with the given history is still alive at the end of observation.
    public func probabilityAlive(_ c: CustomerSummary) -> Double { 1 / denominatorTerm(c) }

    /// 1 + δ(x>0) · a/(b+x−1) · ((α+T)/(α+tₓ))^(r+x), shared by P(alive) and E[Y(t)|…].
    private func denominatorTerm(_ c: CustomerSummary) -> Double {
        let x = c.frequency
        guard x > 0 else { return 1 }
        let logRatio = (r + x) * (log(alpha + c.age) - log(alpha + c.recency))
        return 1 + exp(log(a) - log(b + x - 1) + logRatio)
    }
}
