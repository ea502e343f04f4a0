public import Foundation

/// The six Segment call types.
public enum MessageType: String, Sendable, Hashable, Codable, CaseIterable {
    case identify, track, page, screen, group, alias
}

/// One Segment-spec message (identify, track, page, screen, group, alias), validated.
///
/// Tailor keeps the client's `timestamp` as given (no clock-skew correction from `sentAt`), so that
/// imported and replayed history keeps its times; without one, the time it was received is used.
public struct Message: Sendable, Hashable {
    public var type: MessageType
    public var messageId: String
    public var userId: String?
    public var anonymousId: String?
    /// `alias`: the id the user had before.
    public var previousId: String?
    /// `group`: the account or company.
    public var groupId: String?
    /// `track`: the event name (`Order Completed`). `page`/`screen`: the page name.
    public var event: String?
    public var name: String?
    public var traits: JSONObject
    public var properties: JSONObject
    public var context: JSONObject
    public var timestamp: Date
    public var receivedAt: Date

    public init(
        type: MessageType,
        messageId: String,
        userId: String? = nil,
        anonymousId: String? = nil,
        previousId: String? = nil,
        groupId: String? = nil,
        event: String? = nil,
        name: String? = nil,
        traits: JSONObject = [:],
        properties: JSONObject = [:],
        context: JSONObject = [:],
        timestamp: Date,
        receivedAt: Date? = nil
    ) {
        self.type = type
        self.messageId = messageId
        self.userId = userId
        self.anonymousId = anonymousId
        self.previousId = previousId
        self.groupId = groupId
        self.event = event
        self.name = name
        self.traits = traits
        self.properties = properties
        self.context = context
        self.timestamp = timestamp
        self.receivedAt = receivedAt ?? timestamp
    }

    /// The name the event stream shows: the track event, the page or screen name, or the call type.
    public var eventName: String {
        switch type {
        case .track: event ?? ""
        case .page, .screen: name ?? ""
        default: type.rawValue
        }
    }

    /// Builds a track message; a convenience for the demo, imports and tests.
    public static func track(
        _ event: String,
        userId: String? = nil,
        anonymousId: String? = nil,
        properties: JSONObject = [:],
        at timestamp: Date,
        messageId: String = UUID().uuidString.lowercased()
    ) -> Message {
        Message(type: .track, messageId: messageId, userId: userId, anonymousId: anonymousId, event: event,
                properties: properties, timestamp: timestamp)
    }

    /// Builds an identify message.
    public static func identify(
        userId: String? = nil,
        anonymousId: String? = nil,
        traits: JSONObject,
        at timestamp: Date,
        messageId: String = UUID().uuidString.lowercased()
    ) -> Message {
        Message(type: .identify, messageId: messageId, userId: userId, anonymousId: anonymousId, traits: traits,
                timestamp: timestamp)
    }

    /// The message as Segment JSON (what the API accepts and `tailor import events` reads).
    public var json: JSONObject {
        var o: JSONObject = ["type": .string(type.rawValue), "messageId": .string(messageId),
                             "timestamp": .string(ISO8601.format(timestamp))]
        if let userId { o["userId"] = .string(userId) }
        if let anonymousId { o["anonymousId"] = .string(anonymousId) }
        if let previousId { o["previousId"] = .string(previousId) }
        if let groupId { o["groupId"] = .string(groupId) }
        if let event { o["event"] = .string(event) }
        if let name { o["name"] = .string(name) }
        if !traits.isEmpty { o["traits"] = .object(traits) }
        if !properties.isEmpty { o["properties"] = .object(properties) }
        if !context.isEmpty { o["context"] = .object(context) }
        return o
    }
}

/// Tailor's own events, which flow into the same stream as the site's.
public enum TailorEvent {
    public static let orderCompleted = "Order Completed"
    public static let productAdded = "Product Added"
    public static let productRemoved = "Product Removed"
    public static let productViewed = "Product Viewed"
    public static let emailSent = "Email Sent"
    public static let emailDelivered = "Email Delivered"
    public static let emailOpened = "Email Opened"
    public static let emailClicked = "Email Clicked"
    public static let emailBounced = "Email Bounced"
    public static let unsubscribed = "Unsubscribed"
    public static let segmentEntered = "Segment Entered"
    public static let segmentExited = "Segment Exited"
    public static let journeyEntered = "Journey Entered"
    public static let journeyStepCompleted = "Journey Step Completed"
    public static let journeyExited = "Journey Exited"

    /// Events that are Tailor's bookkeeping, not something the customer did: they never count as activity.
    public static let notActivity: Set<String> = [emailSent, emailDelivered, emailBounced, segmentEntered, segmentExited,
                                                  journeyEntered, journeyStepCompleted, journeyExited]
}
