import Foundation
import Testing
@testable import TailorCore

@Suite("Consent carried by messages")
struct ConsentCaptureTests {
    let decoder = MessageDecoder()
    let now = Date(millisecondsSince1970: 1_780_000_000_000)

    func decode(_ text: String, type: MessageType? = nil) throws -> Message {
        try decoder.decode(try JSONParser.parse(text), type: type, receivedAt: now)
    }

    @Test func identifyTraitsAndContextConsentBecomeEntriesWithTheirEvidence() throws {
        let m = try decode("""
            {"userId": "u1", "messageId": "m1", "timestamp": "2026-05-01T10:00:00Z",
             "traits": {"consent": {"email_marketing": true, "analytics": "withdrawn",
                                    "personalization": {"status": "granted", "lawful_basis": "contract",
                                                        "expires_at": "2027-06-01T00:00:00Z", "form": "signup v2"}}},
             "context": {"ip": "203.0.113.7", "userAgent": "Mozilla/5.0"}}
            """, type: .identify)
        let entries = try ConsentCapture.entries(in: m, profile: ProfileID("p1"))
        #expect(entries.map(\.purpose) == [.emailMarketing, .personalization, .analytics])
        #expect(entries.map(\.status) == [.granted, .granted, .withdrawn])
        #expect(entries[1].lawfulBasis == .contract && entries[1].expiresAt == ISO8601.parse("2027-06-01T00:00:00Z"))
        #expect(entries.allSatisfy { $0.at == ISO8601.parse("2026-05-01T10:00:00Z") && $0.source == .api && $0.profileID == ProfileID("p1") })
        #expect(entries[0].proof == ["message_id": "m1", "field": "traits.consent", "ip": "203.0.113.7", "user_agent": "Mozilla/5.0"])
        #expect(entries[1].proof["form"] == "signup v2")
        #expect(entries.map(\.key) == ["message:m1:email_marketing", "message:m1:personalization", "message:m1:analytics"])
    }

    @Test func segmentsCategoryPreferencesMapByName() throws {
        let m = try decode("""
            {"event": "Page Viewed", "userId": "u1", "messageId": "m2",
             "context": {"consent": {"categoryPreferences": {"Email Marketing": true, "analytics": false, "Advertising": true}}}}
            """, type: .track)
        let entries = try ConsentCapture.entries(in: m, profile: ProfileID("p1"))
        #expect(entries.map(\.purpose) == [.emailMarketing, .analytics])
        #expect(entries.map(\.status) == [.granted, .denied])
        // traits.consent counts on identify only; a track's traits are not read.
        var track = m
        track.context = [:]
        track.traits = ["consent": ["email_marketing": false]]
        #expect(!ConsentCapture.carriesConsent(track))
    }

    @Test(arguments: [
        (#"{"traits": {"consent": "yes"}}"#, "traits.consent", "expected an object"),
        (#"{"traits": {"consent": {"newsletter": true}}}"#, "traits.consent.newsletter", "unknown purpose"),
        (#"{"traits": {"consent": {"analytics": "maybe"}}}"#, "traits.consent.analytics", "expected granted"),
        (#"{"traits": {"consent": {"analytics": {"status": "denied", "expires_at": "2030-01-01"}}}}"#,
         "traits.consent.analytics.expires_at", "only a grant expires"),
        (#"{"traits": {"consent": {"analytics": {"lawful_basis": "consent"}}}}"#, "traits.consent.analytics.status", "is required"),
        (#"{"context": {"consent": {"categoryPreferences": {"Analytics": "on"}}}}"#,
         "context.consent.categoryPreferences.Analytics", "expected true or false"),
    ])
    func unreadableDecisionsAreRefusedWithTheirPlace(body: String, path: String, reason: String) throws {
        var o = try JSONParser.parse(body).objectValue ?? [:]
        o["userId"] = "u1"
        do {
            _ = try decoder.decode(.object(o), type: .identify, receivedAt: now, path: "batch[3]")
            Issue.record("accepted \(body)")
        } catch {
            #expect(error.path == "batch[3].\(path)")
            #expect(error.reason.hasPrefix(reason))
        }
    }
}
