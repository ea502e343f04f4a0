public import Foundation
public import TailorCore
public import TailorMail
public import TailorStore

/// Turns a rendered email into the outbox message for one recipient: tracking links and the open pixel,
/// RFC 8058 one-click unsubscribe, the plain-text part (the template's, else generated from the HTML
/// before its links are rewritten, so the text shows the real addresses), and the DKIM signature when
/// signing is configured.
public struct EmailComposer: Sendable {
    public var from: MailAddress
    public var links: TrackingLinks
    public var signer: DKIMSigner?

    public init(from: MailAddress, links: TrackingLinks, signer: DKIMSigner? = nil) {
        self.from = from
        self.links = links
        self.signer = signer
    }

    /// The message, ready for the outbox.
    /// - Parameters:
    ///   - key: the outbox idempotency key (also the tracking token's message key).
    ///   - from: the template's own sender, when it has one.
    ///   - headers: more header fields (data-free: they are not encrypted in transit).
    /// - Throws: `MailError` for an address that cannot be used or a signing failure.
    public func compose(_ email: RenderedEmail, to address: String, profile: ProfileID, campaign: String?, key: String,
                        from templateSender: MailAddress? = nil, headers: [HeaderField] = [], notBefore: Date? = nil,
                        variant: String? = nil, at now: Date) throws -> OutboxMessage {
        let recipient = try MailAddress(address)
        let token = TrackingToken(profileID: profile, campaign: campaign, messageKey: key, variant: variant)
        let sender = templateSender ?? from
        var message = Message(from: sender, to: [recipient], subject: email.subject,
                              text: email.plainText,
                              html: links.rewrite(html: email.html, token: token), date: now)
        message.listUnsubscribe = ListUnsubscribe(url: links.unsubscribeURL(token))
        if let campaign { message.headers.append(HeaderField("X-Tailor-Campaign", campaign)) }
        if let variant { message.headers.append(HeaderField("X-Tailor-Variant", variant)) }
        message.headers += headers
        let mail = try OutgoingMail(message, signer: signer, at: now)
        return OutboxMessage(idempotencyKey: key, profileID: profile, campaign: campaign, sender: mail.envelope.sender,
                             recipient: recipient.address, data: mail.data, notBefore: notBefore, variant: variant)
    }
}
