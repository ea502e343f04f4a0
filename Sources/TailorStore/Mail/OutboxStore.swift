public import Foundation
public import TailorCore

/// The durable mail outbox: rendered messages waiting to be sent, claimed by workers under a lease.
///
/// A message is queued once per idempotency key (queuing the same key again does nothing), so a
/// campaign that is started twice, or crashes while queuing and is resumed, never sends twice. Workers
/// `claim` batches: each claimed row is leased (`sending`, with a deadline) to that worker; the worker
/// reports every outcome with `complete`. A worker that dies leaves its leases behind, and they become
/// claimable again when they expire: nothing is lost, and only the messages in flight at the crash can
/// be sent twice. On PostgreSQL several workers claim at once (`FOR UPDATE SKIP LOCKED`); on SQLite the
/// single writer serializes them. See docs/MAIL.md.
public protocol OutboxStore: Sendable {
    /// Queues messages; a message whose idempotency key is queued already (in any state) is skipped.
    /// - Returns: how many were queued (the others were there already).
    func enqueue(_ messages: [OutboxMessage], at now: Date) async throws -> Int

    /// Leases up to `limit` due messages to `worker` until `now + lease`: queued messages whose
    /// `nextAttemptAt` has come, and messages whose earlier lease expired. Each claim counts an attempt.
    func claim(limit: Int, worker: String, lease: Duration, at now: Date) async throws -> [ClaimedMessage]

    /// Records what happened to claimed messages. An outcome for a message no longer leased to `worker`
    /// (its lease expired and another worker took it) is ignored.
    /// - Returns: how many outcomes were recorded.
    @discardableResult
    func complete(_ outcomes: [OutboxOutcome], worker: String, at now: Date) async throws -> Int

    /// A message's current record, by idempotency key.
    func outboxRecord(key: String) async throws -> OutboxRecord?

    /// How many messages are in each state.
    func outboxCounts() async throws -> [OutboxStatus: Int]

    /// The records in one state, oldest first (`after` is the last id of the previous page).
    func outboxRecords(status: OutboxStatus, after: Int64?, limit: Int) async throws -> [OutboxRecord]

    /// Every message queued for a profile (and those merged into it), oldest first.
    func outboxRecords(of profile: ProfileID) async throws -> [OutboxRecord]
}

/// A message to queue.
public struct OutboxMessage: Sendable, Hashable {
    /// Makes queuing idempotent, for example `campaign:<id>:<profile id>`. Keep personal data out of it:
    /// it is stored in clear.
    public var idempotencyKey: String
    /// The recipient's profile, which the delivery events are recorded on.
    public var profileID: ProfileID
    /// The campaign (or journey step) that sent it, if any.
    public var campaign: String?
    /// The campaign experiment's variant it carries, if any (on `Email Sent` and the delivery events as `variant`).
    public var variant: String?
    /// The envelope sender (bounce address).
    public var sender: String
    /// The envelope recipient. Personal: stored sealed, with a blind index for suppression.
    public var recipient: String
    /// The final message bytes (RFC 5322, CRLF; DKIM-signed if signing). Stored sealed.
    public var data: [UInt8]
    /// Not sent before this time (scheduling); `nil` for now.
    public var notBefore: Date?

    /// Makes a message to queue.
    public init(idempotencyKey: String, profileID: ProfileID, campaign: String? = nil, sender: String, recipient: String,
                data: [UInt8], notBefore: Date? = nil, variant: String? = nil) {
        self.idempotencyKey = idempotencyKey
        self.profileID = profileID
        self.campaign = campaign
        self.variant = variant
        self.sender = sender
        self.recipient = recipient
        self.data = data
        self.notBefore = notBefore
    }
}

/// A message leased to a worker.
public struct ClaimedMessage: Sendable, Hashable {
    /// The outbox row's id.
    public var id: Int64
    public var idempotencyKey: String
    public var profileID: ProfileID
    public var campaign: String?
    public var variant: String?
    public var sender: String
    /// The recipient address (opened from its sealed column).
    public var recipient: String
    /// The recipient's blind index, the key of the suppression list.
    public var recipientIndex: String
    public var data: [UInt8]
    /// Attempts so far, this one included.
    public var attempts: Int

    public init(id: Int64, idempotencyKey: String, profileID: ProfileID, campaign: String?, sender: String, recipient: String,
                recipientIndex: String, data: [UInt8], attempts: Int, variant: String? = nil) {
        self.id = id
        self.idempotencyKey = idempotencyKey
        self.profileID = profileID
        self.campaign = campaign
        self.variant = variant
        self.sender = sender
        self.recipient = recipient
        self.recipientIndex = recipientIndex
        self.data = data
        self.attempts = attempts
    }
}

/// The states of an outbox message.
public enum OutboxStatus: String, Sendable, Hashable, CaseIterable {
    /// Waiting for its next attempt (`nextAttemptAt`).
    case queued
    /// Leased to a worker until `nextAttemptAt`; claimable again after that.
    case sending
    /// Accepted by the transport (final).
    case sent
    /// Refused permanently, or out of attempts (final).
    case failed
    /// Not sent: the recipient is on the suppression list (final).
    case suppressed
}

/// What a worker reports for one claimed message.
public struct OutboxOutcome: Sendable, Hashable {
    public enum Kind: Sendable, Hashable {
        /// Accepted by the transport.
        case sent
        /// Try again at the given time.
        case retry(at: Date)
        /// Given up.
        case failed
        /// The recipient is suppressed.
        case suppressed
    }

    /// The outbox row's id.
    public var id: Int64
    public var kind: Kind
    /// A data-free note (the server's reply code and enhanced code, an error code), never server text.
    public var detail: String?

    public init(id: Int64, _ kind: Kind, detail: String? = nil) {
        self.id = id
        self.kind = kind
        self.detail = detail
    }

    /// The state the message is left in.
    public var status: OutboxStatus {
        switch kind {
        case .sent: .sent
        case .retry: .queued
        case .failed: .failed
        case .suppressed: .suppressed
        }
    }
}

/// An outbox message as stored, without its sealed content.
public struct OutboxRecord: Sendable, Hashable {
    public var id: Int64
    public var idempotencyKey: String
    public var profileID: ProfileID
    public var campaign: String?
    public var recipientIndex: String
    public var status: OutboxStatus
    public var attempts: Int
    public var nextAttemptAt: Date
    public var createdAt: Date
    public var sentAt: Date?
    public var lastError: String?
    /// Whether the sealed message is still stored (it is dropped once the message is final).
    public var hasContent: Bool

    public init(id: Int64, idempotencyKey: String, profileID: ProfileID, campaign: String?, recipientIndex: String, status: OutboxStatus,
                attempts: Int, nextAttemptAt: Date, createdAt: Date, sentAt: Date?, lastError: String?, hasContent: Bool) {
        self.id = id
        self.idempotencyKey = idempotencyKey
        self.profileID = profileID
        self.campaign = campaign
        self.recipientIndex = recipientIndex
        self.status = status
        self.attempts = attempts
        self.nextAttemptAt = nextAttemptAt
        self.createdAt = createdAt
        self.sentAt = sentAt
        self.lastError = lastError
        self.hasContent = hasContent
    }
}

// MARK: - Sealed content

/// The sealed column of an outbox row: recipient, sender and message bytes, framed by NUL bytes
/// (addresses are validated and never contain one).
package enum OutboxContent {
    package static func seal(_ message: OutboxMessage, cipher: FieldCipher) throws -> Data {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(message.data.count + message.recipient.utf8.count + message.sender.utf8.count + 2)
        bytes += message.recipient.utf8
        bytes.append(0)
        bytes += message.sender.utf8
        bytes.append(0)
        bytes += message.data
        return try cipher.seal(bytes)
    }

    package static func open(_ sealed: Data, cipher: FieldCipher) throws -> (recipient: String, sender: String, data: [UInt8]) {
        let bytes = try cipher.open(sealed)
        guard let first = bytes.firstIndex(of: 0), let second = bytes[(first + 1)...].firstIndex(of: 0) else {
            throw StoreError(.corruptRow, "an outbox message's sealed content is malformed")
        }
        return (String(decoding: bytes[..<first], as: UTF8.self), String(decoding: bytes[(first + 1)..<second], as: UTF8.self),
                Array(bytes[(second + 1)...]))
    }

    /// A data-free note, at most 200 characters.
    package static func detail(_ text: String?) -> String? {
        text.map { String($0.prefix(200)) }
    }
}

extension Duration {
    /// Whole milliseconds.
    package var milliseconds: Int64 {
        let (seconds, attoseconds) = components
        return seconds * 1000 + attoseconds / 1_000_000_000_000_000
    }
}

/// What mail delivery needs of a database: the outbox, the suppression list, and events on known profiles.
/// `SQLiteDatabase` and `PostgresDatabase` are all three.
public typealias MailStore = OutboxStore & SuppressionStore & ProfileEventAppender
