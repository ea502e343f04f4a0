import ArgumentParser
import Foundation
import TailorEngine

/// `tailor ml clv`: BG/NBD and Gamma-Gamma fitted on the store, predicted value written as computed traits.
struct MLCLVCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "clv",
        abstract: "Fit BG/NBD and Gamma-Gamma on the store's orders, write predicted value traits, print parameters and a summary.",
        discussion: "Time is in days; repeat purchases count distinct UTC days. Every profile with orders gets `probability_alive`, "
            + "`expected_purchases_90d` and `predicted_clv` (over --horizon days, 30-day periods discounted by --discount).")

    @Option(help: "CLV horizon in days.") var horizon: Double = 365
    @Option(help: "Discount per 30-day period (0.01 = 1 %).") var discount: Double = 0.01
    @OptionGroup var global: GlobalOptions

    func validate() throws {
        guard horizon > 0 else { throw ValidationError("--horizon must be positive") }
        guard discount >= 0 else { throw ValidationError("--discount must be ≥ 0") }
    }

    func run() async throws {
        var settings = LifetimeSettings(horizonDays: horizon)
        settings.monthlyDiscountRate = discount
        let runtime = try await Runtime.open(try global.settings())
        let report: LifetimeReport
        do {
            report = try await ComputedTraitService(stores: runtime.stores, clock: runtime.clock)
                .computeLifetimeValue(settings: settings, now: runtime.clock.now())
        } catch {
            await runtime.close()
            throw error
        }
        await runtime.close()
        try MLOutput.print(report.json)
    }
}

extension LifetimeReport {
    static func quantiles(_ sorted: [Double]) -> [String: Any] {
        guard !sorted.isEmpty else { return [:] }
        var out: [String: Any] = ["mean": sorted.reduce(0, +) / Double(sorted.count), "total": sorted.reduce(0, +)]
        for (name, q) in [("p10", 0.1), ("p25", 0.25), ("p50", 0.5), ("p75", 0.75), ("p90", 0.9), ("max", 1.0)] {
            out[name] = LifetimeReport.quantile(sorted, q)
        }
        return out
    }

    var json: [String: Any] {
        var out: [String: Any] = [
            "customers": customers, "repeat_customers": repeatCustomers, "horizon_days": horizonDays,
            "bgnbd": ["r": transactions.r, "alpha": transactions.alpha, "a": transactions.a, "b": transactions.b,
                      "log_likelihood": transactions.logLikelihood],
            "probability_alive": Self.quantiles(probabilityAlive), "segments": MLOutput.json(refresh),
        ]
        if let value {
            out["gamma_gamma"] = ["p": value.p, "q": value.q, "v": value.v, "log_likelihood": value.logLikelihood]
            out["predicted_clv"] = Self.quantiles(clv)
        } else {
            out["gamma_gamma"] = NSNull()
            out["note"] = "too few repeat customers to fit Gamma-Gamma: predicted_clv not written"
        }
        return out
    }
}
