public import Crypto
public import Foundation

/// Signs and checks the values Tailor puts in links it sends (tracking tokens, click targets), with
/// HMAC-SHA256 under a key derived from the master key (HKDF, its own `info`, so it is independent of
/// the encryption and blind-index keys of ``FieldCipher``). Signatures are the first 16 bytes of the
/// MAC in base64url (22 characters): enough that guessing one is hopeless, short enough for URLs.
public struct LinkSigner: Sendable {
    private let key: SymmetricKey

    /// Derives the signing key from the deployment's master key (see ``MasterKeySource``).
    public init(masterKey: SymmetricKey) {
        key = HKDF<SHA256>.deriveKey(inputKeyMaterial: masterKey, info: Data("tailor link signing v1".utf8), outputByteCount: 32)
    }

    /// The signature of `text`.
    public func signature(_ text: String) -> String {
        let mac = HMAC<SHA256>.authenticationCode(for: Data(text.utf8), using: key)
        return Base64URL.encode(Array(mac.prefix(16)))
    }

    /// Whether `signature` is the signature of `text` (compared in constant time).
    public func isValid(_ signature: String, for text: String) -> Bool {
        let expected = Array(self.signature(text).utf8)
        let given = Array(signature.utf8)
        guard expected.count == given.count else { return false }
        var difference: UInt8 = 0
        for i in expected.indices { difference |= expected[i] ^ given[i] }
        return difference == 0
    }
}

/// Base64 with the URL-safe alphabet and no padding (RFC 4648 §5).
public enum Base64URL {
    static let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_".utf8)

    public static func encode(_ bytes: some Collection<UInt8>) -> String {
        let input = Array(bytes)
        var out: [UInt8] = []
        out.reserveCapacity((input.count * 4 + 2) / 3)
        var i = 0
        while i + 3 <= input.count {
            let n = UInt32(input[i]) << 16 | UInt32(input[i + 1]) << 8 | UInt32(input[i + 2])
            out += [alphabet[Int(n >> 18 & 63)], alphabet[Int(n >> 12 & 63)], alphabet[Int(n >> 6 & 63)], alphabet[Int(n & 63)]]
            i += 3
        }
        switch input.count - i {
        case 1:
            let n = UInt32(input[i]) << 16
            out += [alphabet[Int(n >> 18 & 63)], alphabet[Int(n >> 12 & 63)]]
        case 2:
            let n = UInt32(input[i]) << 16 | UInt32(input[i + 1]) << 8
            out += [alphabet[Int(n >> 18 & 63)], alphabet[Int(n >> 12 & 63)], alphabet[Int(n >> 6 & 63)]]
        default:
            break
        }
        return String(decoding: out, as: UTF8.self)
    }

    /// Nil for anything but base64url without padding.
    public static func decode(_ text: some StringProtocol) -> [UInt8]? {
        guard text.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "-" || $0 == "_") }) else { return nil }
        var standard = text.replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/")
        while standard.count % 4 != 0 { standard += "=" }
        return Data(base64Encoded: standard).map(Array.init)
    }
}
