import Foundation
import TailorCore
import Testing

/// The definition changes `SegmentService` plans before a store writes them, without a database.
@Suite("Segment definition edits")
struct SegmentEditTests {
    static let now = ISO8601.parse("2026-11-01T12:00:00Z")!

    static func definition(_ id: String, _ name: String, _ text: String) throws -> SegmentDefinition {
        SegmentDefinition(id: id, name: name, condition: try Condition(text: text), createdAt: now)
    }

    @Test("saving replaces its own id, re-evaluates it and the segments that refer to it, and refuses a taken name")
    func saving() throws {
        let base = try Self.definition("buyers", "Buyers", #"count("Order Completed") >= 1"#)
        let vip = try Self.definition("vip", "VIP", #"in segment "buyers" and traits.vip = true"#)
        let other = try Self.definition("paris", "Paris", #"traits.city = "Paris""#)
        var changed = base
        changed.condition = try Condition(text: #"count("Order Completed") >= 2"#)
        #expect(try SegmentEdit.saving(changed, among: [base, vip, other], policy: .default)
                    == .save(changed, reevaluate: ["buyers", "vip"]))
        #expect(try SegmentEdit.saving(other, among: [], policy: .default) == .save(other, reevaluate: ["paris"]))
        let clash = try Self.definition("buyers-2", "Buyers", #"traits.vip = true"#)
        #expect(throws: SegmentDefinitionError("another segment (buyers) already has this name", code: .exists)) {
            try SegmentEdit.saving(clash, among: [base], policy: .default)
        }
        // A cycle through the stored definitions is refused, as is a personal trait.
        let cycle = try Self.definition("buyers", "Buyers", #"in segment "vip""#)
        #expect(throws: SegmentDefinitionError.self) { try SegmentEdit.saving(cycle, among: [base, vip], policy: .default) }
        let personal = try Self.definition("mails", "Mails", #"traits.email = "a@example.com""#)
        #expect(throws: SegmentDefinitionError.self) { try SegmentEdit.saving(personal, among: [], policy: .default) }
    }

    @Test("deleting finds the segment, refuses one in use, and its members exit with the reason deleted")
    func deleting() throws {
        let base = try Self.definition("buyers", "Buyers", #"count("Order Completed") >= 1"#)
        let vip = try Self.definition("vip", "VIP", #"in segment "buyers""#)
        #expect(try SegmentEdit.deleting("nobody", among: [base]) == SegmentEdit.none)
        #expect(try SegmentEdit.deleting("vip", among: [base, vip]) == .delete(vip))
        #expect(throws: SegmentDefinitionError("segment vip refers to buyers; change or delete it first", code: .inUse)) {
            try SegmentEdit.deleting("buyers", among: [base, vip])
        }
        let exits = SegmentEdit.exits(of: base, members: [ProfileID("p1"), ProfileID("p2")], at: Self.now)
        #expect(exits.changes == [
            MembershipChange(profile: ProfileID("p1"), segmentId: "buyers", segmentName: "Buyers", entered: false, at: Self.now, reason: "deleted"),
            MembershipChange(profile: ProfileID("p2"), segmentId: "buyers", segmentName: "Buyers", entered: false, at: Self.now, reason: "deleted"),
        ])
        #expect(exits.timers.isEmpty)
    }
}
