import Foundation
import Testing
import TailorCore
import TailorEngine
import TailorStore
import TailorTesting

@Suite("Segment timers and merges")
struct SegmentTimerMergeTests {
    /// A visitor with a pending timer who signs in is merged: when the time comes, only the surviving profile
    /// is a member (the merge took the merged-away profile out of every segment and its timer with it).
    @Test(arguments: TestBackend.available)
    func aMergedAwayProfilesTimerOnlyClears(backend: TestBackend) async throws {
        try await TestDatabase.with(backend) { test in
            let t0 = Date(millisecondsSince1970: 1_780_000_000_000)
            let clock = ManualClock(t0)
            let segments = SegmentService(stores: test.stores, clock: clock)
            test.stores.segments.useSegmentClock(clock)
            _ = try await segments.define(name: "Idle", condition: try Condition(text: "profile.last_activity more than 1 hour ago"))
            _ = try await test.database.ingest([
                .track("Viewed", anonymousId: "a1", at: t0, messageId: "v1"),
                .identify(userId: "u1", traits: ["city": "Oslo"], at: t0, messageId: "i1"),
            ], planner: IngestPlanner())
            let visitor = try #require(try await test.database.profile(.identity(Identity(.anonymous, "a1")))).id
            // The visitor signs in as u1: one of the two profiles is merged into the other.
            _ = try await test.database.ingest([.identify(userId: "u1", anonymousId: "a1", traits: [:], at: t0 + 60, messageId: "i2")],
                                               planner: IngestPlanner())
            let survivor = try #require(try await test.database.profile(.identity(Identity(.user, "u1")))).id
            clock.advance(by: 3 * 3600)
            _ = try await segments.runDueTimers()
            let members = try await test.stores.segments.members(of: "idle", after: nil, limit: 10)
            #expect(members == [survivor])
            if visitor != survivor { #expect(!members.contains(visitor)) }
        }
    }
}
