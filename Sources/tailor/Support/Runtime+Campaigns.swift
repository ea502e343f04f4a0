import ArgumentParser
import Foundation
import TailorEngine
import TailorMail
import TailorStore

extension Settings {
    /// What campaign sends need, from the settings: the sender, the tracking links, DKIM and the send rules.
    /// - Throws: `ValidationError` naming the setting that is missing or malformed.
    func campaignSettings() throws -> CampaignSettings {
        guard let mailFrom else {
            throw ValidationError("set TAILOR_MAIL_FROM to the sender of campaigns, like 'Shop <news@shop.example>' (or give the template --from)")
        }
        let from: MailAddress
        do { from = try MailAddress(parsing: mailFrom) } catch { throw ValidationError("TAILOR_MAIL_FROM is not an address: \(error)") }
        return try campaignSettings(from: from)
    }

    /// The same, with a sender given.
    func campaignSettings(from: MailAddress) throws -> CampaignSettings {
        let (masterKey, _) = try MasterKeySource.load(base64: encryptionKey, keyFile: keyFile)
        let links = TrackingLinks(baseURL: publicURL, signer: LinkSigner(masterKey: masterKey))
        var signer: DKIMSigner?
        if let dkimKey {
            let pem: String
            do { pem = try String(contentsOfFile: dkimKey, encoding: .utf8) } catch { throw ValidationError("TAILOR_DKIM_KEY: cannot read \(dkimKey)") }
            signer = try DKIMSigner(domain: dkimDomain ?? String(from.domain), selector: dkimSelector, privateKeyPEM: pem)
        }
        guard let zone = TimeZone(identifier: timeZone) else { throw ValidationError("TAILOR_TIMEZONE is not a time zone name, like Europe/Paris") }
        var settings = CampaignSettings(composer: EmailComposer(from: from, links: links, signer: signer), defaultTimeZone: zone,
                                        currency: currency, modelPath: recommendationModelPath)
        do {
            settings.frequencyCap = try frequencyCap.map { try FrequencyCap(parsing: $0) }
            settings.quietHours = try quietHours.map { try QuietHours(parsing: $0) }
        } catch let e as RequestError {
            throw ValidationError(e.message)
        }
        return settings
    }
}

extension Settings {
    /// The sender previews show: `TAILOR_MAIL_FROM`, else a placeholder (a preview sends nothing).
    func previewSender() throws -> MailAddress {
        if let mailFrom, let address = try? MailAddress(parsing: mailFrom) { return address }
        return try MailAddress("preview@tailor.invalid")
    }
}

extension CampaignSettings {
    /// The same settings, asking the consent ledger of the runtime's database who may get marketing email.
    func consenting(_ runtime: Runtime) -> CampaignSettings {
        var copy = self
        copy.consent = runtime.deliveryConsent.consent
        return copy
    }
}

extension Runtime {
    /// The outbox's last check: marketing email goes only with consent under `TAILOR_EMAIL_CONSENT`.
    var deliveryConsent: LedgerDeliveryConsent {
        LedgerDeliveryConsent(campaigns: stores.campaigns,
                              consent: LedgerConsent(store: stores.consent, policy: settings.emailConsent, clock: clock))
    }
}
