import Foundation
import Testing
import TailorCore

@Suite("Email consent policy")
struct EmailConsentPolicyTests {
    let t0 = Date(millisecondsSince1970: 1_780_000_000_000)
    let p = ProfileID("p_1")

    @Test func doubleOptInNeedsAGrantConfirmedFromTheMailbox() {
        let api = ConsentEntry(profileID: p, purpose: .emailMarketing, status: .granted, at: t0, source: .api)
        let confirmed = ConsentEntry(profileID: p, purpose: .emailMarketing, status: .granted, at: t0 + 60, source: .doubleOptIn)
        let page = ConsentEntry(profileID: p, purpose: .emailMarketing, status: .granted, at: t0, source: .preferencePage)
        let lapsed = ConsentEntry(profileID: p, purpose: .emailMarketing, status: .granted, at: t0, source: .doubleOptIn, expiresAt: t0 + 10)
        let policy = ConsentPolicy.doubleOptIn
        #expect(!policy.allows(nil, at: t0) && !policy.allows(api, at: t0))
        #expect(policy.awaitsConfirmation(api, at: t0) && !policy.awaitsConfirmation(confirmed, at: t0 + 60))
        #expect(policy.allows(confirmed, at: t0 + 60) && policy.allows(page, at: t0))
        #expect(!policy.allows(lapsed, at: t0 + 20) && !policy.awaitsConfirmation(lapsed, at: t0 + 20))
        #expect(!ConsentPolicy.optIn.awaitsConfirmation(api, at: t0) && ConsentPolicy.optIn.allows(api, at: t0))
    }

    @Test func countriesGetTheirOwnPolicy() throws {
        let byCountry = try EmailConsentPolicy.parseCountries(" DE:double-opt-in, gb:opt-in ")
        #expect(byCountry == ["DE": .doubleOptIn, "GB": .optIn])
        let policy = EmailConsentPolicy(.optOut, byCountry: byCountry)
        #expect(policy.usesDoubleOptIn && policy.dependsOnCountry)
        #expect(policy.policy(traits: ["country": "de"]) == .doubleOptIn)
        #expect(policy.policy(traits: ["address": ["country": "GB"]]) == .optIn)
        #expect(policy.policy(traits: ["country": "FR"]) == .optOut && policy.policy(traits: [:]) == .optOut)
        #expect(!EmailConsentPolicy(.optIn).usesDoubleOptIn && !EmailConsentPolicy(.optIn).dependsOnCountry)
        for bad in ["DE", "Germany:opt-in", "DE:maybe", "D1:opt-in"] {
            #expect(throws: EmailConsentPolicyError.self) { try EmailConsentPolicy.parseCountries(bad) }
        }
    }
}
