public import Foundation

extension IngestPlanner {
    /// Plans events whose profile is already known (Tailor's own events: `Email Sent`, `Email Opened`, …),
    /// without identity resolution: no profile is created, no identity linked, nothing merged.
    ///
    /// Each event goes to its profile, or to the survivor when that profile was merged away
    /// (`survivors`); events of profiles the snapshot does not hold are left out (the profile does not
    /// exist), and events whose `messageId` is stored already, or repeated, are duplicates. The state is
    /// updated with `ProfileAggregate.apply` exactly as `plan` does, and a late cart event asks for a rebuild.
    ///
    /// - Parameters:
    ///   - events: the events and the profile each belongs to.
    ///   - survivors: for profiles merged away, the profile they were merged into.
    ///   - snapshot: the surviving profiles and the message ids stored already (`links` is not used).
    /// - Returns: a plan the stores apply like any other (no created profiles, links or merges).
    public func planAppend(
        _ events: [(profile: ProfileID, message: Message)],
        survivors: [ProfileID: ProfileID] = [:],
        snapshot: IngestSnapshot
    ) -> IngestPlan {
        var plan = IngestPlan()
        var profiles = snapshot.profiles
        var seen = snapshot.existingMessageIds
        var touched = Set<ProfileID>()
        for (requested, message) in events {
            let profile = survivors[requested] ?? requested
            guard profiles[profile] != nil else { continue }
            guard seen.insert(message.messageId).inserted else {
                plan.duplicates.append(message.messageId)
                continue
            }
            if !profiles[profile]!.apply(message) { plan.rebuild.insert(profile) }
            if message.type == .identify, !message.traits.isEmpty { plan.traitsChanged.insert(profile) }
            plan.events.append((profile, message))
            touched.insert(profile)
        }
        for id in touched { plan.profiles[id] = profiles[id] }
        return plan
    }
}
