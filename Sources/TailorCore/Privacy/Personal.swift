/// A value that identifies a person (an email, a name, a phone number, an address, an IP).
///
/// Its `description` is redacted so that string interpolation into a log line or an error cannot leak
/// it; read `value` on purpose. Stores encrypt every `Personal` value at rest.
public struct Personal<Value: Sendable & Hashable>: Sendable, Hashable, CustomStringConvertible, CustomDebugStringConvertible {
    public var value: Value
    public init(_ value: Value) { self.value = value }
    public var description: String { "<redacted>" }
    public var debugDescription: String { "Personal(<redacted>)" }
}

/// Which trait keys hold personal data. They are split from the other traits, encrypted at rest, left
/// out of logs and pseudonymized in exports.
public struct PersonalDataPolicy: Sendable {
    public var personalTraitKeys: Set<String>

    public init(personalTraitKeys: Set<String>) { self.personalTraitKeys = personalTraitKeys }

    /// Segment's reserved traits that identify a person, in both spellings shops use.
    public static let `default` = PersonalDataPolicy(personalTraitKeys: [
        "email", "name", "firstName", "first_name", "lastName", "last_name", "phone", "address", "street",
        "birthday", "username", "avatar", "ip",
    ])

    public func isPersonal(_ key: String) -> Bool { personalTraitKeys.contains(key) }

    /// Splits traits into those that may be stored in clear (and queried by segments) and personal ones.
    public func split(_ traits: JSONObject) -> (plain: JSONObject, personal: JSONObject) {
        var plain: JSONObject = [:]
        var personal: JSONObject = [:]
        for (k, v) in traits {
            if isPersonal(k) { personal[k] = v } else { plain[k] = v }
        }
        return (plain, personal)
    }
}
