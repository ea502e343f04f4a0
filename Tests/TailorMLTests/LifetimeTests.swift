import Foundation
import Testing

@testable import TailorML

@Suite("BG/NBD and Gamma-Gamma on CDNOW")
struct LifetimeTests {
    static let fitted: BetaGeometricNBD = {
        let customers = try! CustomerSummary.read(path: SharedData.path("cdnow/cdnow_customers_summary.csv"))
        return try! BetaGeometricNBD.fit(customers)
    }()

    @Test func publishedParameters() throws {
        let m = Self.fitted
        #expect(abs(m.r - 0.243) < 0.0005)
        #expect(abs(m.alpha - 4.414) < 0.0005)
        #expect(abs(m.a - 0.793) < 0.0005)
        #expect(abs(m.b - 2.426) < 0.0005)
        // Fader–Hardie report LL = −9582.4 for this fit.
        #expect(abs(m.logLikelihood - -9582.43) < 0.05)
    }

    @Test func likelihoodIsMaximal() {
        let customers = try! CustomerSummary.read(path: SharedData.path("cdnow/cdnow_customers_summary.csv"))
        let m = Self.fitted
        func ll(_ model: BetaGeometricNBD) -> Double { customers.reduce(0) { $0 + model.logLikelihood(of: $1) } }
        #expect(abs(ll(m) - m.logLikelihood) < 1e-6)
        for (dr, da) in [(1.01, 1.0), (0.99, 1.0), (1.0, 1.01), (1.0, 0.99)] {
            var other = m
            other.r *= dr
            other.a *= da
            #expect(ll(other) < ll(m))
        }
    }

    @Test func conditionalExpectation() {
        let c = CustomerSummary(frequency: 2, recency: 30.43, age: 38.86)
        let e = Self.fitted.conditionalExpectedPurchases(within: 39, for: c)
        #expect(abs(e - 1.226) < 0.0005)
    }

    @Test func expectedPurchasesCurve() {
        let ts = [0.1429, 1, 3, 31.8571, 32, 78]
        let expected = [0.0078, 0.0532, 0.1506, 1.0405, 1.0437, 1.8576]
        // Hardie's spreadsheet values, to three decimals (its fourth decimal reflects its rounded parameters).
        for (t, e) in zip(ts, expected) {
            #expect(abs(Self.fitted.expectedPurchases(within: t) - e) < 0.0005, "t=\(t)")
        }
    }

    @Test func probabilityAlive() {
        let m = Self.fitted
        #expect(m.probabilityAlive(CustomerSummary(frequency: 0, recency: 0, age: 38.86)) == 1)
        let recent = m.probabilityAlive(CustomerSummary(frequency: 5, recency: 38, age: 38.86))
        let lapsed = m.probabilityAlive(CustomerSummary(frequency: 5, recency: 5, age: 38.86))
        #expect(recent > 0.85 && recent < 0.9)  // 1 / (1 + 0.793/6.426 · (43.27/42.41)^5.243)
        #expect(lapsed < 0.2 && lapsed > 0)
    }

    @Test func gammaGamma() throws {
        let csv = try CSVReader(path: SharedData.path("cdnow/cdnow_customers_summary_with_transactions.csv"))
        let x = try csv.doubles(try csv.column("x"))
        let m = try csv.doubles(try csv.column("zbar"))
        let gg = try GammaGamma.fit(frequency: x, monetary: m)
        // Published to two decimals; the maximum of the likelihood is p=6.2488 q=3.7446 v=15.4477
        // (checked with scipy's optimizers), so v is 15.44 to within 0.01.
        #expect(abs(gg.p - 6.2488) < 0.0005)
        #expect(abs(gg.q - 3.7446) < 0.0005)
        #expect(abs(gg.v - 15.4477) < 0.0005)
        #expect(abs(gg.v - 15.44) < 0.01)
        #expect(abs(gg.logLikelihood - -4055.923) < 0.001)
        // Population mean spend and shrinkage towards it.
        let mean = gg.conditionalExpectedAverageValue(frequency: 0, monetary: 0)
        let heavy = gg.conditionalExpectedAverageValue(frequency: 20, monetary: 100)
        let light = gg.conditionalExpectedAverageValue(frequency: 1, monetary: 100)
        #expect(heavy > light && light > mean)
        #expect(abs(heavy - 100) < abs(light - 100))
    }

    @Test func lifetimeValue() throws {
        let gg = GammaGamma(p: 6.25, q: 3.74, v: 15.44)
        let c = CustomerSummary(frequency: 2, recency: 30.43, age: 38.86)
        let noDiscount = gg.customerLifetimeValue(
            transactions: Self.fitted,
            customer: c,
            monetary: 30,
            periods: 9,
            periodLength: 39.0 / 9
        )
        let expected =
            Self.fitted.conditionalExpectedPurchases(within: 39, for: c)
            * gg.conditionalExpectedAverageValue(frequency: 2, monetary: 30)
        #expect(abs(noDiscount - expected) < 1e-9)
        let discounted = gg.customerLifetimeValue(
            transactions: Self.fitted,
            customer: c,
            monetary: 30,
            periods: 9,
            periodLength: 39.0 / 9,
            discountRate: 0.01
        )
        #expect(discounted < noDiscount && discounted > noDiscount * 0.9)
    }

    @Test func rejectsBadInput() {
        #expect(throws: MLError.self) { try BetaGeometricNBD.fit([]) }
        #expect(throws: MLError.self) { try BetaGeometricNBD.fit([CustomerSummary(frequency: 1, recency: 5, age: 2)]) }
        #expect(throws: MLError.self) { try GammaGamma.fit(frequency: [1], monetary: []) }
    }

    @Test func summaryFromPurchases() throws {
        let s = try #require(CustomerSummary.from(purchaseTimes: [3, 10, 10.5, 20], observationEnd: 30))
        #expect(s.frequency == 2)
        #expect(s.recency == 17)
        #expect(s.age == 27)
    }
}
