import Foundation
import Testing
import TailorCore
import TailorEngine
import TailorStore

@Suite("Experiment analysis")
struct ExperimentAnalysisTests {
    let design = CampaignExperiment(variants: [.init(name: "A", weight: 1), .init(name: "B", weight: 1)],
                                    test: .init(share: 0.5, duration: 86_400))

    /// n observations with a rate of successes spread evenly (deterministic).
    func stream(_ n: Int, rate: Double) -> [Double] {
        (0..<n).map { i in floor(Double(i + 1) * rate) > floor(Double(i) * rate) ? 1 : 0 }
    }

    @Test func aClearEffectNamesTheWinner() {
        let analysis = ExperimentAnalysis.analyze(design, observations: ["A": stream(400, rate: 0.05), "B": stream(400, rate: 0.25)])
        #expect(analysis.winner == "B" && analysis.leader == "B")
        #expect(!analysis.isBlocked)
        let c = try! #require(analysis.comparisons.first)
        #expect(c.a == "A" && c.b == "B" && c.pairs == 400 && abs(c.difference - 0.2) < 1e-12 && c.pValue <= 0.05)
        #expect(c.ciLow.map { $0 > 0 } == true)
    }

    @Test func noEffectNamesNoWinner() {
        let analysis = ExperimentAnalysis.analyze(design, observations: ["A": stream(400, rate: 0.1), "B": stream(400, rate: 0.1)])
        #expect(analysis.winner == nil && analysis.leader == "A")  // a tie goes to the first variant
        #expect(analysis.comparisons[0].pValue == 1 || analysis.comparisons[0].pValue > 0.05)
    }

    @Test func aSampleRatioMismatchBlocksTheWinner() {
        // B got 200 recipients where 300 were due: χ² = 2·(100²/300) ≈ 66.7, p ≈ 3e-16.
        let analysis = ExperimentAnalysis.analyze(design, observations: ["A": stream(400, rate: 0.05), "B": stream(200, rate: 0.5)])
        #expect(analysis.isBlocked)
        #expect(abs((analysis.srmChiSquare ?? 0) - 200.0 / 3.0) < 1e-9)
        #expect(analysis.json["srm"]?.objectValue?["mismatch"] == .bool(true))
    }

    @Test func threeVariantsNeedTheLeaderToBeatEveryOther() {
        let three = CampaignExperiment(variants: [.init(name: "A"), .init(name: "B"), .init(name: "C")], test: .init(share: 0.5, duration: 3600))
        let close = ExperimentAnalysis.analyze(three, observations: ["A": stream(500, rate: 0.05), "B": stream(500, rate: 0.3),
                                                                    "C": stream(500, rate: 0.29)])
        #expect(close.leader == "B" && close.winner == nil)  // B beats A but not C
        #expect(close.comparisons.count == 3)
        let clear = ExperimentAnalysis.analyze(three, observations: ["A": stream(500, rate: 0.05), "B": stream(500, rate: 0.3),
                                                                    "C": stream(500, rate: 0.05)])
        #expect(clear.winner == "B")
    }

    @Test func designsAreCheckedFieldByField() throws {
        func problem(_ json: String) -> String? {
            guard case .object(let o)? = try? JSONParser.parse(json) else { return "not json" }
            do {
                _ = try CampaignExperiment.parse(o)
                return nil
            } catch {
                return error.field
            }
        }
        #expect(problem(#"{"variants": [{"name": "A"}, {"name": "A"}]}"#) == "variants[1].name")
        #expect(problem(#"{"variants": [{"name": "holdout"}]}"#) == "variants[0].name")
        #expect(problem(#"{"variants": [{"name": "A", "weight": 0}]}"#) == "variants[0].weight")
        #expect(problem(#"{"variants": [{"name": "A"}], "holdout": 1.5}"#) == "holdout")
        #expect(problem(#"{"variants": [{"name": "A"}], "test": {"share": 0.2, "duration": "1h"}}"#) == "test")
        #expect(problem(#"{"variants": [{"name": "A"}, {"name": "B"}], "test": {"share": 0.2, "duration": "soon"}}"#) == "test.duration")
        #expect(problem(#"{"variants": [{"name": "A"}, {"name": "B"}], "test": {"share": 0.2, "duration": "1h", "metric": "likes"}}"#) == "test.metric")
        #expect(problem(#"{}"#) == "variants")
        // A holdout alone: the campaign's email is the one variant.
        let holdoutOnly = try CampaignExperiment.parse(["holdout": 0.1])
        #expect(holdoutOnly.variants.map(\.name) == ["control"])
        // The JSON form reads back as it was.
        let full = CampaignExperiment(variants: [.init(name: "A", weight: 3, subject: "Hi"), .init(name: "B", template: "other", sendTime: .optimal)],
                                      holdout: 0.1, test: .init(share: 0.3, duration: 7200, metric: .revenue, atEnd: .stop, alpha: 0.01))
        #expect(try CampaignExperiment.parse(full.json) == full)
    }
}
