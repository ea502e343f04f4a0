import ArgumentParser
import Foundation
import TailorEngine
import TailorMail
import TailorStore

extension Runtime {
    /// What campaign sends need: the sender (`TAILOR_MAIL_FROM`), the tracking links, DKIM, the send rules and
    /// the consent ledger under `TAILOR_EMAIL_CONSENT`.
    /// - Throws: `ValidationError` naming the setting that is missing or malformed.
    func campaignSettings() throws -> CampaignSettings {
        guard let mailFrom = settings.mailFrom else {
            throw ValidationError("set TAILOR_MAIL_FROM to the sender of campaigns, like 'Shop <news@shop.example>' (or give the template --from)")
        }
        let from: MailAddress
        do { from = try MailAddress(parsing: mailFrom) } catch { throw ValidationError("TAILOR_MAIL_FROM is not an address: \(error)") }
        return try campaignSettings(from: from)
    }

    /// The same, with a sender given.
    func campaignSettings(from: MailAddress) throws -> CampaignSettings {
        var signer: DKIMSigner?
        if let dkimKey = settings.dkimKey {
            let pem: String
            do { pem = try String(contentsOfFile: dkimKey, encoding: .utf8) } catch { throw ValidationError("TAILOR_DKIM_KEY: cannot read \(dkimKey)") }
            signer = try DKIMSigner(domain: settings.dkimDomain ?? String(from.domain), selector: settings.dkimSelector, privateKeyPEM: pem)
        }
        guard let zone = TimeZone(identifier: settings.timeZone) else {
            throw ValidationError("TAILOR_TIMEZONE is not a time zone name, like Europe/Paris")
        }
        var campaign = CampaignSettings(composer: EmailComposer(from: from, links: links, signer: signer), defaultTimeZone: zone,
                                        currency: settings.currency, modelPath: settings.recommendationModelPath)
        do {
            campaign.frequencyCap = try settings.frequencyCap.map { try FrequencyCap(parsing: $0) }
            campaign.quietHours = try settings.quietHours.map { try QuietHours(parsing: $0) }
        } catch let e as RequestError {
            throw ValidationError(e.message)
        }
        campaign.consent = deliveryConsent.consent
        campaign.personalization = PersonalizationConsent(store: stores.consent, policy: settings.personalizationConsent, clock: clock)
        return campaign
    }

    /// The sender previews show: `TAILOR_MAIL_FROM`, else a placeholder (a preview sends nothing).
    func previewSender() throws -> MailAddress {
        if let mailFrom = settings.mailFrom, let address = try? MailAddress(parsing: mailFrom) { return address }
        return try MailAddress("preview@tailor.invalid")
    }

    /// The outbox's last check: marketing email goes only with consent under `TAILOR_EMAIL_CONSENT`.
    var deliveryConsent: LedgerDeliveryConsent {
        LedgerDeliveryConsent(campaigns: stores.campaigns,
                              consent: LedgerConsent(store: stores.consent, policy: settings.emailConsent, profiles: stores.profiles, clock: clock),
                              journeys: JourneyService(stores: stores, clock: clock))
    }

    /// Double opt-in, when `TAILOR_EMAIL_CONSENT` (or a country's policy) asks for it: the confirmations are sent
    /// from `TAILOR_MAIL_FROM` (or the stored `double-opt-in` template's sender), signed as campaigns are.
    /// - Throws: `ValidationError` when double opt-in is asked for without a sender.
    func doubleOptInOptions() throws -> DoubleOptInService.Options? {
        guard settings.emailConsent.usesDoubleOptIn else { return nil }
        guard settings.mailFrom != nil else {
            throw ValidationError("double opt-in mails confirmations: set TAILOR_MAIL_FROM to their sender, like 'Shop <news@shop.example>'")
        }
        let campaign = try campaignSettings()
        return DoubleOptInService.Options(policy: settings.emailConsent, links: ConfirmationLinks(links), from: campaign.composer.from,
                                          signer: campaign.composer.signer, linkLifetime: TimeInterval(settings.doubleOptInDays * 86_400))
    }
}
