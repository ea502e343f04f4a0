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

/// Which traits and properties hold personal data. They are split from the others, encrypted at rest,
/// left out of logs and pseudonymized in exports.
///
/// A field is personal by its name or by its value:
/// - **by name**, compared normalized (lower case, letters and digits only, so `Email`, `E-mail` and
///   `e_mail` are one name): a name on the list (`email`, `phone_number`, `full_name`, `date_of_birth` …),
///   a name holding a personal word (`customer_email`, `shipping_address`, `client_ip`, `mobile_phone`), or a
///   name ending in `name` after a word about a person (`billing_name`, `contactName`, but not `product_name`);
/// - **by value**: a string shaped like an email address, anywhere in the value (nested objects and arrays
///   included), makes the whole field personal.
///
/// ``default`` is the list Tailor ships; ``adding(_:)`` extends it (`TAILOR_PERSONAL_FIELDS`).
public struct PersonalDataPolicy: Sendable {
    /// Normalized names that are personal as a whole.
    public var personalNames: Set<String>
    /// Words that make any name holding them personal.
    public var personalWords: Set<String>
    /// Words that, before a final `name`, say it is a person's.
    public var personWords: Set<String>

    public init(personalNames: Set<String>, personalWords: Set<String> = [], personWords: Set<String> = []) {
        self.personalNames = Set(personalNames.map(Self.normalized))
        self.personalWords = Set(personalWords.map(Self.normalized))
        self.personWords = Set(personWords.map(Self.normalized))
    }

    /// Segment's reserved traits that identify a person, their usual variants, and the words that mark one.
    public static let `default` = PersonalDataPolicy(
        personalNames: [
            "email", "emailaddress", "name", "firstname", "lastname", "fullname", "middlename", "surname", "givenname", "familyname",
            "maidenname", "nickname", "displayname", "username", "login", "phone", "phonenumber", "mobile", "mobilenumber", "telephone",
            "tel", "fax", "cell", "address", "street", "streetaddress", "postaladdress", "homeaddress", "birthday", "birthdate",
            "dateofbirth", "dob", "avatar", "ip", "ipaddress", "ssn", "socialsecuritynumber", "nationalid", "taxid", "passport",
            "passportnumber", "driverslicense", "iban", "creditcard", "cardnumber",
        ],
        personalWords: ["email", "phone", "telephone", "address", "street", "birthday", "birthdate", "ip", "ssn", "passport", "iban"],
        personWords: ["first", "last", "full", "middle", "given", "family", "maiden", "nick", "display", "user", "customer", "contact",
                      "billing", "shipping", "recipient", "sender", "person", "legal", "real", "account", "holder", "owner"])

    /// This policy with more personal names (normalized like the others).
    public func adding(_ names: some Sequence<String>) -> PersonalDataPolicy {
        var policy = self
        policy.personalNames.formUnion(names.map(Self.normalized))
        return policy
    }

    /// Whether a field of this name is personal, whatever its value.
    public func isPersonal(_ key: String) -> Bool {
        let words = Self.words(key)
        let compact = words.joined()
        if personalNames.contains(compact) { return true }
        if words.contains(where: personalWords.contains) { return true }
        if words.count >= 2, words.last == "name", personWords.contains(words[words.count - 2]) { return true }
        return false
    }

    /// Whether a field is personal by its name or by its value.
    public func isPersonal(_ key: String, _ value: JSONValue) -> Bool {
        isPersonal(key) || Self.holdsEmailAddress(value, depth: 0)
    }

    /// Splits traits (or properties) into those that may be stored in clear (and queried by segments) and
    /// personal ones.
    public func split(_ traits: JSONObject) -> (plain: JSONObject, personal: JSONObject) {
        var plain: JSONObject = [:]
        var personal: JSONObject = [:]
        for (k, v) in traits {
            if isPersonal(k, v) { personal[k] = v } else { plain[k] = v }
        }
        return (plain, personal)
    }

    // MARK: - Names and values

    /// Lower case, letters and digits only: `E-mail` and `e_mail` are `email`.
    static func normalized(_ name: String) -> String { words(name).joined() }

    /// A name's words, lower case: split at anything not a letter or digit and where a lower-case letter or
    /// digit meets an upper-case one (`shippingAddress`, `customer_email`, `E-mail` → `e`, `mail`).
    static func words(_ name: String) -> [String] {
        // Field names are nearly always ASCII, and ingest classifies every key of every message: bytes, then.
        let words = name.utf8.allSatisfy({ $0 < 0x80 }) ? asciiWords(name.utf8) : unicodeWords(name)
        // "E-mail" and "e_mail" are one word, whatever separates them.
        var joined: [String] = []
        joined.reserveCapacity(words.count)
        for w in words {
            if let last = joined.last, last == "e", w == "mail" { joined[joined.count - 1] = "email" } else { joined.append(w) }
        }
        return joined
    }

    private static func asciiWords(_ bytes: String.UTF8View) -> [String] {
        var words: [String] = []
        var current: [UInt8] = []
        var previousLowerOrDigit = false
        for b in bytes {
            let upper = b >= 65 && b <= 90, lower = b >= 97 && b <= 122, digit = b >= 48 && b <= 57
            guard upper || lower || digit else {
                if !current.isEmpty { words.append(String(decoding: current, as: UTF8.self)) }
                current.removeAll(keepingCapacity: true)
                previousLowerOrDigit = false
                continue
            }
            if upper, previousLowerOrDigit, !current.isEmpty {
                words.append(String(decoding: current, as: UTF8.self))
                current.removeAll(keepingCapacity: true)
            }
            current.append(upper ? b + 32 : b)
            previousLowerOrDigit = lower || digit
        }
        if !current.isEmpty { words.append(String(decoding: current, as: UTF8.self)) }
        return words
    }

    private static func unicodeWords(_ name: String) -> [String] {
        var words: [String] = []
        var current = ""
        var previousLowerOrDigit = false
        for c in name {
            guard c.isLetter || c.isNumber else {
                if !current.isEmpty { words.append(current) }
                current = ""
                previousLowerOrDigit = false
                continue
            }
            if c.isUppercase, previousLowerOrDigit, !current.isEmpty {
                words.append(current)
                current = ""
            }
            current += c.lowercased()
            previousLowerOrDigit = c.isLowercase || c.isNumber
        }
        if !current.isEmpty { words.append(current) }
        return words
    }

    /// Whether a value holds a string shaped like an email address (`local@domain.tld`, no spaces).
    static func holdsEmailAddress(_ value: JSONValue, depth: Int) -> Bool {
        switch value {
        case .string(let s): return looksLikeEmail(s)
        case .array(let a): return depth < 8 && a.contains { holdsEmailAddress($0, depth: depth + 1) }
        case .object(let o): return depth < 8 && o.values.contains { holdsEmailAddress($0, depth: depth + 1) }
        default: return false
        }
    }

    static func looksLikeEmail(_ s: String) -> Bool {
        let bytes = s.utf8
        guard bytes.count >= 5, bytes.count <= 320, let at = bytes.firstIndex(of: UInt8(ascii: "@")), at != bytes.startIndex else { return false }
        let domain = bytes[bytes.index(after: at)...]
        guard let dot = domain.lastIndex(of: UInt8(ascii: ".")), dot != domain.startIndex, bytes.index(after: dot) != bytes.endIndex else {
            return false
        }
        return !bytes.contains { $0 == UInt8(ascii: " ") || $0 == UInt8(ascii: "\n") || $0 == UInt8(ascii: "\t") }
            && !domain.contains(UInt8(ascii: "@"))
    }
}
