import Crypto
import Foundation
import Testing
import _CryptoExtras

@testable import TailorMail

@Suite("DKIM")
struct DKIMTests {
    /// One key for the suite: generating RSA keys is slow in debug builds.
    static let key = try! DKIMKey.generate()

    @Test("relaxed header canonicalization (RFC 6376 §3.4.5 example)")
    func relaxedHeaders() {
        var out: [UInt8] = []
        DKIMCanonicalization.appendRelaxedHeader(Array("A: X\r\n".utf8), terminate: true, into: &out)
        DKIMCanonicalization.appendRelaxedHeader(Array("B : Y\t\r\n\tZ  \r\n".utf8), terminate: true, into: &out)
        #expect(TestSupport.string(out) == "a:X\r\nb:Y Z\r\n")
    }

    @Test("relaxed body canonicalization (RFC 6376 §3.4.5 example and edge cases)", arguments: [
        (" C \r\nD \t E\r\n\r\n\r\n", " C\r\nD E\r\n"),
        ("", ""),
        ("\r\n\r\n", ""),
        ("a", "a\r\n"),
        ("a\r\n\r\nb  \r\n \t\r\n", "a\r\n\r\nb\r\n"),
        ("a b\r\n\r\nc\r\n", "a b\r\n\r\nc\r\n"),
        ("a b \r\n", "a b\r\n"),
        ("a\tb\r\n", "a b\r\n"),
        ("a\r\n\r\n", "a\r\n"),
        ("\r\n", ""),
        (" lead\r\n", " lead\r\n"),
    ])
    func relaxedBody(input: String, expected: String) {
        var out: [UInt8] = []
        let bytes = Array(input.utf8)
        bytes.withUnsafeBufferPointer { DKIMCanonicalization.relaxedBody($0, into: &out) }
        #expect(TestSupport.string(out) == expected)
        // The no-copy shortcut may only claim "unchanged" when it really is.
        let unchanged = bytes.withUnsafeBufferPointer { DKIMCanonicalization.relaxedBodyIsUnchanged($0) }
        #expect(!unchanged || out == bytes)
        if !bytes.isEmpty && out == bytes { #expect(unchanged) }
    }

    @Test("the word-at-a-time 'already canonical' check agrees with canonicalizing, on long random bodies")
    func unchangedCheckOnRandomBodies() {
        var generator = TestSupport.SeededGenerator(state: 11)
        // Mostly letters, some spaces, rare tabs and line breaks: bodies near the canonical form, so that
        // both answers occur and each offending pair lands at every position within a word.
        let alphabet: [UInt8] = Array("abcdefghijklmnopqr".utf8) + [0x20, 0x20, 0x09, 0x0D]
        var seen = (unchanged: 0, changed: 0)
        for round in 0..<3000 {
            let length = 16 + Int(generator.next() % 80)
            var body: [UInt8] = []
            while body.count < length {
                let byte = alphabet[Int(generator.next() % UInt64(alphabet.count))]
                if byte == 0x09 && generator.next() % 4 != 0 { continue }
                if byte == 0x0D || byte == 0x0A {
                    body += [0x0D, 0x0A]
                } else {
                    body.append(byte)
                }
            }
            if round % 2 == 0 { body += [0x61, 0x0D, 0x0A] }
            var canonical: [UInt8] = []
            body.withUnsafeBufferPointer { DKIMCanonicalization.relaxedBody($0, into: &canonical) }
            let unchanged = body.withUnsafeBufferPointer { DKIMCanonicalization.relaxedBodyIsUnchanged($0) }
            #expect(unchanged == (canonical == body), "round \(round)")
            if unchanged { seen.unchanged += 1 } else { seen.changed += 1 }
        }
        #expect(seen.unchanged > 50 && seen.changed > 50, "\(seen)")
    }

    @Test("the signature verifies with the public key over the canonical headers")
    func signAndVerify() throws {
        let signer = try DKIMSigner(domain: "shop.example", selector: "s2026", privateKeyPEM: Self.key.privateKeyPEM)
        var message = Message(
            from: TestSupport.address("news@shop.example"), to: [TestSupport.address("ada@example.com")], subject: "Grüße", text: "Hello\n",
            html: "<p>Hello</p>")
        message.listUnsubscribe = ListUnsubscribe(url: "https://shop.example/u/1")
        var rendered = try message.render()
        let unsigned = rendered
        try signer.sign(&rendered, at: Date(timeIntervalSince1970: 1_700_000_000))
        let fields = rendered.headerFields
        #expect(fields.first?.name == "DKIM-Signature")
        #expect(rendered.body == unsigned.body)
        let verification = try DKIMVerification(signed: rendered, unsigned: unsigned)
        let tags = verification.tags
        #expect(tags["v"] == "1" && tags["a"] == "rsa-sha256" && tags["c"] == "relaxed/relaxed")
        #expect(tags["d"] == "shop.example" && tags["s"] == "s2026" && tags["t"] == "1700000000")
        #expect(tags["h"] == "from:subject:date:to:message-id:mime-version:content-type:list-unsubscribe:list-unsubscribe-post")
        #expect(tags["bh"] == verification.bodyHash)
        // The signed data is recomputed independently of the signer's bookkeeping.
        #expect(try verification.verifies(publicKeyBase64: Self.key.publicKeyBase64))
        // Tampering with the subject breaks it.
        var tampered = verification.signedData
        tampered[10] ^= 0x01
        #expect(try !verification.verifies(publicKeyBase64: Self.key.publicKeyBase64, data: tampered))
    }

    @Test("the OpenSSL fast path, when present, signs byte-identically to swift-crypto")
    func backendsAgree() throws {
        let fast = try DKIMSigner(domain: "shop.example", selector: "s1", privateKeyPEM: Self.key.privateKeyPEM)
        let reference = try DKIMSigner(domain: "shop.example", selector: "s1", privateKeyPEM: Self.key.privateKeyPEM, allowsSystemCrypto: false)
        #expect(reference.backend == "swift-crypto")
        let message = try Message(from: MailAddress("a@shop.example"), to: [MailAddress("b@example.com")], subject: "same", text: "bytes").render()
        let date = Date(timeIntervalSince1970: 1_800_000_000)
        #expect(try fast.signatureField(for: message, at: date) == reference.signatureField(for: message, at: date))
    }

    @Test("rendered quoted-printable bodies take the no-copy body hash path")
    func renderedBodiesAreCanonical() throws {
        for message in try MailBenchmark.sampleMessages(count: 3) {
            let rendered = try message.render()
            #expect(rendered.body.withUnsafeBufferPointer { DKIMCanonicalization.relaxedBodyIsUnchanged($0) })
        }
    }

    @Test("the DNS record carries the public key")
    func txtRecord() throws {
        #expect(Self.key.txtRecord.hasPrefix("v=DKIM1; k=rsa; p=MII"))
        let again = try DKIMKey(privateKeyPEM: Self.key.privateKeyPEM)
        #expect(again.publicKeyBase64 == Self.key.publicKeyBase64)
        let line = Self.key.zoneFileLine(selector: "s1", domain: "shop.example")
        #expect(line.hasPrefix("s1._domainkey.shop.example. IN TXT ( \"v=DKIM1; k=rsa; p="))
        let strings = line.split(separator: "\"").enumerated().filter { $0.offset % 2 == 1 }.map(\.element)
        #expect(strings.allSatisfy { $0.count <= 255 })
        #expect(strings.joined() == Self.key.txtRecord)
    }

    @Test("bad keys and parameters are rejected with typed errors")
    func badInput() {
        #expect(throws: MailError.self) { try DKIMSigner(domain: "d", selector: "s", privateKeyPEM: "not a key") }
        #expect(throws: MailError.self) { try DKIMSigner(domain: "d;x", selector: "s", privateKeyPEM: Self.key.privateKeyPEM) }
        #expect(throws: MailError.self) { try DKIMSigner(domain: "d", selector: "s", privateKeyPEM: Self.key.privateKeyPEM, signedHeaders: ["subject"]) }
        #expect(throws: MailError.self) { try DKIMKey.generate(bits: 1024) }
    }
}
