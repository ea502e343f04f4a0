public import Foundation

/// Turns Segment JSON into validated ``Message``s, with errors that name the item and field.
public struct MessageDecoder: Sendable {
    /// Segment's limits: 32 KB per message, 500 KB per batch, 2,500 messages per batch.
    public struct Limits: Sendable {
        public var maxMessageBytes = 32 * 1024
        public var maxBatchBytes = 500 * 1024
        public var maxBatchCount = 2_500
        /// How far ahead of its receipt a message's `timestamp` may be. A later one (a client clock set
        /// wrong, or `9999-12-31`) takes the time it was received and keeps what it said as
        /// `context.originalTimestamp`, so that no trait or `last_seen` is frozen in the future. nil keeps
        /// every timestamp as given (imports, which load history).
        public var maxFutureSkew: TimeInterval? = 86_400
        public init() {}
    }

    /// What is wrong with a message and where: `path` is like `batch[3].userId`. Never carries values.
    public struct Error: Swift.Error, Sendable, Equatable, CustomStringConvertible {
        public var path: String
        public var reason: String
        public var index: Int?
        public init(path: String, reason: String, index: Int? = nil) {
            self.path = path
            self.reason = reason
            self.index = index
        }
        public var description: String { path.isEmpty ? reason : "\(path): \(reason)" }
    }

    public var limits: Limits
    public var generateMessageId: @Sendable () -> String

    public init(limits: Limits = Limits(), generateMessageId: @escaping @Sendable () -> String = { UUID().uuidString.lowercased() }) {
        self.limits = limits
        self.generateMessageId = generateMessageId
    }

    /// Decodes one message. `type` is the endpoint's type for single calls, nil in a batch (where each
    /// item says its own `type`). `path` prefixes error locations.
    public func decode(_ value: JSONValue, type fixedType: MessageType?, receivedAt: Date, path: String = "") throws(Error) -> Message {
        func at(_ field: String) -> String { path.isEmpty ? field : "\(path).\(field)" }
        guard case .object(let o) = value else {
            throw Error(path: path, reason: "expected an object, got \(value.typeName)")
        }
        let type: MessageType
        if let fixedType {
            type = fixedType
        } else {
            guard let raw = o["type"] else { throw Error(path: at("type"), reason: "is required") }
            guard let name = raw.stringValue, let t = MessageType(rawValue: name) else {
                throw Error(path: at("type"), reason: "must be one of identify, track, page, screen, group, alias")
            }
            type = t
        }
        func id(_ field: String) throws(Error) -> String? {
            switch o[field] {
            case nil, .null?: return nil
            case .string(let s)?: return s.isEmpty ? nil : s
            case .number(let d)?: return d == d.rounded() && abs(d) < 1e15 ? String(Int64(d)) : String(d)
            case let other?: throw Error(path: at(field), reason: "expected a string, got \(other.typeName)")
            }
        }
        func string(_ field: String) throws(Error) -> String? {
            switch o[field] {
            case nil, .null?: return nil
            case .string(let s)?: return s
            case let other?: throw Error(path: at(field), reason: "expected a string, got \(other.typeName)")
            }
        }
        func object(_ field: String) throws(Error) -> JSONObject {
            switch o[field] {
            case nil, .null?: return [:]
            case .object(let obj)?: return obj
            case let other?: throw Error(path: at(field), reason: "expected an object, got \(other.typeName)")
            }
        }
        let userId = try id("userId")
        let anonymousId = try id("anonymousId")
        var message = Message(
            type: type,
            messageId: try id("messageId") ?? generateMessageId(),
            userId: userId,
            anonymousId: anonymousId,
            previousId: try id("previousId"),
            groupId: try id("groupId"),
            event: try string("event"),
            name: try string("name"),
            traits: try object("traits"),
            properties: try object("properties"),
            context: try object("context"),
            timestamp: receivedAt,
            receivedAt: receivedAt
        )
        if let raw = o["timestamp"], !raw.isNull {
            guard let s = raw.stringValue, let t = ISO8601.parse(s) else {
                throw Error(path: at("timestamp"), reason: "expected an ISO-8601 date-time")
            }
            if let skew = limits.maxFutureSkew, t.timeIntervalSince(receivedAt) > skew {
                message.context["originalTimestamp"] = .string(s)
            } else {
                message.timestamp = t
            }
        }
        // Identify's traits may also come in context.traits (Segment's mobile libraries).
        if message.traits.isEmpty, type == .identify, case .object(let ct)? = message.context["traits"] {
            message.traits = ct
        }
        switch type {
        case .alias:
            guard message.userId != nil else { throw Error(path: at("userId"), reason: "is required for alias") }
            guard message.previousId != nil else { throw Error(path: at("previousId"), reason: "is required for alias") }
        case .group:
            guard message.groupId != nil else { throw Error(path: at("groupId"), reason: "is required for group") }
            fallthrough
        default:
            guard message.userId != nil || message.anonymousId != nil else {
                throw Error(path: path, reason: "userId or anonymousId is required")
            }
        }
        if type == .track {
            guard let event = message.event, !event.isEmpty else { throw Error(path: at("event"), reason: "is required for track") }
        }
        if let field = message.fieldWithNUL {
            throw Error(path: at(field), reason: "must not contain the NUL character (U+0000)")
        }
        // Consent decisions are recorded inside the ingest transaction (docs/PRIVACY.md): one that cannot be
        // read is refused here, where it can still be answered with its place.
        if ConsentCapture.carriesConsent(message) {
            do {
                _ = try ConsentCapture.entries(in: message, profile: ProfileID(""))
            } catch {
                throw Error(path: at(error.path), reason: error.reason)
            }
        }
        return message
    }

    /// Decodes a `/v1/batch` body (`{"batch": [...], "context": {...}}`), enforcing the batch limits.
    /// Context given at the batch level is merged under each message's own.
    public func decodeBatch(_ value: JSONValue, bodyBytes: Int, receivedAt: Date) throws(Error) -> [Message] {
        guard bodyBytes <= limits.maxBatchBytes else {
            throw Error(path: "", reason: "batch is \(bodyBytes) bytes; the limit is \(limits.maxBatchBytes)")
        }
        guard case .object(let o) = value else { throw Error(path: "", reason: "expected an object") }
        guard case .array(let items)? = o["batch"] else { throw Error(path: "batch", reason: "is required and must be an array") }
        guard items.count <= limits.maxBatchCount else {
            throw Error(path: "batch", reason: "has \(items.count) messages; the limit is \(limits.maxBatchCount)")
        }
        let sharedContext = o["context"]?.objectValue ?? [:]
        var messages: [Message] = []
        messages.reserveCapacity(items.count)
        for (i, item) in items.enumerated() {
            let path = "batch[\(i)]"
            // A message can only be over the limit when the whole body is.
            if bodyBytes > limits.maxMessageBytes { try checkSize(item, path: path, index: i) }
            do {
                var message = try decode(item, type: nil, receivedAt: receivedAt, path: path)
                if !sharedContext.isEmpty { message.context = sharedContext.merging(message.context) { _, own in own } }
                messages.append(message)
            } catch {
                var e = error
                e.index = i
                throw e
            }
        }
        return messages
    }

    /// Rejects a message over the per-message limit.
    public func checkSize(_ item: JSONValue, path: String, index: Int? = nil) throws(Error) {
        let size = JSONWriter.bytes(item).count
        if size > limits.maxMessageBytes {
            throw Error(path: path, reason: "message is \(size) bytes; the limit is \(limits.maxMessageBytes)", index: index)
        }
    }
}
