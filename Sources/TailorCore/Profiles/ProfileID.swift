public import Foundation

/// Tailor's own id for a profile: `p_` and 24 hex digits, time-ordered so that new profiles sort last.
public struct ProfileID: RawRepresentable, Hashable, Comparable, Sendable, Codable, CustomStringConvertible {
    public let rawValue: String
    public init(rawValue: String) { self.rawValue = rawValue }
    public init(_ rawValue: String) { self.rawValue = rawValue }

    /// A new id: 12 hex digits of milliseconds, 12 of randomness.
    public static func generate(at date: Date = Date()) -> ProfileID {
        var rng = SystemRandomNumberGenerator()
        return generate(at: date, using: &rng)
    }

    public static func generate(at date: Date, using rng: inout some RandomNumberGenerator) -> ProfileID {
        let ms = UInt64(max(0, date.millisecondsSince1970)) & 0xFFFF_FFFF_FFFF
        let random = rng.next() & 0xFFFF_FFFF_FFFF
        return ProfileID("p_" + hex(ms, 12) + hex(random, 12))
    }

    private static func hex(_ v: UInt64, _ width: Int) -> String {
        let s = String(v, radix: 16)
        return String(repeating: "0", count: width - s.count) + s
    }

    public var description: String { rawValue }
    public static func < (a: ProfileID, b: ProfileID) -> Bool { a.rawValue < b.rawValue }
}

/// A way to recognise a person: a user id from the shop, an anonymous (cookie) id, or an email.
public struct Identity: Hashable, Sendable, CustomStringConvertible {
    public enum Kind: String, Sendable, Codable, CaseIterable {
        case user, anonymous, email
    }

    public var kind: Kind
    /// The id; for emails the normalized address (trimmed, lowercased). Emails are personal data:
    /// stores keep only their blind index.
    public var value: String

    public init(_ kind: Kind, _ value: String) {
        self.kind = kind
        self.value = kind == .email ? Identity.normalizeEmail(value) : value
    }

    public static func normalizeEmail(_ email: String) -> String {
        email.trimmingCharacters(in: .whitespacesAndNewlines).lowercased()
    }

    /// Redacted for emails: identities appear in logs and errors.
    public var description: String { kind == .email ? "email:<redacted>" : "\(kind.rawValue):\(value)" }
}
