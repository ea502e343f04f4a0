import Foundation
import Testing
@testable import TailorCore

@Suite("Journey steps and flow")
struct JourneyFlowTests {
    let t0 = Date(millisecondsSince1970: 1_780_000_000_000)

    func definition(_ steps: String) throws(JourneyDefinitionError) -> JourneyDefinition {
        guard let json = try? JSONParser.parse(#"{"trigger": {"event": "Signed Up"}, "steps": "# + steps + "}") else {
            throw JourneyDefinitionError("", "not JSON")
        }
        return try JourneyDefinition(json: json, id: "j", name: "J")
    }

    func refusal(_ steps: String) -> String? {
        do {
            _ = try definition(steps)
            return nil
        } catch {
            return error.description
        }
    }

    /// Branches, splits, waits for events or conditions and jumps read into steps and targets, and write
    /// back to the same definition.
    @Test func stepsReadIntoTargetsAndWriteBack() throws {
        let j = try definition(#"""
            [{"branch": {"if": "traits.vip = true", "else": "regular"}},
             {"id": "vip", "send": {"template": "vip"}, "next": "check"},
             {"id": "regular", "split": [{"name": "A", "weight": 1}, {"name": "B", "weight": 3, "then": "b"}]},
             {"wait": {"until": "09:30"}, "next": "check"},
             {"id": "b", "wait": {"until_trait": "renewal_date", "offset": "-3d", "at": "08:00"}},
             {"id": "check", "wait_for": {"event": "Order Completed", "where": "total > 50", "timeout": "2d", "on_timeout": "nudge"}},
             {"exit": true},
             {"id": "nudge", "wait_for": {"condition": "profile.order_count >= 1", "timeout": "1d"}},
             {"webhook": {"url": "https://crm.shop.test/hook", "secret": "0123456789abcdef"}}]
            """#)
        #expect(j.steps.count == 9)
        guard case .branch(let c, let then, let otherwise) = j.steps[0] else { Issue.record("not a branch"); return }
        #expect(c.text == "traits.vip = true" && then == 1 && otherwise == 2)
        #expect(j.successor(of: 1) == 5 && j.targets(of: 2) == [3, 4] && j.successor(of: 3) == 5)
        guard case .waitFor(let w) = j.steps[5] else { Issue.record("not a wait_for"); return }
        #expect(w.timeout == 2 * 86_400 && w.then == 6 && w.onTimeout == 7)
        #expect(j.awaitedEvents == ["Order Completed"] && j.awaitsConditions)
        #expect(j.steps[4] == .waitUntil(.trait(name: "renewal_date", offset: -3 * 86_400, at: TimeOfDay("08:00"))))
        #expect(j.steps[8] == .webhook(url: "https://crm.shop.test/hook", secret: "0123456789abcdef"))
        #expect(try JourneyDefinition(json: j.json, id: "j", name: "J") == j)
    }

    @Test(arguments: [
        (#"[{"id": "a", "wait": "1d", "next": "b"}, {"id": "b", "wait": "1d", "next": "a"}]"#, "steps[1] (b): goes back to steps[0] (a): a journey may not loop"),
        (#"[{"wait": "1d", "next": "c"}, {"wait": "2d"}, {"id": "c", "exit": true}]"#, "steps[1]: is unreachable: no step goes on to it"),
        (#"[{"exit": true}, {"wait": "1d"}]"#, "steps[1]: is unreachable: no step goes on to it"),
        (#"[{"branch": {"if": "traits.vip = true", "then": "nowhere"}}]"#, "steps[0].branch.then: expected the id of a step (no step has the id \"nowhere\")"),
        (#"[{"branch": {"if": "traits.vip = = true", "then": "x"}}, {"id": "x", "exit": true}]"#, "steps[0].branch.if: line 1, column 14: expected a value (a quoted string, a number, true, false or a date), found '='"),
        (#"[{"branch": {"if": "traits.vip = true"}}]"#, "steps[0].branch: give then, else or both (the ids of steps)"),
        (#"[{"split": [{"name": "A", "weight": 1}]}]"#, "steps[0].split: expected at least two paths: [{\"name\": N, \"weight\": W, \"then\": ID}, …]"),
        (#"[{"split": [{"name": "A", "weight": 1}, {"name": "B", "weight": 0}]}]"#, "steps[0].split[1].weight: expected a positive number"),
        (#"[{"split": [{"name": "A", "weight": 1}, {"name": "A", "weight": 2}]}]"#, "steps[0].split[1].name: A names two paths"),
        (#"[{"wait_for": {"event": "Order Completed"}}]"#, "steps[0].wait_for.timeout: is required: how long to wait at most"),
        (#"[{"wait_for": {"event": "X", "condition": "traits.a = 1", "timeout": "1d"}}]"#, "steps[0].wait_for: give either event or condition"),
        (#"[{"wait": {"until": "25:00"}}]"#, "steps[0].wait.until: expected a time of day, HH:MM"),
        (#"[{"wait": {"until_trait": "birthday", "offset": "3 days"}}]"#, "steps[0].wait.offset: expected a duration, negative for before the date (-3d)"),
        (#"[{"webhook": {"url": "ftp://x.test/", "secret": "0123456789abcdef"}}]"#, "steps[0].webhook.url: expected an http or https URL"),
        (#"[{"webhook": {"url": "https://x.test/", "secret": "short"}}]"#, "steps[0].webhook.secret: expected a signing secret of at least 16 characters"),
        (#"[{"id": "a", "wait": "1d"}, {"id": "a", "exit": true}]"#, "steps[1].id: a is already the id of steps[0]"),
        (#"[{"wait": "1d", "send": {"template": "t"}}]"#, "steps[0]: has wait and send: one action per step"),
        (#"[{"exit": true, "next": "a"}, {"id": "a", "wait": "1d"}]"#, "steps[0].next: an exit has no next step"),
    ])
    func badFlowsAreRefusedWithThePath(steps: String, message: String) {
        #expect(refusal(steps) == message)
    }

    /// A run's path is fixed, and the shares follow the weights (within 3σ on 10,000 profiles).
    @Test func splitsAreStableAndFollowTheirWeights() {
        let paths = [JourneyDefinition.SplitPath(name: "A", weight: 1, then: 1), .init(name: "B", weight: 3, then: 2)]
        var counts = [0, 0]
        for n in 0..<10_000 {
            let p = ProfileID("profile-\(n)")
            let k = JourneySplit.pick(paths, journey: "welcome", step: 2, profile: p, key: "")
            #expect(k == JourneySplit.pick(paths, journey: "welcome", step: 2, profile: p, key: ""))
            counts[k] += 1
        }
        let sigma = (10_000 * 0.25 * 0.75).squareRoot()
        #expect(abs(Double(counts[0]) - 2_500) < 3 * sigma)
    }

    /// A time of day is the next one on the recipient's clock, across a daylight-saving change.
    @Test func timesOfDayAreOnTheRecipientsClock() throws {
        let paris = try #require(TimeZone(identifier: "Europe/Paris"))
        let nine = try #require(TimeOfDay("09:00"))
        // 2026-03-28 20:00 UTC is 21:00 in Paris; the clocks go forward that night: 09:00 CEST is 07:00 UTC.
        let evening = try #require(ISO8601.parse("2026-03-28T20:00:00Z"))
        #expect(nine.next(atOrAfter: evening, in: paris) == ISO8601.parse("2026-03-29T07:00:00Z"))
        let morning = try #require(ISO8601.parse("2026-03-30T06:00:00Z"))  // 08:00 in Paris: today's 09:00 is ahead
        #expect(nine.next(atOrAfter: morning, in: paris) == ISO8601.parse("2026-03-30T07:00:00Z"))
        #expect(TimeOfDay("9:5") == nil && TimeOfDay("24:00") == nil && TimeOfDay("07:45")?.description == "07:45")
    }
}
