public import Foundation

/// A profile as the engine works on it: traits (personal ones included, in memory only), computed
/// state and identities.
public struct ProfileAggregate: Sendable, Hashable {
    public var id: ProfileID
    public var createdAt: Date
    public var traits: TraitSet
    public var state: ProfileState
    public var identities: Set<Identity>

    public init(id: ProfileID, createdAt: Date, traits: TraitSet = TraitSet(), state: ProfileState = ProfileState(),
                identities: Set<Identity> = []) {
        self.id = id
        self.createdAt = createdAt
        self.traits = traits
        self.state = state
        self.identities = identities
    }

    public var userIds: [String] { identities.filter { $0.kind == .user }.map(\.value).sorted() }

    /// Applies one event to traits and state. False when the state needs a rebuild from history.
    public mutating func apply(_ message: Message) -> Bool {
        if message.type == .identify, !message.traits.isEmpty {
            traits.apply(message.traits, at: EventKey(message))
        }
        return state.apply(message)
    }

    /// Traits and state recomputed from the profile's whole history.
    public mutating func rebuild(from history: [Message]) {
        traits = TraitSet()
        state = ProfileState()
        for m in history.sorted(by: { EventKey($0) < EventKey($1) }) {
            if m.type == .identify, !m.traits.isEmpty { traits.apply(m.traits, at: EventKey(m)) }
            state.apply(m)
        }
    }
}

/// A profile as the admin API shows it.
public struct ProfileView: Sendable {
    public var id: ProfileID
    public var createdAt: Date
    public var traits: JSONObject
    public var personal: Personal<JSONObject>
    public var state: ProfileState
    public var identities: [Identity]
    public var eventCounts: [String: Int]

    public init(id: ProfileID, createdAt: Date, traits: JSONObject, personal: Personal<JSONObject>, state: ProfileState,
                identities: [Identity], eventCounts: [String: Int]) {
        self.id = id
        self.createdAt = createdAt
        self.traits = traits
        self.personal = personal
        self.state = state
        self.identities = identities
        self.eventCounts = eventCounts
    }
}

/// How a caller names a profile: Tailor's id, `user:<userId>`, `email:<address>` or `anonymous:<id>`.
public enum ProfileReference: Sendable, Hashable {
    case id(ProfileID)
    case identity(Identity)

    /// nil for text that names no profile, including text holding a NUL (no stored id holds one).
    public init?(_ text: String) {
        guard !text.utf8.contains(0) else { return nil }
        if text.hasPrefix("user:") {
            self = .identity(Identity(.user, String(text.dropFirst(5))))
        } else if text.hasPrefix("email:") {
            self = .identity(Identity(.email, String(text.dropFirst(6))))
        } else if text.hasPrefix("anonymous:") {
            self = .identity(Identity(.anonymous, String(text.dropFirst(10))))
        } else if text.hasPrefix("p_") {
            self = .id(ProfileID(text))
        } else {
            return nil
        }
    }
}

/// An event as stored, with its place in the log.
public struct StoredEvent: Sendable {
    public var sequence: Int64
    public var profileId: ProfileID
    public var message: Message

    public init(sequence: Int64, profileId: ProfileID, message: Message) {
        self.sequence = sequence
        self.profileId = profileId
        self.message = message
    }
}

/// A record that two profiles turned out to be one person.
public struct MergeRecord: Sendable, Hashable {
    public var from: ProfileID
    public var into: ProfileID
    public var reason: String
    public var messageId: String
    public var at: Date

    public init(from: ProfileID, into: ProfileID, reason: String, messageId: String, at: Date) {
        self.from = from
        self.into = into
        self.reason = reason
        self.messageId = messageId
        self.at = at
    }
}
