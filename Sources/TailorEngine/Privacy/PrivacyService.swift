public import Foundation
public import TailorCore
public import TailorStore

/// A person's rights over their data (docs/PRIVACY.md): everything Tailor holds about them, in one document.
public struct PrivacyService: Sendable {
    public let stores: Stores
    public let clock: any WallClock

    public init(stores: Stores, clock: any WallClock = SystemClock()) {
        self.stores = stores
        self.clock = clock
    }

    /// A person's data as one JSON document: the profile (traits with personal ones opened, computed state and
    /// traits, identities, merges, segments, RFM, current consent), every event stored for them oldest first
    /// (identify calls and Tailor's own events included), their segment entries and exits, consent history,
    /// journey runs, the messages queued for them with their outcome, and the access log (this export included
    /// when `access` says who asks).
    /// - Throws: ``RequestError`` `.notFound` for an unknown profile.
    public func export(_ reference: ProfileReference, access: AccessContext? = nil) async throws -> JSONObject {
        guard let details = try await ProfileService(stores: stores).details(reference) else {
            throw RequestError(.notFound, "no such profile", field: "profile")
        }
        let id = details.view.id
        if let access { try await recordAccess(to: id, access) }
        var events: [StoredEvent] = []
        var cursor: Int64?
        while true {
            let page = try await stores.events.events(of: id, before: cursor, limit: 1000)
            events += page
            guard page.count == 1000, let last = page.last else { break }
            cursor = last.sequence
        }
        let history = try await stores.segments.membershipHistory(segment: nil, profile: id, limit: Int.max / 2)
        let consent = try await stores.consent.consentHistory(of: id)
        let runs = try await stores.journeys.journeyRuns(of: id)
        let mail = try await stores.outbox.outboxRecords(of: id)
        let reads = try await stores.privacy.accessLog(of: id)
        return [
            "exported_at": ProfileJSON.time(clock.now()),
            "profile": .object(details.json),
            "events": .array(events.reversed().map(ProfileJSON.event)),
            "segment_history": .array(history.reversed().map { c in
                .object(["segment_id": .string(c.segmentId), "segment_name": .string(c.segmentName), "entered": .bool(c.entered),
                         "at": ProfileJSON.time(c.at), "reason": .string(c.reason)])
            }),
            "consent_history": .array(consent.map { .object($0.json) }),
            "journeys": .array(runs.map { r in
                .object(["journey": .string(r.journey), "state": .string(r.state.rawValue), "step": .number(Double(r.step)),
                         "entered_at": ProfileJSON.time(r.enteredAt), "exit_reason": r.exitReason.map { .string($0) } ?? .null])
            }),
            "messages": .array(mail.map { m in
                .object(["id": .string(m.idempotencyKey), "campaign": m.campaign.map { .string($0) } ?? .null, "status": .string(m.status.rawValue),
                         "attempts": .number(Double(m.attempts)), "queued_at": ProfileJSON.time(m.createdAt), "sent_at": ProfileJSON.time(m.sentAt)])
            }),
            "access_log": .array(reads.map { .object($0.json) }),
        ]
    }
}
