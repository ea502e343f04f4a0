import Foundation
import Testing
@testable import TailorCore

@Suite("Journey definitions and triggers")
struct JourneyDefinitionTests {
    let t0 = Date(millisecondsSince1970: 1_780_000_000_000)

    func definition(_ text: String) throws(JourneyDefinitionError) -> JourneyDefinition {
        guard let json = try? JSONParser.parse(text) else { throw JourneyDefinitionError("", "not JSON") }
        return try JourneyDefinition(json: json, id: "j", name: "J")
    }

    @Test func triggersFilterTheirEventsPropertiesAndSegmentTriggersTheirSegment() throws {
        let big = try definition(#"{"trigger": {"event": "Order Completed", "where": "total >= 100 and currency = \"USD\""}, "steps": [{"wait": "1d"}]}"#)
        func order(_ total: Double, _ currency: String) -> Message {
            .track("Order Completed", userId: "u", properties: ["total": .number(total), "currency": .string(currency)], at: t0)
        }
        #expect(big.trigger.matches(order(120, "USD")) && !big.trigger.matches(order(80, "USD")) && !big.trigger.matches(order(120, "EUR")))
        #expect(!big.trigger.matches(.track("Product Added", userId: "u", properties: ["total": 500, "currency": "USD"], at: t0)))

        let lapsed = try definition(#"{"trigger": {"segment_entered": "lapsed"}, "steps": [{"set_trait": {"name": "code", "code": true}}]}"#)
        let entered = MembershipChange(profile: ProfileID("p"), segmentId: "lapsed", segmentName: "Lapsed", entered: true, at: t0, reason: "time")
        let other = MembershipChange(profile: ProfileID("p"), segmentId: "vip", segmentName: "VIP", entered: true, at: t0, reason: "time")
        var exited = entered
        exited.entered = false
        #expect(lapsed.trigger.matches(entered.message) && !lapsed.trigger.matches(other.message) && !lapsed.trigger.matches(exited.message))
        #expect(lapsed.steps == [.setTrait(name: "code", value: nil)])
        // The JSON form reads back to the same definition.
        #expect(try JourneyDefinition(json: lapsed.json, id: "j", name: "J") == lapsed)
        #expect(try JourneyDefinition(json: big.json, id: "j", name: "J") == big)
    }

    @Test(arguments: [
        (#"{"trigger": {"event": "A", "where": "total >>= 1"}, "steps": [{"wait": "1d"}]}"#, "trigger.where"),
        (#"{"trigger": {"segment_entered": "x", "event": "A"}, "steps": [{"wait": "1d"}]}"#, "trigger.segment_entered"),
        (#"{"trigger": {"event": "A", "colour": 1}, "steps": [{"wait": "1d"}]}"#, "trigger.colour"),
        (#"{"trigger": {"event": "A"}, "steps": [{"set_trait": {"name": "x"}}]}"#, "steps[0].set_trait"),
        (#"{"trigger": {"event": "A"}, "steps": [{"fly": true}]}"#, "steps[0].fly"),
        (#"{"trigger": {"event": "A", "key": "cart"}, "steps": [{"wait": "1d"}]}"#, "trigger.key"),
    ])
    func badDefinitionsNameTheirPlace(text: String, path: String) {
        do {
            _ = try definition(text)
            Issue.record("accepted \(text)")
        } catch {
            #expect(error.path == path, "\(error)")
        }
    }

    /// The planner on its own: keyed runs, a newer trigger restarting the wait, the awaited event ending only
    /// its key's run, re-entry once per period.
    @Test func thePlannerKeysRestartsAndLimitsReentry() throws {
        let carts = try definition(#"""
            {"trigger": {"event": "Product Added", "not_followed_by": "Checkout", "within": "10m", "key": "properties.cart_id"},
             "reentry": {"once_per": "1h"}, "steps": [{"send": {"template": "t"}}]}
            """#)
        let p = ProfileID("p")
        func add(_ cart: String, _ at: TimeInterval) -> (profile: ProfileID, message: Message) {
            (p, .track("Product Added", userId: "u", properties: ["cart_id": .string(cart)], at: t0 + at, messageId: "a\(cart)\(at)"))
        }
        var plan = JourneyTriggerPlanner.plan([carts], events: [add("c1", 0), add("c2", 10), add("c1", 60)], runs: [], now: t0 + 60)
        #expect(plan.entries.map(\.key) == ["c1", "c2"] && plan.entries.map(\.dueAt) == [t0 + 660, t0 + 610])
        let stored = [JourneyTriggerPlanner.Run(id: 1, journey: "j", profile: p, key: "c1", active: true, step: 0, dueAt: t0 + 660, enteredAt: t0),
                      JourneyTriggerPlanner.Run(id: 2, journey: "j", profile: p, key: "c2", active: true, step: 0, dueAt: t0 + 610, enteredAt: t0 + 10)]
        let checkout = (p, Message.track("Checkout", userId: "u", properties: ["cart_id": "c2"], at: t0 + 120, messageId: "k"))
        plan = JourneyTriggerPlanner.plan([carts], events: [checkout, add("c1", 130)], runs: stored, now: t0 + 130)
        #expect(plan.exits == [2: "not_followed_by"] && plan.restarts == [1: t0 + 730] && plan.entries.isEmpty)
        // c2 again within the hour of its last entry: no new run; after it: one.
        let ended = stored.map { var r = $0; r.active = false; return r }
        #expect(JourneyTriggerPlanner.plan([carts], events: [add("c2", 1800)], runs: ended, now: t0 + 1800).entries.isEmpty)
        #expect(JourneyTriggerPlanner.plan([carts], events: [add("c2", 3700)], runs: ended, now: t0 + 3700).entries.count == 1)
        // An event older than a day starts nothing (imports of history).
        #expect(JourneyTriggerPlanner.plan([carts], events: [add("c9", 0)], runs: [], now: t0 + 2 * 86_400).isEmpty)
    }
}
