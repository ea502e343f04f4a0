public import Foundation
public import TailorCore
public import TailorStore

/// What a double opt-in confirmation link says: whose grant it confirms (the profile and when they decided)
/// and until when it may be followed.
public struct ConfirmationToken: Sendable, Hashable {
    public var profileID: ProfileID
    /// The decision time of the grant it confirms (milliseconds), which names that grant in the ledger.
    public var grantedAt: Int64
    /// After this the link is refused as expired.
    public var expiresAt: Date

    public init(profileID: ProfileID, grantedAt: Int64, expiresAt: Date) {
        self.profileID = profileID
        self.grantedAt = grantedAt
        self.expiresAt = expiresAt
    }
}

/// Builds and checks the confirmation links of double opt-in, `/c/<token>`: the token is `<payload>.<signature>`,
/// the payload base64url JSON (`{"p": profile, "g": grant time, "e": expiry}`), the signature an HMAC
/// (``LinkSigner``, the tracking links' key) over `confirm` and the payload, so no other link of Tailor's can be
/// turned into a confirmation and no byte of one can be changed. No personal data is in it.
public struct ConfirmationLinks: Sendable {
    public let baseURL: String
    let signer: LinkSigner

    public init(baseURL: String, signer: LinkSigner) {
        self.baseURL = baseURL.hasSuffix("/") ? String(baseURL.dropLast()) : baseURL
        self.signer = signer
    }

    /// The links beside the tracking links of a deployment (same base URL and key).
    public init(_ links: TrackingLinks) {
        self.init(baseURL: links.baseURL, signer: links.signer)
    }

    public func url(_ token: ConfirmationToken) -> String { "\(baseURL)/c/\(sign(token))" }

    func sign(_ token: ConfirmationToken) -> String {
        let object: JSONObject = ["p": .string(token.profileID.rawValue), "g": .number(Double(token.grantedAt)),
                                  "e": .number(Double(token.expiresAt.millisecondsSince1970))]
        let payload = Base64URL.encode(JSONWriter.bytes(.object(object)))
        return payload + "." + signer.signature("confirm\n" + payload)
    }

    /// The token's content, if this deployment made it and it has not expired at `now`.
    /// - Throws: ``ConfirmationLinkError``.
    public func verify(_ text: String, at now: Date) throws -> ConfirmationToken {
        let parts = text.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 2, let bytes = Base64URL.decode(parts[0]) else { throw ConfirmationLinkError.malformed }
        guard signer.isValid(String(parts[1]), for: "confirm\n" + parts[0]) else { throw ConfirmationLinkError.badSignature }
        guard case .object(let o)? = try? JSONParser.parse(bytes), let profile = o["p"]?.stringValue, !profile.isEmpty,
              let granted = o["g"]?.doubleValue, let expiry = o["e"]?.doubleValue else {
            throw ConfirmationLinkError.malformed
        }
        let token = ConfirmationToken(profileID: ProfileID(profile), grantedAt: Int64(granted), expiresAt: Date(millisecondsSince1970: Int64(expiry)))
        guard now < token.expiresAt else { throw ConfirmationLinkError.expired }
        return token
    }
}

/// Why a confirmation link was refused.
public enum ConfirmationLinkError: Error, Sendable, CustomStringConvertible {
    case malformed, badSignature, expired

    public var description: String {
        switch self {
        case .malformed: "the confirmation link is malformed"
        case .badSignature: "the confirmation link's signature does not match"
        case .expired: "the confirmation link has expired"
        }
    }
}
