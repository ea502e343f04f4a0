import Foundation
import TailorCore
import TailorTesting
import Testing

@Suite("Segment conditions: text and JSON forms")
struct SegmentConditionTests {
    static let now = ISO8601.parse("2026-11-01T12:00:00Z")!

    @Test("random conditions survive text → condition and JSON → condition unchanged")
    func roundTrip() throws {
        var fuzz = SegmentFuzz(seed: 7, now: Self.now)
        for i in 0..<3000 {
            let c = fuzz.condition(depth: 3, full: true)
            let text = c.text
            let fromText: Condition
            do { fromText = try Condition(text: text) } catch {
                Issue.record("case \(i): \(error) in \(text)")
                continue
            }
            #expect(fromText == c, "case \(i): \(text)")
            // Through serialized JSON bytes, as the API receives it.
            let bytes = JSONWriter.string(c.json)
            let fromJSON = try Condition(json: try JSONParser.parse(bytes))
            #expect(fromJSON == c, "case \(i): \(bytes)")
            #expect(fromJSON.text == text)
        }
    }

    @Test("the templates parse and print back as written")
    func templates() throws {
        for t in SegmentTemplates.all {
            let c = try Condition(text: t.text)
            #expect(c.text == t.text, "\(t.id)")
            #expect(SegmentDefinition.slug(t.name) == t.id)
        }
        #expect(SegmentTemplates.named("Lapsed")?.id == "lapsed")
        #expect(SegmentTemplates.named("cart-abandoners-over-50") != nil)
    }

    @Test("the text form reads what people write")
    func readable() throws {
        let c = try Condition(text: """
            (traits.city = "New York" or traits.address."zip code" starts with "100")
              and not count("Order Completed" where total >= 100 in last 30 days) > 2
              and last("Email Opened") within 2 weeks
            """)
        guard case .all(let parts) = c, parts.count == 3 else { Issue.record("expected three parts: \(c)"); return }
        #expect(parts[0] == .any([.field(.trait(["city"]), .equals(.string("New York"))),
                                  .field(.trait(["address", "zip code"]), .startsWith("100"))]))
        #expect(parts[1] == .not(.event(EventAggregate(.count, EventQuery(names: .named(["Order Completed"]),
            filters: [PropertyFilter(path: ["total"], comparison: .greaterOrEqual(.number(100)))],
            window: .last(TimeSpan(30, .days)))), .greater(.number(2)))))
        #expect(parts[2] == .event(EventAggregate(.last, EventQuery(names: .named(["Email Opened"]))), .within(TimeSpan(2, .weeks))))
        let seq = try Condition(text: #""Product Added" in last 7 days not followed by "Order Completed" within 1 hour"#)
        #expect(seq == .notFollowed(SequenceCondition(first: EventQuery(names: .named(["Product Added"]), window: .last(TimeSpan(7, .days))),
                                                      then: EventQuery(names: .named(["Order Completed"])), within: TimeSpan(1, .hours))))
    }

    @Test("syntax errors say what and where", arguments: [
        (#"traits.city = "New York" and"#, 1, 29, "expected a condition"),
        ("count(\"Order Completed\" in last 30 dayz) > 5", 1, 36, "time unit"),
        ("traits.city\n  == 3", 2, 4, "expected a value"),
        (#"profile.orders > 3"#, 1, 9, "unknown profile field"),
        (#"traits.city = "open"#, 1, 15, "unterminated string"),
        (#"traits.city = 3 4"#, 1, 17, "after a complete condition"),
    ])
    func syntaxErrors(text: String, line: Int, column: Int, message: String) {
        do {
            _ = try Condition(text: text)
            Issue.record("expected an error for \(text)")
        } catch {
            #expect(error.line == line && error.column == column, "\(error)")
            #expect(error.message.contains(message), "\(error)")
        }
    }

    @Test("JSON errors name the path")
    func jsonErrors() throws {
        let bad = try JSONParser.parse(#"{"and": [{"field": "traits.city", "op": "="}, {"event": {"names": []}, "op": ">", "value": 1}]}"#)
        #expect(throws: ConditionJSONError(path: "where.and[0].value", message: "missing value")) { try Condition(json: bad) }
        let op = try JSONParser.parse(#"{"not": {"field": "profile.revenue", "op": "~", "value": 1}}"#)
        #expect(throws: ConditionJSONError(path: "where.not.op", message: "unknown operator '~'")) { try Condition(json: op) }
    }

    @Test("a catalog rejects cycles, unknown references and personal traits")
    func catalogValidation() throws {
        func def(_ id: String, _ text: String) throws -> SegmentDefinition {
            SegmentDefinition(id: id, name: id, condition: try Condition(text: text), createdAt: Self.now)
        }
        #expect(throws: SegmentDefinitionError("segments refer to each other in a cycle: a → b → a")) {
            try SegmentCatalog([try def("a", #"in segment "b""#), try def("b", #"in segment "a" or traits.x = 1"#)])
        }
        #expect(throws: SegmentDefinitionError("segment a refers to unknown segment nope")) {
            try SegmentCatalog([try def("a", #"in segment "nope""#)])
        }
        #expect(throws: SegmentDefinitionError("traits.email is personal data, sealed at rest; segments cannot query it")) {
            try SegmentCatalog([try def("a", #"traits.email contains "@gmail""#)])
        }
        let catalog = try SegmentCatalog([try def("vip-ny", #"in segment "ny" and traits.vip = true"#), try def("ny", #"traits.city = "New York""#)])
        #expect(catalog.order == ["ny", "vip-ny"])
        #expect(catalog.dependencies["vip-ny"]?.traitKeys == ["vip", "city"])
    }
}
