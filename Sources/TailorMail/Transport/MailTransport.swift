public import struct Foundation.Date

/// Something that delivers messages: an SMTP relay (``SMTPClient``) or a folder (``FileSink``).
///
/// The seam between the mail library and whoever sends (the outbox, the CLI): one call per message,
/// a receipt on success, a ``MailError`` with a ``MailError/Severity`` on failure.
public protocol MailTransport: Sendable {
    /// Delivers one message.
    /// - Returns: which recipients were accepted (and refused, if some were).
    /// - Throws: ``MailError``; its ``MailError/severity`` says whether to retry.
    func send(_ mail: OutgoingMail) async throws -> DeliveryReceipt
}

/// A message ready for a transport: the envelope and the final bytes (signed, if signing).
public struct OutgoingMail: Sendable {
    /// Who the transport delivers to.
    public var envelope: Envelope
    /// The message (RFC 5322 bytes, CRLF line endings), not dot-stuffed.
    public var data: [UInt8]

    /// Makes an outgoing mail from parts.
    public init(envelope: Envelope, data: [UInt8]) {
        self.envelope = envelope
        self.data = data
    }

    /// Renders `message` and signs it when a signer is given.
    /// - Throws: ``MailError`` from rendering or signing.
    public init(_ message: Message, signer: DKIMSigner? = nil, at date: Date = Date()) throws {
        let rendered = try message.render()
        // The signature field goes first; the message is then copied once, into a buffer of its final size.
        var data: [UInt8] = []
        if let signer {
            let field = try signer.signatureField(for: rendered, at: date)
            data.reserveCapacity(field.count + rendered.count)
            data.append(contentsOf: field)
        }
        rendered.write(into: &data)
        self.init(envelope: message.envelope, data: data)
    }

    /// Whether any octet is outside ASCII.
    var hasEightBitData: Bool {
        data.withUnsafeBufferPointer { bytes in
            var accumulated: UInt8 = 0
            for byte in bytes { accumulated |= byte }
            return accumulated >= 0x80
        }
    }
}

/// A delivery outcome with the failure classified, for callers that branch rather than catch.
public enum DeliveryResult: Sendable {
    /// Delivered to at least one recipient.
    case delivered(DeliveryReceipt)
    /// Failed; may succeed later (4xx, network, timeout).
    case transientFailure(MailError)
    /// Failed; will fail again (5xx, malformed message).
    case permanentFailure(MailError)

    /// Classifies `error`.
    public init(_ error: any Error) {
        let mailError = (error as? MailError) ?? MailError(.connectionFailed, severity: .transient, "unexpected error", underlying: error)
        self = mailError.severity == .transient ? .transientFailure(mailError) : .permanentFailure(mailError)
    }
}

extension MailTransport {
    /// Renders, signs (when `signer` is given) and sends `message`.
    public func send(_ message: Message, signer: DKIMSigner? = nil) async throws -> DeliveryReceipt {
        try await send(OutgoingMail(message, signer: signer))
    }

    /// Sends and classifies the outcome instead of throwing.
    public func deliver(_ mail: OutgoingMail) async -> DeliveryResult {
        do {
            return .delivered(try await send(mail))
        } catch {
            return DeliveryResult(error)
        }
    }
}
