public import TailorStore

/// The moves of a campaign's lifecycle, as a pure table: draft → scheduled → sending ⇄ paused → sent, and
/// cancelled from any state that is not final.
///
/// `CampaignService` asks it for the states a move may start from and applies it with the store's
/// compare-and-set, so two processes making moves at once cannot both win.
public enum CampaignLifecycle {
    public enum Move: String, Sendable, CaseIterable {
        /// Start sending now (`campaign send`), or when a scheduled time comes.
        case send
        case schedule
        case pause
        case resume
        case cancel
        /// Every recipient is handled and every message left the outbox.
        case finish
    }

    /// The states a move may start from.
    public static func sources(of move: Move) -> Set<CampaignState> {
        switch move {
        case .send: [.draft, .scheduled]
        case .schedule: [.draft, .scheduled]
        case .pause: [.scheduled, .sending]
        case .resume: [.paused]
        case .cancel: [.draft, .scheduled, .sending, .paused]
        case .finish: [.sending]
        }
    }

    /// The state a move leads to. A paused campaign that had not started resumes as scheduled.
    public static func target(of move: Move, startedBefore: Bool = true) -> CampaignState {
        switch move {
        case .send: .sending
        case .finish: .sent
        case .schedule: .scheduled
        case .pause: .paused
        case .resume: startedBefore ? .sending : .scheduled
        case .cancel: .cancelled
        }
    }

    /// Whether a move is allowed from a state.
    public static func allows(_ move: Move, from state: CampaignState) -> Bool { sources(of: move).contains(state) }

    /// The refusal of a move, naming the current state.
    public static func refusal(_ move: Move, campaign: String, state: CampaignState) -> RequestError {
        RequestError(.illegalState, "campaign \(campaign) is \(state.rawValue): it cannot \(move.rawValue) (allowed from "
                      + sources(of: move).map(\.rawValue).sorted().joined(separator: ", ") + ")")
    }
}
