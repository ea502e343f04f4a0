public import Foundation
public import TailorCore
public import TailorStore

/// What a frequency cap (`TAILOR_FREQUENCY_CAP`) counts: the marketing emails a person was sent (queued,
/// sending or sent) in the cap's window — campaigns' that are not transactional, and journeys' from send steps
/// that are not transactional. Campaigns and journeys both ask it, so one cap holds across both.
enum MarketingSends {
    static func counts(of profiles: [ProfileID], since: Date, stores: Stores) async throws -> [ProfileID: Int] {
        guard !profiles.isEmpty else { return [:] }
        var counts = try await stores.campaigns.marketingMessages(to: profiles, since: since)
        let journeyKeys = try await stores.journeys.journeyMessageKeys(to: profiles, since: since)
        if !journeyKeys.isEmpty {
            let journeys = try await stores.journeys.journeys()
            for (profile, keys) in journeyKeys {
                let marketing = keys.filter { JourneyService.sentStep(key: $0, in: journeys).map { !$0.transactional } ?? false }.count
                if marketing > 0 { counts[profile, default: 0] += marketing }
            }
        }
        return counts
    }
}
