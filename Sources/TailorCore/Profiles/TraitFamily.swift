/// The four families of profile traits the product speaks of, and custom traits for the rest.
///
/// Families are a reading of trait names, not a schema: any trait may be set, and one Tailor does not know
/// is `custom`. Both spellings shops use (`postal_code`, `postalCode`) are recognised.
public enum TraitFamily: String, Sendable, CaseIterable, Codable {
    /// Who: age, gender, birthday, income, occupation, education, family.
    case demographic
    /// Where: country, region, city, postal code, time zone, address.
    case geographic
    /// What they care about: interests, lifestyle, values, brand affinity.
    case psychographic
    /// How they relate to the shop: loyalty, membership, consent to email, acquisition.
    case engagement
    /// Everything else, including identity fields (email, names, phone).
    case custom

    static let names: [String: TraitFamily] = {
        var map: [String: TraitFamily] = [:]
        let families: [(TraitFamily, [String])] = [
            (.demographic, ["age", "gender", "birthday", "income", "occupation", "title", "education", "marital_status", "children",
                            "household_size", "language"]),
            (.geographic, ["country", "country_code", "region", "state", "city", "postal_code", "zip", "timezone", "time_zone", "address",
                           "latitude", "longitude", "locale"]),
            (.psychographic, ["interests", "lifestyle", "values", "personality", "brand_affinity", "hobbies", "preferences", "attitudes"]),
            (.engagement, ["loyalty_status", "loyalty_tier", "membership", "plan", "email_opt_in", "sms_opt_in", "acquisition_channel",
                           "referral_source", "subscription_status", "newsletter"]),
        ]
        for (family, keys) in families {
            for key in keys {
                map[key] = family
                map[camelCase(key)] = family
            }
        }
        return map
    }()

    /// The family a trait belongs to, by its name.
    public static func of(_ trait: String) -> TraitFamily {
        names[trait] ?? names[trait.lowercased()] ?? .custom
    }

    /// Groups traits by family.
    public static func group(_ traits: JSONObject) -> [TraitFamily: JSONObject] {
        var out: [TraitFamily: JSONObject] = [:]
        for (k, v) in traits { out[of(k), default: [:]][k] = v }
        return out
    }

    static func camelCase(_ snake: String) -> String {
        let parts = snake.split(separator: "_")
        return parts.enumerated().map { i, p in i == 0 ? String(p) : p.prefix(1).uppercased() + p.dropFirst() }.joined()
    }
}
