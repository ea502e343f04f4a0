import Foundation
import Testing
import TailorCore

@Suite("Identity resolution")
struct IngestPlannerTests {
    let t0 = Date(millisecondsSince1970: 1_700_000_000_000)

    /// Runs batches through the planner against an in-memory "database", the way a store does.
    struct World {
        var links: [Identity: ProfileID] = [:]
        var profiles: [ProfileID: ProfileAggregate] = [:]
        var events: [String: (ProfileID, Message)] = [:]
        var merges: [MergeRecord] = []
        var counter = 0

        mutating func ingest(_ messages: [Message]) -> IngestPlan {
            let lookups = IngestPlanner.lookups(for: messages)
            var snapshot = IngestSnapshot()
            for id in lookups.identities { if let p = links[id] { snapshot.links[id] = p; snapshot.profiles[p] = profiles[p] } }
            snapshot.existingMessageIds = Set(lookups.messageIds.filter { events[$0] != nil })
            let n = counter
            let planner = IngestPlanner(makeProfileID: { _ in ProfileID("p_\(n)_\(UUID().uuidString.prefix(6))") })
            counter += 1
            let plan = planner.plan(messages, snapshot: snapshot)
            for merge in plan.merges {
                for (k, v) in events where v.0 == merge.from { events[k] = (merge.into, v.1) }
                for (k, v) in links where v == merge.from { links[k] = merge.into }
                profiles[merge.from] = nil
            }
            merges += plan.merges
            for (k, v) in plan.links { links[k] = v }
            for (p, m) in plan.events { events[m.messageId] = (p, m) }
            for (id, var agg) in plan.profiles {
                if plan.rebuild.contains(id) { agg.rebuild(from: events.values.filter { $0.0 == id }.map(\.1)) }
                profiles[id] = agg
            }
            return plan
        }

        func owner(_ identity: Identity) -> ProfileID? { links[identity] }
    }

    @Test func anonymousBecomesKnownOnIdentify() {
        var w = World()
        _ = w.ingest([.track("Product Viewed", anonymousId: "anon1", at: t0, messageId: "1")])
        let anonProfile = w.owner(Identity(.anonymous, "anon1"))
        _ = w.ingest([.identify(userId: "u1", anonymousId: "anon1", traits: ["email": "A@x.io"], at: t0 + 1, messageId: "2")])
        #expect(w.owner(Identity(.user, "u1")) == anonProfile)
        #expect(w.owner(Identity(.email, "a@x.io")) == anonProfile)
        #expect(w.profiles.count == 1)
        #expect(w.profiles[anonProfile!]?.state.eventCount == 2)
    }

    @Test func identifyWithKnownEmailMergesAndKeepsEverything() {
        var w = World()
        _ = w.ingest([.identify(userId: "u1", traits: ["email": "a@x.io", "plan": "pro"], at: t0, messageId: "1"),
                      .track("Order Completed", userId: "u1", properties: ["revenue": 10], at: t0 + 5, messageId: "2")])
        _ = w.ingest([.track("Order Completed", anonymousId: "anon9", properties: ["revenue": 5], at: t0 + 10, messageId: "3"),
                      .identify(anonymousId: "anon9", traits: ["city": "Paris"], at: t0 + 11, messageId: "4")])
        #expect(w.profiles.count == 2)
        let plan = w.ingest([.identify(anonymousId: "anon9", traits: ["email": "a@x.io", "plan": "free"], at: t0 + 20, messageId: "5")])
        #expect(plan.merges.count == 1)
        #expect(w.profiles.count == 1)
        let p = w.profiles.values.first!
        #expect(p.state.orderCount == 2)
        #expect(p.state.revenue == 15)
        #expect(p.traits.values["plan"] == "free")
        #expect(p.traits.values["city"] == "Paris")
        #expect(w.events.values.allSatisfy { $0.0 == p.id })
    }

    @Test func aliasMergesPreviousIdIntoUser() {
        var w = World()
        _ = w.ingest([.track("Product Added", anonymousId: "anon", properties: ["product_id": "a", "price": 60], at: t0, messageId: "1")])
        _ = w.ingest([.identify(userId: "u7", traits: ["x": 1], at: t0 + 1, messageId: "2")])
        let plan = w.ingest([Message(type: .alias, messageId: "3", userId: "u7", previousId: "anon", timestamp: t0 + 2)])
        #expect(plan.merges.count == 1)
        let p = w.profiles[w.owner(Identity(.user, "u7"))!]!
        #expect(p.state.cartValue == 60)
        #expect(w.owner(Identity(.anonymous, "anon")) == p.id)
    }

    @Test func twoUserIdsAreNeverMerged() {
        var w = World()
        _ = w.ingest([.identify(userId: "u1", anonymousId: "shared", traits: ["email": "fam@x.io"], at: t0, messageId: "1")])
        _ = w.ingest([.identify(userId: "u2", anonymousId: "shared", traits: ["email": "fam@x.io"], at: t0 + 1, messageId: "2")])
        #expect(w.profiles.count == 2)
        #expect(w.owner(Identity(.user, "u1")) != w.owner(Identity(.user, "u2")))
        #expect(w.owner(Identity(.anonymous, "shared")) == w.owner(Identity(.user, "u1")))
    }

    @Test func duplicatesAreSkippedInAndAcrossBatches() {
        var w = World()
        let m = Message.track("A", userId: "u", at: t0, messageId: "same")
        let first = w.ingest([m, m])
        #expect(first.events.count == 1)
        #expect(first.duplicates == ["same"])
        let second = w.ingest([m])
        #expect(second.events.isEmpty)
        #expect(w.profiles.values.first?.state.eventCount == 1)
    }

    @Test func mergeWithinOneBatch() {
        var w = World()
        let plan = w.ingest([
            .track("Product Viewed", anonymousId: "a1", at: t0, messageId: "1"),
            .track("Product Viewed", anonymousId: "a2", at: t0 + 1, messageId: "2"),
            .identify(userId: "u", anonymousId: "a1", traits: ["email": "m@x.io"], at: t0 + 2, messageId: "3"),
            .identify(anonymousId: "a2", traits: ["email": "m@x.io"], at: t0 + 3, messageId: "4"),
        ])
        #expect(w.profiles.count == 1)
        #expect(plan.merges.count == 1)
        #expect(w.profiles.values.first?.state.eventCount == 4)
        #expect(Set(w.events.values.map(\.0)).count == 1)
    }
}
