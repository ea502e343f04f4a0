import Foundation

/// The `email_marketing` policy of a deployment: one ``ConsentPolicy`` by default (`TAILOR_EMAIL_CONSENT`) and
/// others for the people whose `country` trait names a country (`TAILOR_EMAIL_CONSENT_BY_COUNTRY`,
/// `DE:double-opt-in,GB:opt-in`). Countries are ISO 3166-1 alpha-2 codes, compared without case.
public struct EmailConsentPolicy: Sendable, Hashable {
    public var standard: ConsentPolicy
    public var byCountry: [String: ConsentPolicy]

    public init(_ standard: ConsentPolicy = .optOut, byCountry: [String: ConsentPolicy] = [:]) {
        self.standard = standard
        self.byCountry = Dictionary(byCountry.map { ($0.key.uppercased(), $0.value) }, uniquingKeysWith: { _, last in last })
    }

    /// Whether some people fall under double opt-in (so confirmations may have to be sent).
    public var usesDoubleOptIn: Bool { standard == .doubleOptIn || byCountry.values.contains(.doubleOptIn) }

    /// Whether the policy depends on the country (so profiles must be read).
    public var dependsOnCountry: Bool { byCountry.values.contains { $0 != standard } }

    /// The policy for a person in `country` (nil or unlisted: the standard one).
    public func policy(country: String?) -> ConsentPolicy {
        guard let country, !byCountry.isEmpty else { return standard }
        return byCountry[country.trimmingCharacters(in: .whitespaces).uppercased()] ?? standard
    }

    /// The policy for a person with these traits: their `country` trait (or `address.country`).
    public func policy(traits: JSONObject) -> ConsentPolicy {
        policy(country: Self.country(traits))
    }

    /// The country a profile's traits name, as the time zone of emails reads it.
    public static func country(_ traits: JSONObject) -> String? {
        traits["country"]?.stringValue ?? traits["address"]?.objectValue?["country"]?.stringValue
    }

    /// Reads `CC:policy,CC:policy` (`DE:double-opt-in,GB:opt-in`).
    /// - Throws: ``EmailConsentPolicyError`` naming the part that is not a country and a policy.
    public static func parseCountries(_ text: String) throws -> [String: ConsentPolicy] {
        var out: [String: ConsentPolicy] = [:]
        for part in text.split(separator: ",").map({ $0.trimmingCharacters(in: .whitespaces) }) where !part.isEmpty {
            let pieces = part.split(separator: ":", maxSplits: 1).map { $0.trimmingCharacters(in: .whitespaces) }
            guard pieces.count == 2, pieces[0].count == 2, pieces[0].allSatisfy({ $0.isASCII && $0.isLetter }),
                  let policy = ConsentPolicy(rawValue: pieces[1]) else {
                throw EmailConsentPolicyError(part: part)
            }
            out[pieces[0].uppercased()] = policy
        }
        return out
    }
}

/// A part of `TAILOR_EMAIL_CONSENT_BY_COUNTRY` that is not `CC:policy`.
public struct EmailConsentPolicyError: Error, Sendable, CustomStringConvertible {
    public var part: String
    public var description: String {
        "'\(part)' is not COUNTRY:POLICY (a two-letter country code and opt-out, opt-in or double-opt-in)"
    }
}
