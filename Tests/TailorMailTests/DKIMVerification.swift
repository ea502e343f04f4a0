import Crypto
import Foundation
import _CryptoExtras

@testable import TailorMail

/// Checks a `DKIM-Signature` the way a receiver does, independently of the signer's bookkeeping: the
/// body hash over the relaxed body, and the RSA signature over the relaxed signed header fields
/// followed by the signature field without its `b=` value (RFC 6376 §3.7).
struct DKIMVerification {
    struct Failure: Error, CustomStringConvertible {
        var description: String
    }

    /// The signature's tags (`v`, `a`, `h`, `bh`, `b`, …), white space removed.
    let tags: [String: String]
    /// The data the signature covers, recomputed.
    let signedData: [UInt8]
    /// The body hash, recomputed from the body.
    let bodyHash: String
    private let signature: _RSA.Signing.RSASignature

    /// Reads the signature of `signed`, taking the signed header fields from `unsigned` (the same
    /// message before signing).
    init(signed: RenderedMessage, unsigned: RenderedMessage) throws {
        guard let field = signed.headerFields.first, field.name == "DKIM-Signature", let value = signed.headerValue("DKIM-Signature") else {
            throw Failure(description: "the first header field is not a DKIM-Signature")
        }
        var tags: [String: String] = [:]
        for tag in value.replacingOccurrences(of: " ", with: "").split(separator: ";") {
            let parts = tag.split(separator: "=", maxSplits: 1)
            tags[String(parts[0])] = parts.count > 1 ? String(parts[1]) : ""
        }
        self.tags = tags
        var canonicalBody: [UInt8] = []
        signed.body.withUnsafeBufferPointer { DKIMCanonicalization.relaxedBody($0, into: &canonicalBody) }
        bodyHash = Data(SHA256.hash(data: canonicalBody)).base64EncodedString()

        var data: [UInt8] = []
        for name in (tags["h"] ?? "").split(separator: ":") {
            guard let signedField = unsigned.headerFields.last(where: { $0.name.lowercased() == name }) else {
                throw Failure(description: "signed header field \(name) is missing")
            }
            DKIMCanonicalization.appendRelaxedHeader(signedField.raw, terminate: true, into: &data)
        }
        let rawSignature = TestSupport.string(field.raw)
        guard let b = rawSignature.range(of: "b=", options: .backwards) else { throw Failure(description: "no b= tag") }
        DKIMCanonicalization.appendRelaxedHeader(Array(rawSignature[..<b.upperBound].utf8), terminate: false, into: &data)
        signedData = data
        guard let bytes = Data(base64Encoded: tags["b"] ?? "") else { throw Failure(description: "b= is not base64") }
        signature = _RSA.Signing.RSASignature(rawRepresentation: bytes)
    }

    /// Whether the body hash matches and the signature verifies with the public key (base64 DER, as
    /// in the DNS record) over `data` (the recomputed signed data unless given).
    func verifies(publicKeyBase64: String, data: [UInt8]? = nil) throws -> Bool {
        guard let der = Data(base64Encoded: publicKeyBase64) else { throw Failure(description: "public key is not base64") }
        let publicKey = try _RSA.Signing.PublicKey(derRepresentation: der)
        return tags["bh"] == bodyHash && publicKey.isValidSignature(signature, for: data ?? signedData, padding: .insecurePKCS1v1_5)
    }
}
