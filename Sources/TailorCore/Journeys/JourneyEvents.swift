public import Foundation

/// The journeys' own events in the profiles' streams (`Journey Entered`, `Journey Step Completed`,
/// `Journey Exited` with its reason), so that segments, reports and other journeys can use them. Each
/// message id is derived from the run and what happened, so recording one twice stores it once.
public enum JourneyEvents {
    /// A run is named by its journey, profile, key and entry time until it has a row id.
    public static func entered(journey: String, profile: ProfileID, key: String, at: Date) -> Message {
        message(TailorEvent.journeyEntered, id: "journey-entered:\(journey):\(profile.rawValue):\(key):\(at.millisecondsSince1970)",
                properties: ["journey_id": .string(journey)] + keyProperty(key), at: at)
    }

    /// A run ended: `goal`, `not_followed_by`, `completed`, `exit_step`, `archived`, or a send's skip reason.
    public static func exited(journey: String, profile: ProfileID, key: String, enteredAt: Date, reason: String, at: Date) -> Message {
        message(TailorEvent.journeyExited,
                id: "journey-exited:\(journey):\(profile.rawValue):\(key):\(enteredAt.millisecondsSince1970)",
                properties: ["journey_id": .string(journey), "reason": .string(reason)] + keyProperty(key), at: at)
    }

    /// A step ran; `outcome` says where a branch, split or wait sent the run (`then`, a path's name, `event`,
    /// `condition`, `timeout`).
    public static func stepCompleted(journey: String, run: Int64, step: Int, kind: String, outcome: String? = nil, at: Date) -> Message {
        var properties: JSONObject = ["journey_id": .string(journey), "step": .number(Double(step)), "step_type": .string(kind)]
        if let outcome { properties["outcome"] = .string(outcome) }
        return message(TailorEvent.journeyStepCompleted, id: "journey-step:\(journey):\(run):\(step)", properties: properties, at: at)
    }

    static func keyProperty(_ key: String) -> JSONObject { key.isEmpty ? [:] : ["key": .string(key)] }

    static func message(_ name: String, id: String, properties: JSONObject, at: Date) -> Message {
        Message(type: .track, messageId: id, event: name, properties: properties, timestamp: at, receivedAt: at)
    }
}

private func + (a: JSONObject, b: JSONObject) -> JSONObject { a.merging(b) { x, _ in x } }
