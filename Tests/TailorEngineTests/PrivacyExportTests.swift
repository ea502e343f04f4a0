import Foundation
import Testing
import TailorCore
import TailorEngine
import TailorMail
import TailorStore
import TailorTesting

@Suite("Privacy export")
struct PrivacyExportTests {
    let t0 = Date(millisecondsSince1970: 1_780_000_000_000)

    /// Everything held about a person, the visitor they were before signing in included: every event they sent
    /// and Tailor's own, their consent history, segment entries, journey runs and mail.
    @Test(arguments: TestBackend.available)
    func theExportHoldsEveryEventAndTheConsentHistory(backend: TestBackend) async throws {
        try await TestDatabase.with(backend) { test in
            let (clock, settings) = try journeyWorld(test, at: t0)
            _ = try await SegmentService(stores: test.stores, clock: clock).define(name: "Oslo", condition: try Condition(text: #"traits.city = "Oslo""#))
            let journeys = JourneyService(stores: test.stores, clock: clock)
            try await journeys.create(name: nil, fromTemplate: "welcome", parameters: [:])
            var visit = Message.track("Page Viewed", anonymousId: "a1", at: t0 - 60, messageId: "v1")
            visit.context = ["consent": ["analytics": "granted"]]
            _ = try await test.database.ingest([visit], planner: IngestPlanner())
            _ = try await test.database.ingest([
                .identify(userId: "u1", anonymousId: "a1", traits: ["email": "ana@example.test", "name": "Ana Lima", "city": "Oslo"], at: t0, messageId: "i1"),
                .track("Order Completed", userId: "u1", properties: ["revenue": 30], at: t0 + 1, messageId: "o1"),
            ], planner: IngestPlanner())
            _ = try await test.database.ingest([.identify(userId: "u2", traits: ["city": "Oslo"], at: t0, messageId: "i2")], planner: IngestPlanner())
            try await journeys.runDue(settings: settings)

            let export = try await PrivacyService(stores: test.stores, clock: clock).export(.identity(Identity(.user, "u1")))
            let doc = JSONValue.object(export)
            let events = try #require(export["events"]?.arrayValue)
            let ids = events.compactMap { $0[path: "messageId"]?.stringValue }
            #expect(ids.prefix(3) == ["v1", "i1", "o1"], "\(ids)")
            #expect(ids.contains { $0.hasPrefix("segment:oslo:") } && !ids.contains("i2"))
            let u1 = try #require(try await test.database.profile(.identity(Identity(.user, "u1"))))
            #expect(events.count == u1.state.eventCount)
            #expect(doc[path: "profile.traits.email"] == "ana@example.test" && doc[path: "profile.traits.name"] == "Ana Lima")
            #expect(export["consent_history"]?.arrayValue?.map { $0[path: "purpose"] } == ["analytics"])
            #expect(export["segment_history"]?.arrayValue?.first?[path: "segment_id"] == "oslo")
            // The welcome journey: entered at the identify and ended by the order in the same batch, before its
            // first step; u2's run sent its first email, which is not u1's.
            #expect(export["journeys"]?.arrayValue?.first?[path: "journey"] == "welcome")
            #expect(export["journeys"]?.arrayValue?.first?[path: "exit_reason"] == "goal")
            #expect(export["messages"]?.arrayValue?.isEmpty == true)
            await #expect(throws: RequestError.self) {
                _ = try await PrivacyService(stores: test.stores, clock: clock).export(.identity(Identity(.user, "nobody")))
            }
        }
    }
}
