/// The order of events in a profile's history: by `timestamp`, then by `messageId` to break ties, so
/// that the order does not depend on when the events arrived.
public struct EventKey: Hashable, Comparable, Sendable, Codable {
    public var milliseconds: Int64
    public var messageId: String

    public init(milliseconds: Int64, messageId: String) {
        self.milliseconds = milliseconds
        self.messageId = messageId
    }

    public init(_ message: Message) {
        self.init(milliseconds: message.timestamp.millisecondsSince1970, messageId: message.messageId)
    }

    public static func < (a: EventKey, b: EventKey) -> Bool {
        a.milliseconds != b.milliseconds ? a.milliseconds < b.milliseconds : a.messageId < b.messageId
    }
}
