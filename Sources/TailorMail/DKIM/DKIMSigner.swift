public import struct Foundation.Date
import Crypto
import _CryptoExtras

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Signs rendered messages with DKIM (RFC 6376): rsa-sha256, relaxed/relaxed canonicalization.
///
/// The signer is a value that can be shared between tasks; signing does not mutate it.
///
/// ```swift
/// let signer = try DKIMSigner(domain: "example.com", selector: "mail", privateKeyPEM: pem)
/// var rendered = try message.render()
/// try signer.sign(&rendered)
/// ```
public struct DKIMSigner: Sendable {
    /// The signing domain (`d=`).
    public let domain: String
    /// The selector (`s=`): the key is published at `<selector>._domainkey.<domain>`.
    public let selector: String
    /// Header fields to sign, lowercase, in order (`h=`). Fields absent from a message are skipped.
    public var signedHeaders: [String]
    /// Whether to write the signing time (`t=`).
    public var includesTimestamp: Bool = true
    /// How long a signature stays valid (`x=`), if limited.
    public var validity: Double?

    private let key: _RSA.Signing.PrivateKey
    /// The faster OpenSSL 3 path, when available and proven to sign identically (see ``SystemRSASigner``).
    private let systemSigner: SystemRSASigner?

    /// Which RSA implementation signs: `"openssl"` (the system's libcrypto) or `"swift-crypto"`.
    public var backend: String { systemSigner != nil ? "openssl" : "swift-crypto" }

    /// The headers signed by default: the ones a receiver shows or that change meaning if altered.
    public static let defaultSignedHeaders = [
        "from", "reply-to", "subject", "date", "to", "cc", "message-id", "mime-version", "content-type",
        "content-transfer-encoding", "list-unsubscribe", "list-unsubscribe-post",
    ]

    /// Makes a signer from a PEM private key (PKCS#1 `RSA PRIVATE KEY` or PKCS#8 `PRIVATE KEY`).
    /// - Parameters:
    ///   - domain: the `d=` domain.
    ///   - selector: the `s=` selector.
    ///   - privateKeyPEM: an RSA key of at least 2048 bits.
    ///   - signedHeaders: header names to sign; must include `from`.
    ///   - allowsSystemCrypto: whether the system's OpenSSL 3 may do the RSA operation when it is
    ///     present and signs byte-identically (about twice as fast as swift-crypto's BoringSSL on
    ///     CPUs with AVX-512 IFMA). `TAILOR_DKIM_BACKEND=swift-crypto` in the environment turns it off.
    /// - Throws: ``MailError`` (``MailError/Code/invalidKey``) if the key cannot be read,
    ///   (``MailError/Code/invalidHeader``) if the domain, selector or header list is unusable.
    public init(
        domain: String,
        selector: String,
        privateKeyPEM: String,
        signedHeaders: [String] = DKIMSigner.defaultSignedHeaders,
        allowsSystemCrypto: Bool = true
    ) throws {
        let key: _RSA.Signing.PrivateKey
        do {
            key = try _RSA.Signing.PrivateKey(pemRepresentation: privateKeyPEM)
        } catch {
            throw MailError(.invalidKey, severity: .permanent, "DKIM private key is not an RSA PEM key of 2048 bits or more", underlying: error)
        }
        self.key = key
        let disabled = getenv("TAILOR_DKIM_BACKEND").map { String(cString: $0) == "swift-crypto" } ?? false
        if allowsSystemCrypto && !disabled, let system = SystemRSASigner(pem: privateKeyPEM) {
            // Use it only if it produces exactly swift-crypto's signature on a probe.
            let probe = SHA256.hash(data: Array("tailor dkim backend probe".utf8))
            let reference = try? key.signature(for: probe, padding: .insecurePKCS1v1_5).rawRepresentation
            if let reference, system.agreesOnEverySlot(digest: Array(probe), expected: Array(reference)) {
                systemSigner = system
            } else {
                systemSigner = nil
            }
        } else {
            systemSigner = nil
        }
        let tagSafe: (String) -> Bool = { value in
            !value.isEmpty && value.utf8.allSatisfy { $0 > 0x20 && $0 < 0x7F && $0 != 0x3B && $0 != 0x3D }
        }
        guard tagSafe(domain), tagSafe(selector) else {
            throw MailError(.invalidHeader, severity: .permanent, "DKIM domain and selector must be printable ASCII without ; or =")
        }
        let names = signedHeaders.map { $0.lowercased() }
        guard names.contains("from"), names.allSatisfy(HeaderWriter.isValidFieldName) else {
            throw MailError(.invalidHeader, severity: .permanent, "DKIM header list must include from and hold valid names")
        }
        self.domain = domain
        self.selector = selector
        self.signedHeaders = names
    }

    /// Adds a `DKIM-Signature` field at the top of `message`'s header.
    /// - Parameters:
    ///   - message: the message to sign; its header gains one field.
    ///   - date: the signing time (`t=`).
    /// - Throws: ``MailError`` (``MailError/Code/invalidKey``) if signing fails.
    public func sign(_ message: inout RenderedMessage, at date: Date = Date()) throws {
        let field = try signatureField(for: message, at: date)
        message.prependHeaderField(field)
    }

    /// The complete `DKIM-Signature` field (ending in CRLF) for `message`.
    public func signatureField(for message: RenderedMessage, at date: Date = Date()) throws -> [UInt8] {
        // Body hash over the relaxed body.
        let bodyDigest = message.body.withUnsafeBufferPointer { body in
            if DKIMCanonicalization.relaxedBodyIsUnchanged(body) { return SHA256.hash(data: UnsafeRawBufferPointer(body)) }
            var canonicalBody: [UInt8] = []
            DKIMCanonicalization.relaxedBody(body, into: &canonicalBody)
            return SHA256.hash(data: canonicalBody)
        }
        let bodyHash = Base64.encodeToString(Array(bodyDigest))

        // Pick header instances bottom-up for each listed name (§5.4.2).
        var fields = message.headerFields.map { (name: $0.name.lowercased(), raw: $0.raw) }
        var signedNames: [String] = []
        var hashInput: [UInt8] = []
        hashInput.reserveCapacity(message.header.count + 512)
        for name in signedHeaders {
            guard let index = fields.lastIndex(where: { $0.name == name }) else { continue }
            DKIMCanonicalization.appendRelaxedHeader(fields[index].raw, terminate: true, into: &hashInput)
            fields[index].name = ""  // used
            signedNames.append(name)
        }

        var value = "v=1; a=rsa-sha256; c=relaxed/relaxed; d=\(domain); s=\(selector);"
        if includesTimestamp {
            let time = Int64(date.timeIntervalSince1970)
            value += " t=\(time);"
            if let validity { value += " x=\(time + Int64(validity));" }
        }
        value += "\r\n h=\(signedNames.joined(separator: ":"));\r\n bh=\(bodyHash);\r\n b="
        var field = Array("DKIM-Signature: \(value)".utf8)
        DKIMCanonicalization.appendRelaxedHeader(field, terminate: false, into: &hashInput)

        let digest = SHA256.hash(data: hashInput)
        var signature: [UInt8]
        if let systemSigner, let fast = systemSigner.sign(digest: Array(digest)) {
            signature = fast
        } else {
            do {
                signature = Array(try key.signature(for: digest, padding: .insecurePKCS1v1_5).rawRepresentation)
            } catch {
                throw MailError(.invalidKey, severity: .permanent, "RSA signing failed", underlying: error)
            }
        }
        // The b= value on its own lines; folding whitespace inside b= is ignored by verifiers.
        let encoded = Array(Base64.encodeToString(signature).utf8)
        var offset = 0
        while offset < encoded.count {
            let end = min(offset + 72, encoded.count)
            if offset > 0 { field.append(contentsOf: "\r\n ".utf8) }
            field.append(contentsOf: encoded[offset..<end])
            offset = end
        }
        field.append(contentsOf: crlf)
        return field
    }
}
