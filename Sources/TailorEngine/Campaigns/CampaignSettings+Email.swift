public import Foundation
public import TailorCore
public import TailorMail
public import TailorStore

extension CampaignSettings {
    /// One recipient's email as campaigns and journeys send it: rendered in the recipient's time zone with
    /// their own unsubscribe and web-version links (`send` gives the rest of the context), composed and signed.
    /// An address that does not parse is `no_email`; anything else that fails is `render_failed`.
    func email(_ prepared: PreparedEmail, for recipient: EmailRecipient, profile: ProfileID, address: String, key: String, campaign: String?,
               context send: EmailContext.Send, catalog: [String: Product], from sender: MailAddress?, headers: [HeaderField] = [],
               notBefore: Date?, variant: String? = nil, at now: Date) -> Result<OutboxMessage, SkipError> {
        let token = TrackingToken(profileID: profile, campaign: campaign, messageKey: key, variant: variant)
        var send = send
        send.unsubscribeURL = composer.links.unsubscribeURL(token)
        send.viewURL = composer.links.viewURL(token)
        send.currency = currency
        let context = EmailContext.make(recipient, catalog: catalog, send: send)
        guard let rendered = try? prepared.render(context, timeZone: recipient.timeZone(fallback: defaultTimeZone)) else {
            return .failure(SkipError(SkipReason.renderFailed))
        }
        do {
            return .success(try composer.compose(rendered, to: address, profile: profile, campaign: campaign, key: key, from: sender,
                                                 headers: headers, notBefore: notBefore, variant: variant, at: now))
        } catch let error as MailError where error.code == .invalidAddress {
            return .failure(SkipError(SkipReason.noEmail))
        } catch {
            return .failure(SkipError(SkipReason.renderFailed))
        }
    }
}

extension SkipReason {
    /// Why a suppressed address is skipped: `unsubscribed` when they unsubscribed, else `suppressed`.
    static func suppression(_ entry: SuppressionEntry) -> String { entry.reason == .unsubscribe ? unsubscribed : suppressed }
}
