public import struct Foundation.Date

/// An email to render: addresses, subject, a text and/or HTML body, inline images and attachments.
///
/// Rendering (``render()``) produces RFC 5322 / MIME bytes:
/// - text and HTML together become `multipart/alternative` (text first, as RFC 2046 asks); a message
///   with HTML and no text gets the HTML's text (``HTMLText``) as its text part;
/// - inline images wrap the body in `multipart/related`, each image with a `Content-ID`;
/// - attachments wrap everything in `multipart/mixed`.
///
/// Header values are encoded so that nothing a caller puts in a subject, a display name or a custom
/// header can start a new header line.
public struct Message: Sendable {
    /// The author (`From`).
    public var from: MailAddress
    /// Primary recipients (`To`).
    public var to: [MailAddress]
    /// Copied recipients (`Cc`).
    public var cc: [MailAddress] = []
    /// Blind-copied recipients: in the envelope only, never in a header.
    public var bcc: [MailAddress] = []
    /// Where replies go (`Reply-To`).
    public var replyTo: MailAddress?
    /// The envelope sender (`MAIL FROM`, where bounces go); `from` when `nil`.
    public var returnPath: String?
    /// The subject; any text (encoded as needed).
    public var subject: String
    /// The plain-text body, used as it is. When it is `nil` and ``html`` is set, rendering writes the
    /// HTML's text instead (``HTMLText/plainText(fromHTML:lineWidth:)``).
    public var text: String?
    /// The HTML body.
    public var html: String?
    /// Images referenced from the HTML as `cid:<contentID>`.
    public var inlineImages: [InlineImage] = []
    /// Attached files.
    public var attachments: [Attachment] = []
    /// The `Date` header.
    public var date: Date
    /// The `Message-ID` without angle brackets, `unique@domain`.
    public var messageID: String
    /// `List-Unsubscribe` (and RFC 8058 one-click) header values.
    public var listUnsubscribe: ListUnsubscribe?
    /// More header fields, written after the standard ones.
    public var headers: [HeaderField] = []
    /// How text bodies are written; `.quotedPrintable` by default.
    public var textEncoding: TransferEncoding = .quotedPrintable

    /// Makes a message with a fresh `Message-ID` on the sender's domain and the current date.
    public init(
        from: MailAddress,
        to: [MailAddress],
        subject: String,
        text: String? = nil,
        html: String? = nil,
        date: Date = Date()
    ) {
        self.from = from
        self.to = to
        self.subject = subject
        self.text = text
        self.html = html
        self.date = date
        self.messageID = Message.makeMessageID(domain: from.domain)
    }

    /// A new unique message id, `<128 random bits in hex>@domain`.
    public static func makeMessageID(domain: some StringProtocol) -> String {
        var generator = SystemRandomNumberGenerator()
        let host = domain.utf8.allSatisfy { $0 < 0x80 } && !domain.isEmpty ? String(domain) : "tailor.invalid"
        return hex(generator.next()) + hex(generator.next()) + "@" + host
    }

    /// Everyone the message goes to: `to`, `cc` and `bcc`, without duplicates, in that order.
    public var recipients: [MailAddress] {
        var seen = Set<String>()
        return (to + cc + bcc).filter { seen.insert($0.address.lowercased()).inserted }
    }

    /// The SMTP envelope for this message.
    public var envelope: Envelope {
        Envelope(sender: returnPath ?? from.address, recipients: recipients.map(\.address))
    }
}

/// An image shown inside the HTML body, referenced as `<img src="cid:contentID">`.
public struct InlineImage: Sendable {
    /// The id the HTML refers to, without angle brackets (for example `logo@tailor`).
    public var contentID: String
    /// The media type, for example `image/png`.
    public var contentType: String
    /// An optional file name.
    public var filename: String?
    /// The image bytes.
    public var data: [UInt8]

    /// Makes an inline image.
    public init(contentID: String, contentType: String, filename: String? = nil, data: [UInt8]) {
        self.contentID = contentID
        self.contentType = contentType
        self.filename = filename
        self.data = data
    }
}

/// A file attached to a message.
public struct Attachment: Sendable {
    /// The file name shown to the recipient (any text; RFC 2231-encoded when not ASCII).
    public var filename: String
    /// The media type, for example `application/pdf`.
    public var contentType: String
    /// The file bytes.
    public var data: [UInt8]

    /// Makes an attachment.
    public init(filename: String, contentType: String, data: [UInt8]) {
        self.filename = filename
        self.contentType = contentType
        self.data = data
    }
}

/// The `List-Unsubscribe` header (RFC 2369) and its RFC 8058 one-click companion.
public struct ListUnsubscribe: Sendable, Hashable {
    /// An `https:` URL that unsubscribes on a POST (RFC 8058) or GET.
    public var url: String?
    /// A `mailto:` URL.
    public var mailto: String?
    /// Whether to add `List-Unsubscribe-Post: List-Unsubscribe=One-Click` (needs `url`).
    public var oneClick: Bool

    /// Makes the header values.
    public init(url: String? = nil, mailto: String? = nil, oneClick: Bool = true) {
        self.url = url
        self.mailto = mailto
        self.oneClick = oneClick
    }
}

/// A header field added by the caller.
public struct HeaderField: Sendable, Hashable {
    /// The field name, for example `X-Campaign`.
    public var name: String
    /// The value; written as unstructured text (encoded when not plain ASCII).
    public var value: String

    /// Makes a header field.
    public init(_ name: String, _ value: String) {
        self.name = name
        self.value = value
    }
}

/// The SMTP envelope: who the server should deliver to, and where bounces go.
public struct Envelope: Sendable, Hashable {
    /// The `MAIL FROM` address (may be empty for a null sender).
    public var sender: String
    /// The `RCPT TO` addresses.
    public var recipients: [String]

    /// Makes an envelope.
    public init(sender: String, recipients: [String]) {
        self.sender = sender
        self.recipients = recipients
    }

    /// Checks every address the way ``MailAddress`` does, so that nothing in an envelope can end an
    /// SMTP command early or inject another (an empty sender, the null reverse-path, is allowed).
    /// - Throws: ``MailError`` (``MailError/Code/invalidAddress``).
    public func validate() throws {
        if !sender.isEmpty { try MailAddress.validate(sender) }
        guard !recipients.isEmpty else {
            throw MailError(.invalidAddress, severity: .permanent, "envelope has no recipients")
        }
        for recipient in recipients { try MailAddress.validate(recipient) }
    }

    /// Whether any address needs SMTPUTF8.
    public var isInternationalized: Bool {
        sender.utf8.contains { $0 >= 0x80 } || recipients.contains { $0.utf8.contains { $0 >= 0x80 } }
    }
}

func hex(_ value: UInt64) -> String {
    let digits = Array("0123456789abcdef".utf8)
    var out = [UInt8](repeating: 0, count: 16)
    for index in 0..<16 { out[index] = digits[Int(value >> (60 - 4 * UInt64(index)) & 0xF)] }
    return String(decoding: out, as: UTF8.self)
}
