import Crypto
import _CryptoExtras

/// A freshly generated DKIM key pair and the DNS record that publishes it.
public struct DKIMKey: Sendable {
    /// The private key, PEM (PKCS#8 `PRIVATE KEY`). Keep it secret.
    public let privateKeyPEM: String
    /// The public key, base64 DER SubjectPublicKeyInfo (the `p=` value).
    public let publicKeyBase64: String

    /// Generates an RSA key pair.
    /// - Parameter bits: 2048 (the default, accepted by every receiver), 3072 or 4096.
    /// - Throws: ``MailError`` (``MailError/Code/invalidKey``) for other sizes or if generation fails.
    public static func generate(bits: Int = 2048) throws -> DKIMKey {
        let size: _RSA.Signing.KeySize
        switch bits {
        case 2048: size = .bits2048
        case 3072: size = .bits3072
        case 4096: size = .bits4096
        default: throw MailError(.invalidKey, severity: .permanent, "DKIM key size must be 2048, 3072 or 4096 bits")
        }
        do {
            let key = try _RSA.Signing.PrivateKey(keySize: size)
            return DKIMKey(
                privateKeyPEM: key.pemRepresentation,
                publicKeyBase64: Base64.encodeToString(Array(key.publicKey.derRepresentation))
            )
        } catch {
            throw MailError(.invalidKey, severity: .permanent, "RSA key generation failed", underlying: error)
        }
    }

    /// Derives the public half of a PEM private key.
    /// - Throws: ``MailError`` (``MailError/Code/invalidKey``) if the PEM is not an RSA private key.
    public init(privateKeyPEM: String) throws {
        do {
            let key = try _RSA.Signing.PrivateKey(pemRepresentation: privateKeyPEM)
            self.init(privateKeyPEM: privateKeyPEM, publicKeyBase64: Base64.encodeToString(Array(key.publicKey.derRepresentation)))
        } catch {
            throw MailError(.invalidKey, severity: .permanent, "DKIM private key is not an RSA PEM key of 2048 bits or more", underlying: error)
        }
    }

    private init(privateKeyPEM: String, publicKeyBase64: String) {
        self.privateKeyPEM = privateKeyPEM
        self.publicKeyBase64 = publicKeyBase64
    }

    /// The TXT record's text: `v=DKIM1; k=rsa; p=...`.
    public var txtRecord: String { "v=DKIM1; k=rsa; p=\(publicKeyBase64)" }

    /// The DNS name of the record, `<selector>._domainkey.<domain>`.
    public static func recordName(selector: String, domain: String) -> String { "\(selector)._domainkey.\(domain)" }

    /// A zone-file line publishing the key, with the text split into strings of at most 255 characters
    /// (the DNS limit for one character-string).
    public func zoneFileLine(selector: String, domain: String) -> String {
        var chunks: [String] = []
        var rest = Substring(txtRecord)
        while !rest.isEmpty {
            chunks.append(String(rest.prefix(255)))
            rest = rest.dropFirst(255)
        }
        let strings = chunks.map { "\"\($0)\"" }.joined(separator: " ")
        return "\(DKIMKey.recordName(selector: selector, domain: domain)). IN TXT ( \(strings) )"
    }
}
