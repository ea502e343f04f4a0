public import Foundation
public import TailorCore
public import TailorStore

/// Who a tracking link is about: the recipient's profile, the campaign and the outbox message. No
/// personal data: profile ids are random and the message key is the outbox's idempotency key (which
/// callers keep free of addresses, for example `campaign:<id>:<profile id>`).
public struct TrackingToken: Sendable, Hashable {
    public var profileID: ProfileID
    public var campaign: String?
    /// The outbox message's idempotency key (needed to unsubscribe: it leads to the address's blind index).
    public var messageKey: String?
    /// The campaign experiment's variant of the email, carried to its opens, clicks and unsubscribes as `variant`.
    public var variant: String?

    public init(profileID: ProfileID, campaign: String? = nil, messageKey: String? = nil, variant: String? = nil) {
        self.profileID = profileID
        self.campaign = campaign
        self.messageKey = messageKey
        self.variant = variant
    }
}

/// Builds and checks the links Tailor puts in the mail it sends: the open pixel, click redirects and the
/// unsubscribe / preference page.
///
/// A token is `<payload>.<signature>`: the payload is base64url JSON (`{"p": profile, "c": campaign,
/// "k": message key, "v": variant}`), the signature an HMAC (``LinkSigner``) over the link's purpose and the payload,
/// and for a click also over the target URL. So a token made for an open cannot unsubscribe, and a click
/// link cannot be pointed at another site (no open redirect): changing any byte of the payload, the
/// target or the signature gives ``TrackingLinkError``.
///
/// Paths, under `baseURL`: `/t/o/<token>` (pixel), `/t/c/<token>?u=<target>` (click), `/t/u/<token>`
/// (GET: preference page; POST: RFC 8058 one-click unsubscribe, or the page's form), `/t/v/<token>` (the email in
/// a browser).
public struct TrackingLinks: Sendable {
    /// What a token is for; part of what is signed.
    public enum Purpose: String, Sendable {
        case open, click, unsubscribe, view
    }

    /// Where the server answers, for example `https://mail.example.com` (no trailing slash).
    public let baseURL: String
    let signer: LinkSigner

    public init(baseURL: String, signer: LinkSigner) {
        self.baseURL = baseURL.hasSuffix("/") ? String(baseURL.dropLast()) : baseURL
        self.signer = signer
    }

    // MARK: - Building

    /// The open pixel's URL.
    public func openURL(_ token: TrackingToken) -> String {
        "\(baseURL)/t/o/\(sign(token, .open))"
    }

    /// A click link that redirects to `target` (http or https).
    public func clickURL(_ target: String, _ token: TrackingToken) -> String {
        "\(baseURL)/t/c/\(sign(token, .click, target: target))?u=\(Self.percentEncode(target))"
    }

    /// The unsubscribe URL: for `List-Unsubscribe` (one-click POST, RFC 8058) and the preference page (GET).
    public func unsubscribeURL(_ token: TrackingToken) -> String {
        "\(baseURL)/t/u/\(sign(token, .unsubscribe))"
    }

    /// The email's web version: the campaign's email rendered again for its recipient (`view_in_browser_url`).
    public func viewURL(_ token: TrackingToken) -> String {
        "\(baseURL)/t/v/\(sign(token, .view))"
    }

    /// The HTML with every `http(s)` link of an `<a href>` wrapped in a click redirect and the open pixel
    /// added before `</body>` (or at the end). Other links (`mailto:`, anchors) are left alone.
    ///
    /// One pass over the bytes (`LinkScanner`): an `<a` tag's first `href="…"` (or `'…'`) is a link.
    public func rewrite(html: String, token: TrackingToken) -> String {
        var out: [UInt8] = []
        let bytes = Array(html.utf8)
        out.reserveCapacity(bytes.count + 512)
        var last = 0
        for link in LinkScanner.links(in: bytes) {
            let target = Self.unescapeAttribute(String(decoding: bytes[link.value], as: UTF8.self))
            let lower = target.prefix(8).lowercased()
            guard lower.hasPrefix("http://") || lower.hasPrefix("https://") else { continue }
            out += bytes[last..<link.value.lowerBound]
            out += Self.escapeAttribute(clickURL(target, token)).utf8
            last = link.value.upperBound
        }
        out += bytes[last...]
        let pixel = #"<img src="\#(Self.escapeAttribute(openURL(token)))" width="1" height="1" alt="" style="display:block;border:0">"#
        if let body = LinkScanner.lastBodyClose(in: out) {
            out.insert(contentsOf: Array(pixel.utf8), at: body)
        } else {
            out += pixel.utf8
        }
        return String(decoding: out, as: UTF8.self)
    }

    // MARK: - Checking

    /// The token's content, if it was made by this deployment for this purpose (and this target).
    /// - Throws: ``TrackingLinkError`` for a malformed token or a wrong signature.
    public func verify(_ text: String, _ purpose: Purpose, target: String? = nil) throws -> TrackingToken {
        let parts = text.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 2, let bytes = Base64URL.decode(parts[0]) else { throw TrackingLinkError.malformed }
        guard signer.isValid(String(parts[1]), for: Self.signed(String(parts[0]), purpose, target: target)) else {
            throw TrackingLinkError.badSignature
        }
        guard case .object(let object)? = try? JSONParser.parse(bytes), let profile = object["p"]?.stringValue, !profile.isEmpty else {
            throw TrackingLinkError.malformed
        }
        return TrackingToken(profileID: ProfileID(profile), campaign: object["c"]?.stringValue, messageKey: object["k"]?.stringValue,
                             variant: object["v"]?.stringValue)
    }

    func sign(_ token: TrackingToken, _ purpose: Purpose, target: String? = nil) -> String {
        var object: JSONObject = ["p": .string(token.profileID.rawValue)]
        if let campaign = token.campaign { object["c"] = .string(campaign) }
        if let key = token.messageKey { object["k"] = .string(key) }
        if let variant = token.variant { object["v"] = .string(variant) }
        let payload = Base64URL.encode(JSONWriter.bytes(.object(object)))
        return payload + "." + signer.signature(Self.signed(payload, purpose, target: target))
    }

    static func signed(_ payload: String, _ purpose: Purpose, target: String?) -> String {
        "\(purpose.rawValue)\n\(payload)" + (target.map { "\n\($0)" } ?? "")
    }

    // MARK: - Text

    /// Everything but unreserved characters percent-encoded, so the query value survives any parser.
    static func percentEncode(_ text: String) -> String {
        let hex = Array("0123456789ABCDEF".utf8)
        var out: [UInt8] = []
        out.reserveCapacity(text.utf8.count * 3 / 2)
        for b in text.utf8 {
            switch b {
            case UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "0")...UInt8(ascii: "9"),
                 UInt8(ascii: "-"), UInt8(ascii: "."), UInt8(ascii: "_"), UInt8(ascii: "~"):
                out.append(b)
            default:
                out += [UInt8(ascii: "%"), hex[Int(b >> 4)], hex[Int(b & 15)]]
            }
        }
        return String(decoding: out, as: UTF8.self)
    }

    static func escapeAttribute(_ text: String) -> String {
        guard text.utf8.contains(where: { $0 == UInt8(ascii: "&") || $0 == UInt8(ascii: "\"") || $0 == UInt8(ascii: "'") || $0 == UInt8(ascii: "<") })
        else { return text }
        var out = ""
        out.reserveCapacity(text.utf8.count + 16)
        for c in text.unicodeScalars {
            switch c {
            case "&": out += "&amp;"
            case "\"": out += "&quot;"
            case "'": out += "&#39;"
            case "<": out += "&lt;"
            default: out.unicodeScalars.append(c)
            }
        }
        return out
    }

    static func unescapeAttribute(_ text: String) -> String {
        guard text.utf8.contains(UInt8(ascii: "&")) else { return text }
        return text.replacingOccurrences(of: "&quot;", with: "\"").replacingOccurrences(of: "&#39;", with: "'")
            .replacingOccurrences(of: "&lt;", with: "<").replacingOccurrences(of: "&gt;", with: ">").replacingOccurrences(of: "&amp;", with: "&")
    }
}

/// Why a tracking link was refused (the server answers 400).
public enum TrackingLinkError: Error, Sendable, CustomStringConvertible {
    /// Not a token at all, or its payload does not decode.
    case malformed
    /// The signature does not match: the token, the target or the signature was changed.
    case badSignature
    /// The click target is not an http(s) URL.
    case badTarget

    public var description: String {
        switch self {
        case .malformed: "the link's token is malformed"
        case .badSignature: "the link's signature does not match"
        case .badTarget: "the link's target is not an http or https URL"
        }
    }
}
