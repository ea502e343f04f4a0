public import TailorCore

/// A batch of messages with the work that needs no database already done: the storage keys of its
/// identities (blind indexes for emails) and each event's encoded and sealed columns.
///
/// ``EventStore/prepareIngest(_:)`` is meant to run on the caller's task, before the batch joins the
/// single writer's queue: requests then encode and seal in parallel, and the transaction that writes a
/// group of them only resolves identities, plans and stores. Batches combine (group commit) without
/// redoing any of it.
public struct PreparedBatch: Sendable {
    public let messages: [Message]
    /// Storage key of each identity in the batch, when prepared (see ``storageKeys(using:)``).
    private let preparedKeys: [Identity: String]
    /// Whether `preparedKeys` holds every identity of `messages` (false for a batch prepared without them).
    private let keysComplete: Bool
    /// Encoded columns by message id, with an empty profile id (the transaction decides it).
    package let events: [String: EventRow]

    /// A batch with nothing prepared: the store does all the work in its transaction.
    public init(messages: [Message]) {
        self.messages = messages
        preparedKeys = [:]
        keysComplete = false
        events = [:]
    }

    package init(messages: [Message], cipher: FieldCipher, policy: PersonalDataPolicy) throws {
        // Every way into the event log passes here; the API and the importers refuse these earlier, by place.
        for (i, m) in messages.enumerated() {
            if let field = m.fieldWithNUL {
                throw StoreError(.invalidInput, "message \(i): \(field) must not contain the NUL character (U+0000)")
            }
        }
        self.messages = messages
        preparedKeys = Self.storageKeys(of: messages, using: cipher, known: [:])
        keysComplete = true
        var encoded: [String: EventRow] = [:]
        encoded.reserveCapacity(messages.count)
        for m in messages where encoded[m.messageId] == nil {
            encoded[m.messageId] = try EventRow(profile: ProfileID(""), message: m, cipher: cipher, policy: policy)
        }
        events = encoded
    }

    private init(messages: [Message], preparedKeys: [Identity: String], keysComplete: Bool, events: [String: EventRow]) {
        self.messages = messages
        self.preparedKeys = preparedKeys
        self.keysComplete = keysComplete
        self.events = events
    }

    /// The storage key of every identity in the batch: the prepared ones, completed with `cipher` only
    /// for a batch that was not prepared.
    package func storageKeys(using cipher: FieldCipher) -> [Identity: String] {
        keysComplete ? preparedKeys : Self.storageKeys(of: messages, using: cipher, known: preparedKeys)
    }

    /// `known` completed with the storage key of every other identity of `messages`.
    private static func storageKeys(of messages: [Message], using cipher: FieldCipher,
                                    known: [Identity: String]) -> [Identity: String] {
        var keys = known
        for identity in IngestPlanner.lookups(for: messages).identities where keys[identity] == nil {
            keys[identity] = cipher.storageKey(identity)
        }
        return keys
    }

    /// One batch of all the messages, in order; for a message id repeated across batches the first
    /// encoding is kept (the planner stores the first and skips the others as duplicates).
    public static func combining(_ batches: [PreparedBatch]) -> PreparedBatch {
        guard batches.count > 1 else { return batches.first ?? PreparedBatch(messages: []) }
        var keys = batches[0].preparedKeys
        var events = batches[0].events
        for b in batches.dropFirst() {
            keys.merge(b.preparedKeys) { first, _ in first }
            events.merge(b.events) { first, _ in first }
        }
        return PreparedBatch(messages: batches.flatMap(\.messages), preparedKeys: keys,
                             keysComplete: batches.allSatisfy(\.keysComplete), events: events)
    }
}
