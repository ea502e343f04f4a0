public import Foundation
public import TailorCore
public import TailorStore

/// The last check before mail leaves: which claimed messages may no longer be sent for lack of consent.
/// The outbox worker completes them as `suppressed` with the detail ``DeliveryConsentDetail/noConsent``.
public protocol DeliveryConsent: Sendable {
    /// The ids of the messages (outbox rows) that must not be sent now.
    func refused(_ messages: [ClaimedMessage]) async throws -> Set<Int64>
}

/// The outbox detail of a message held back because consent was withdrawn after it was queued.
public enum DeliveryConsentDetail {
    public static let noConsent = "no_consent"
}

/// ``DeliveryConsent`` on the consent ledger: a message of a marketing campaign or journey step (not
/// transactional) goes only if its recipient's `email_marketing` decision allows it now under the policy, so a
/// withdrawal made while an email waits in the outbox stops it.
public struct LedgerDeliveryConsent: DeliveryConsent {
    public let campaigns: any CampaignStore
    public let consent: LedgerConsent
    /// Asked about journey emails (which name no campaign): marketing unless their step is transactional.
    public let journeys: JourneyService?

    public init(campaigns: any CampaignStore, consent: LedgerConsent, journeys: JourneyService? = nil) {
        self.campaigns = campaigns
        self.consent = consent
        self.journeys = journeys
    }

    public func refused(_ messages: [ClaimedMessage]) async throws -> Set<Int64> {
        var marketing: [String: Bool] = [:]
        for id in Set(messages.compactMap(\.campaign)) {
            // A message of no known campaign (samples, transactional sends) is not asked about.
            marketing[id] = try await campaigns.campaign(id).map { !$0.transactional } ?? false
        }
        let journeyKeys = messages.filter { $0.campaign == nil && $0.idempotencyKey.hasPrefix("journey:") }.map(\.idempotencyKey)
        let journeyMarketing = journeyKeys.isEmpty ? [] : try await journeys?.marketingMessages(journeyKeys) ?? []
        let asked = messages.filter { m in
            m.campaign.flatMap { marketing[$0] } == true || (m.campaign == nil && journeyMarketing.contains(m.idempotencyKey))
        }
        guard !asked.isEmpty else { return [] }
        let permitted = try await consent.permitsMarketing(Array(Set(asked.map(\.profileID))))
        return Set(asked.filter { !permitted.contains($0.profileID) }.map(\.id))
    }
}
