public import Foundation
public import TailorCore

/// Events recorded inside a transaction that may not write the event log itself (an event step, a journey
/// move), to be appended to their profiles just after (``ProfileEventAppender``), then removed. Their message
/// ids make appending idempotent, so a crash between the two only appends them again, which stores nothing.
public protocol PendingEventStore: Sendable {
    /// The oldest pending events, at most `limit`.
    func pendingEvents(limit: Int) async throws -> [PendingEvent]
    func removePendingEvents(_ ids: [Int64]) async throws
}

public struct PendingEvent: Sendable {
    public var id: Int64
    public var profile: ProfileID
    public var message: Message

    public init(id: Int64, profile: ProfileID, message: Message) {
        self.id = id
        self.profile = profile
        self.message = message
    }
}

/// How both adapters and the event steps write and read a pending event (a track message of Tailor's own:
/// its name, properties, time and id).
package enum PendingEventRecord {
    package static let columns = "message_id, profile_id, name, properties, timestamp, created_at"

    package static func insert(_ profile: ProfileID, _ m: Message, now: Date) -> StepSQL {
        StepSQL("INSERT INTO pending_events (\(columns)) VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (message_id) DO NOTHING",
                [.text(m.messageId), .text(profile.rawValue), .text(m.eventName), .text(JSONWriter.string(.object(m.properties))),
                 .integer(m.timestamp.millisecondsSince1970), .integer(now.millisecondsSince1970)])
    }

    package static func event(id: Int64, messageId: String, profile: String, name: String, properties: String, timestamp: Int64) -> PendingEvent {
        let at = Date(millisecondsSince1970: timestamp)
        let props = (try? JSONParser.parse(properties))?.objectValue ?? [:]
        return PendingEvent(id: id, profile: ProfileID(profile),
                            message: Message(type: .track, messageId: messageId, event: name, properties: props, timestamp: at, receivedAt: at))
    }
}
