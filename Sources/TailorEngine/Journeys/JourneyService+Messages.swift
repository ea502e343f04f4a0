public import Foundation
public import TailorCore
public import TailorStore

extension JourneyService {
    /// What a journey email's key (``messageKey(run:journey:step:)``) names: its journey, run and send step.
    struct SentStep {
        var journey: JourneyDefinition
        var run: Int64
        var step: Int
        var template: String
        var transactional: Bool
    }

    /// The send step a message key names, when its journey still has it.
    static func sentStep(key: String, in journeys: [JourneyRecord]) -> SentStep? {
        let parts = key.split(separator: ":", omittingEmptySubsequences: false)
        guard parts.count == 4, parts[0] == "journey", let run = Int64(parts[2]), let step = Int(parts[3]),
              let journey = journeys.first(where: { $0.id == parts[1] })?.definition, journey.steps.indices.contains(step),
              case .send(let template, let transactional) = journey.steps[step] else { return nil }
        return SentStep(journey: journey, run: run, step: step, template: template, transactional: transactional)
    }

    /// A journey email as its recipient got it (their own links, the event that started their run), for the
    /// web version (`/t/v/<token>`).
    /// - Throws: ``RequestError`` `.notFound` when the key names no send step of a stored journey, or the profile is gone.
    public func webVersion(key: String, profile: ProfileID, settings: CampaignSettings) async throws -> RenderedEmail {
        guard let sent = Self.sentStep(key: key, in: try await stores.journeys.journeys()) else {
            throw RequestError(.notFound, "the link names no email of a journey")
        }
        let run = try await stores.journeys.journeyRuns(of: profile).first { $0.id == sent.run }
        var trigger: Message?
        if let id = run?.triggerMessage { trigger = try await stores.events.events(messageIds: [id])[id]?.message }
        return try await CampaignService(stores: stores, clock: clock).render(
            template: sent.template, profile: .id(profile), campaign: nil, settings: settings,
            journey: (id: sent.journey.id, name: sent.journey.name, event: trigger))
    }

    /// Which of these queued journey emails are marketing (not sent by a transactional step).
    public func marketingMessages(_ keys: [String]) async throws -> Set<String> {
        let journeys = try await stores.journeys.journeys()
        return Set(keys.filter { key in Self.sentStep(key: key, in: journeys).map { !$0.transactional } ?? false })
    }
}
