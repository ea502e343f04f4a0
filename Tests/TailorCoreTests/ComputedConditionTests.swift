import Foundation
import TailorCore
import TailorTesting
import Testing

/// `computed.*` in the condition language: both forms, the errors, the evaluator, explain and the catalog's
/// dependencies.
@Suite("Segment conditions on computed traits")
struct ComputedConditionTests {
    static let now = ISO8601.parse("2026-11-01T12:00:00Z")!

    func subject(_ computed: [String: FieldValue]) -> SegmentSubject {
        SegmentSubject(profileId: ProfileID("p_1"), createdAt: Self.now - 86_400, traits: [:], state: ProfileState(), computed: computed, events: [])
    }

    func holds(_ text: String, _ computed: [String: FieldValue]) throws -> Bool {
        SegmentEvaluator().evaluate(try Condition(text: text), subject(computed), now: Self.now)
    }

    @Test("every computed name parses, prints and goes through JSON unchanged")
    func names() throws {
        for field in ComputedField.allCases {
            let text = "computed.\(field.rawValue) >= 60"
            let c = try Condition(text: text)
            #expect(c == .field(.computed(field), .greaterOrEqual(.number(60))))
            #expect(c.text == text)
            #expect(c.json == ["field": .string("computed.\(field.rawValue)"), "op": ">=", "value": 60])
            #expect(try Condition(json: try JSONParser.parse(JSONWriter.string(c.json))) == c)
        }
        let label = try Condition(text: #"computed.cluster_label contains "high spend" and computed.cluster = 2"#)
        #expect(label == .all([.field(.computed(.clusterLabel), .contains("high spend")), .field(.computed(.cluster), .equals(.number(2)))]))
        #expect(try Condition(text: label.text) == label)
    }

    @Test("random conditions with computed traits survive both forms")
    func roundTrip() throws {
        var fuzz = SegmentFuzz(seed: 17, now: Self.now)
        var computed = 0
        for i in 0..<1500 {
            let c = fuzz.condition(depth: 3, full: true, computed: true)
            c.forEachAtom { if case .field(.computed, _) = $0 { computed += 1 } }
            #expect(try Condition(text: c.text) == c, "case \(i): \(c.text)")
            #expect(try Condition(json: try JSONParser.parse(JSONWriter.string(c.json))) == c, "case \(i)")
        }
        #expect(computed > 300)
    }

    @Test("an unknown computed name is refused where it is written", arguments: [
        ("computed.clustr = 1", 1, 10, "unknown computed trait; known: cluster, cluster_label, predicted_clv, probability_alive"),
        ("traits.city = \"Paris\" and\n  computed.engagement >= 60", 2, 12, "unknown computed trait"),
        ("computed = 1", 1, 10, "expected '.'"),
    ])
    func unknownName(text: String, line: Int, column: Int, message: String) {
        do {
            _ = try Condition(text: text)
            Issue.record("expected an error for \(text)")
        } catch {
            #expect(error.line == line && error.column == column, "\(error)")
            #expect(error.message.contains(message), "\(error)")
        }
    }

    @Test("the JSON form refuses an unknown computed name at its path")
    func unknownNameInJSON() {
        do {
            _ = try Condition(json: ["not": ["field": "computed.score", "op": ">", "value": 1]])
            Issue.record("expected an error")
        } catch {
            #expect(error.path == "where.not.field")
            #expect(error.message.hasPrefix("unknown computed trait; known: cluster, cluster_label, predicted_clv"), "\(error)")
        }
        #expect(throws: ConditionJSONError.self) { try Condition(json: ["field": "computed.cluster.x", "op": "=", "value": 1]) }
    }

    @Test("the evaluator reads the number, else the text; a missing value fails every comparison")
    func evaluation() throws {
        let scored: [String: FieldValue] = ["engagement_score": .number(60), "cluster": .number(2), "cluster_label": .text("recent, high spend"),
                                            "predicted_clv": .number(512.5), "probability_alive": .missing]
        #expect(try holds("computed.engagement_score >= 60", scored))
        #expect(try !holds("computed.engagement_score > 60", scored))
        #expect(try holds("computed.cluster = 2 and computed.predicted_clv > 500", scored))
        #expect(try holds(#"computed.cluster_label contains "high spend""#, scored))
        #expect(try !holds(#"computed.cluster = "2""#, scored))
        #expect(try holds(#"computed.cluster != "2""#, scored))
        // Missing: no comparison holds, `!=` included; `not` is the plain negation.
        for text in ["computed.probability_alive exists", "computed.probability_alive < 1", "computed.probability_alive != 0.5",
                     "computed.expected_purchases_90d >= 0"] {
            #expect(try !holds(text, scored), "\(text)")
        }
        #expect(try holds("not computed.expected_purchases_90d >= 0", scored))
        #expect(try !holds("computed.engagement_score >= 60", [:]))
    }

    @Test("explain shows the computed value")
    func explain() throws {
        let c = try Condition(text: #"computed.engagement_score >= 60 or computed.cluster_label = "typical""#)
        let e = SegmentEvaluator().explain(c, subject(["engagement_score": .number(42.5)]), now: Self.now)
        #expect(!e.held)
        #expect(e.children.map(\.condition) == ["computed.engagement_score >= 60", #"computed.cluster_label = "typical""#])
        #expect(e.children.map(\.value) == ["42.5", "missing"])
    }

    @Test("the catalog knows which segments read which computed traits, through references too")
    func dependencies() throws {
        func def(_ id: String, _ text: String) throws -> SegmentDefinition {
            SegmentDefinition(id: id, name: id, condition: try Condition(text: text), createdAt: Self.now)
        }
        let catalog = try SegmentCatalog([
            try def("engaged", "computed.engagement_score >= 60"),
            try def("engaged-vip", #"in segment "engaged" and traits.vip = true"#),
            try def("valuable", "computed.predicted_clv > 500 or computed.cluster = 0"),
            try def("ny", #"traits.city = "New York""#),
        ])
        #expect(catalog.readsComputed)
        #expect(catalog.dependencies["engaged-vip"]?.computed == [.engagementScore])
        #expect(catalog.readers(of: [.engagementScore]) == ["engaged", "engaged-vip"])
        #expect(catalog.readers(of: [.cluster, .clusterLabel]) == ["valuable"])
        #expect(catalog.readers(of: [.expectedPurchases90d]).isEmpty)
        #expect(!(try SegmentCatalog([try def("ny", #"traits.city = "New York""#)])).readsComputed)
        // Computed traits change with no message.
        #expect(!(catalog.dependencies["engaged"]!.affected(by: .track("Order Completed", userId: "u", at: Self.now, messageId: "m"))))
    }
}
