import Foundation
import Testing

@testable import TailorMail

@Suite("Transfer encodings")
struct TransferEncodingTests {
    @Test("quoted-printable round-trips and keeps lines within 76 characters")
    func quotedPrintableRoundTrip() {
        var generator = TestSupport.SeededGenerator(state: 7)
        let alphabet = Array("abc xyz=\t.é€😀\r\n   Ünïcødé ".unicodeScalars)
        for length in [0, 1, 75, 76, 77, 200, 3000] {
            var text = ""
            for _ in 0..<length { text.unicodeScalars.append(alphabet[Int(generator.next() % UInt64(alphabet.count))]) }
            var out: [UInt8] = []
            QuotedPrintable.encode(Array(text.utf8), into: &out)
            let encoded = TestSupport.string(out)
            for line in encoded.components(separatedBy: "\r\n") {
                #expect(line.utf8.count <= 76)
                #expect(!line.hasSuffix(" ") && !line.hasSuffix("\t"))
                #expect(line.utf8.allSatisfy { $0 >= 0x20 && $0 < 0x7F || $0 == 0x09 })
            }
            let normalized = RenderedMessage.normalizingLineEndings(Array(text.utf8))
            #expect(TestSupport.decodeQuotedPrintable(encoded) == normalized, "length \(length)")
        }
    }

    @Test("quoted-printable of long mostly-plain lines (the word-at-a-time path) round-trips within 76 characters")
    func quotedPrintableLongPlainRuns() {
        var generator = TestSupport.SeededGenerator(state: 23)
        // Mostly octets that are written as they are, so that whole words are copied, with the
        // occasional "=", non-ASCII letter, tab, space run or line break at every offset in a word.
        let plain = Array("<td class\"card\">abcdefghijklmnopqrstuvwxyz0123456789 ./:;".unicodeScalars)
        let special = Array("=é\t  \r\n\n€".unicodeScalars)
        for round in 0..<200 {
            var text = ""
            let length = 50 + Int(generator.next() % 600)
            for _ in 0..<length {
                let pool = generator.next() % 12 == 0 ? special : plain
                text.unicodeScalars.append(pool[Int(generator.next() % UInt64(pool.count))])
            }
            var out: [UInt8] = []
            QuotedPrintable.encode(Array(text.utf8), into: &out)
            let encoded = TestSupport.string(out)
            for line in encoded.components(separatedBy: "\r\n") {
                #expect(line.utf8.count <= 76, "round \(round)")
                #expect(!line.hasSuffix(" ") && !line.hasSuffix("\t"), "round \(round)")
                #expect(line.utf8.allSatisfy { $0 >= 0x20 && $0 < 0x7F || $0 == 0x09 })
            }
            #expect(TestSupport.decodeQuotedPrintable(encoded) == RenderedMessage.normalizingLineEndings(Array(text.utf8)), "round \(round)")
        }
    }

    @Test("quoted-printable encodes '=' and trailing whitespace")
    func quotedPrintableSpecials() {
        var out: [UInt8] = []
        QuotedPrintable.encode(Array("a=b \r\nc\t".utf8), into: &out)
        #expect(TestSupport.string(out) == "a=3Db=20\r\nc=09")
    }

    @Test("base64 matches Foundation, with 76-character lines")
    func base64() {
        for length in [0, 1, 2, 3, 56, 57, 58, 1000] {
            let data = (0..<length).map { UInt8(truncatingIfNeeded: $0 &* 31 &+ 7) }
            var out: [UInt8] = []
            Base64.encode(data, lineLength: 76, into: &out)
            var flat = Substring(Data(data).base64EncodedString())
            var expected = ""
            while !flat.isEmpty {
                expected += flat.prefix(76) + "\r\n"
                flat = flat.dropFirst(76)
            }
            let ours = TestSupport.string(out)
            #expect(ours == expected)
            #expect(Base64.decode(ours) == data)
        }
    }
}

@Suite("Header encoding")
struct HeaderEncodingTests {
    private func subjectField(_ subject: String) -> String {
        var out: [UInt8] = []
        HeaderWriter.appendUnstructured(name: "Subject", value: subject, into: &out)
        return TestSupport.string(out)
    }

    @Test("ASCII subjects fold at spaces under 78 characters and unfold to the original")
    func asciiFolding() {
        let subject = (0..<40).map { "word\($0)" }.joined(separator: " ")
        let field = subjectField(subject)
        #expect(field.hasSuffix("\r\n"))
        let lines = String(decoding: field.utf8.dropLast(2), as: UTF8.self).components(separatedBy: "\r\n")
        #expect(lines.count > 1)
        for line in lines { #expect(line.utf8.count <= 78) }
        #expect(String(decoding: field.utf8.dropFirst(9).dropLast(2), as: UTF8.self).replacingOccurrences(of: "\r\n", with: "") == subject)
    }

    @Test("non-ASCII subjects become UTF-8 encoded-words that decode to the original", arguments: [
        "Grüße aus Köln", "🎉 Your order has shipped 🎉", String(repeating: "日本語のテキスト", count: 12), "a=?b?=c",
    ])
    func encodedWords(subject: String) {
        let field = subjectField(subject)
        #expect(field.utf8.allSatisfy { $0 < 0x80 })
        let lines = String(decoding: field.utf8.dropLast(2), as: UTF8.self).components(separatedBy: "\r\n")
        for line in lines { #expect(line.utf8.count <= 78) }
        let value = String(decoding: field.utf8.dropFirst(9).dropLast(2), as: UTF8.self)
        #expect(TestSupport.decodeEncodedWords(value) == subject)
    }

    @Test("CR and LF in a subject cannot start a new header line")
    func subjectInjection() throws {
        var message = Message(
            from: TestSupport.address("a@example.com"), to: [TestSupport.address("b@example.com")],
            subject: "Hello\r\nBcc: victim@example.org\nX-Evil: 1", text: "hi")
        message.headers = [HeaderField("X-Note", "line\r\nReply-To: evil@example.org")]
        let rendered = try message.render()
        let header = TestSupport.string(rendered.header)
        for line in header.components(separatedBy: "\r\n") {
            #expect(!line.hasPrefix("Bcc:") && !line.hasPrefix("X-Evil:") && !line.hasPrefix("Reply-To:"))
        }
        // Every LF is part of a CRLF, and every continuation line starts with whitespace.
        let lines = header.components(separatedBy: "\r\n").dropLast()
        for line in lines {
            #expect(!line.contains("\n") && !line.contains("\r"))
        }
        let subjectValue = try #require(rendered.headerValue("Subject"))
        #expect(TestSupport.decodeEncodedWords(subjectValue) == "Hello\r\nBcc: victim@example.org\nX-Evil: 1")
    }

    @Test("display names are quoted or encoded; CR/LF in a name is encoded")
    func displayNames() throws {
        func from(_ name: String) throws -> String {
            let message = Message(from: try MailAddress("a@example.com", name: name), to: [TestSupport.address("b@example.com")], subject: "s", text: "t")
            return try #require(try message.render().headerValue("From"))
        }
        #expect(try from("Ada Lovelace") == "Ada Lovelace <a@example.com>")
        #expect(try from("Lovelace, Ada \"The\" Countess") == "\"Lovelace, Ada \\\"The\\\" Countess\" <a@example.com>")
        let encoded = try from("Zoë\r\nBcc: x@y")
        #expect(encoded.hasPrefix("=?UTF-8?B?"))
        #expect(TestSupport.decodeEncodedWords(String(encoded.prefix(upTo: encoded.range(of: " <")!.lowerBound))) == "Zoë\r\nBcc: x@y")
    }

    @Test("addresses with whitespace, CR/LF, angle brackets or no @ are rejected", arguments: [
        "a@b.com\r\nRCPT TO:<x@y>", "a b@c.com", "<a@b.com>", "ab.com", "@b.com", "a@", "a@b.com,c@d.com", "a@b..com.",
    ])
    func invalidAddresses(address: String) {
        #expect(throws: MailError.self) { try MailAddress(address) }
    }

    @Test("parsing Name <address>")
    func parseMailbox() throws {
        let parsed = try MailAddress(parsing: "\"Ada L\" <ada@example.com>")
        #expect(parsed.address == "ada@example.com" && parsed.name == "Ada L")
        #expect(try MailAddress(parsing: " bob@example.com ").name == nil)
        #expect("\(parsed)".contains("ada") == false)
    }

    @Test("custom header names are validated and may not override generated ones")
    func customHeaderNames() {
        var message = Message(from: TestSupport.address("a@example.com"), to: [TestSupport.address("b@example.com")], subject: "s", text: "t")
        message.headers = [HeaderField("X-Bad:Name", "v")]
        #expect(throws: MailError.self) { try message.render() }
        message.headers = [HeaderField("Subject", "v")]
        #expect(throws: MailError.self) { try message.render() }
        message.headers = [HeaderField("X-Bad\r\nName", "v")]
        #expect(throws: MailError.self) { try message.render() }
    }

    @Test("RFC 5322 dates in UTC")
    func dates() {
        #expect(MailDate.format(Date(timeIntervalSince1970: 0)) == "Thu, 1 Jan 1970 00:00:00 +0000")
        #expect(MailDate.format(Date(timeIntervalSince1970: 1_795_357_199)) == "Sun, 22 Nov 2026 14:19:59 +0000")
        #expect(MailDate.format(Date(timeIntervalSince1970: 951_868_741)) == "Tue, 29 Feb 2000 23:59:01 +0000")
        #expect(MailDate.format(Date(timeIntervalSince1970: -3600)) == "Wed, 31 Dec 1969 23:00:00 +0000")
    }
}

@Suite("Message rendering")
struct MessageRenderingTests {
    private func sample() -> Message {
        var message = Message(
            from: TestSupport.address("news@shop.example", name: "Shop"),
            to: [TestSupport.address("ada@example.com", name: "Ada"), TestSupport.address("bob@example.com")],
            subject: "Your weekly picks",
            text: "Hello Ada,\nhere are your picks.\n",
            html: "<html><body><p>Hello Ada,</p><img src=\"cid:logo@shop\"></body></html>\n",
            date: Date(timeIntervalSince1970: 1_795_357_199)
        )
        message.cc = [TestSupport.address("cc@example.com")]
        message.bcc = [TestSupport.address("hidden@example.com")]
        message.listUnsubscribe = ListUnsubscribe(url: "https://shop.example/u/abc123", mailto: "unsubscribe@shop.example")
        return message
    }

    @Test("text + HTML render as multipart/alternative with the standard headers")
    func alternative() throws {
        let message = sample()
        var generator = TestSupport.SeededGenerator(state: 1)
        let rendered = try message.render(using: &generator)
        #expect(rendered.headerValue("Date") == "Sun, 22 Nov 2026 14:19:59 +0000")
        #expect(rendered.headerValue("From") == "Shop <news@shop.example>")
        #expect(rendered.headerValue("To") == "Ada <ada@example.com>, bob@example.com")
        #expect(rendered.headerValue("Cc") == "cc@example.com")
        #expect(rendered.headerValue("Bcc") == nil)
        #expect(rendered.headerValue("Message-ID") == "<\(message.messageID)>")
        #expect(message.messageID.hasSuffix("@shop.example"))
        #expect(rendered.headerValue("MIME-Version") == "1.0")
        #expect(rendered.headerValue("List-Unsubscribe") == "<https://shop.example/u/abc123>, <mailto:unsubscribe@shop.example>")
        #expect(rendered.headerValue("List-Unsubscribe-Post") == "List-Unsubscribe=One-Click")
        let contentType = try #require(rendered.headerValue("Content-Type"))
        #expect(contentType.hasPrefix("multipart/alternative;"))
        let boundary = String(contentType.split(separator: "\"")[1])
        let body = TestSupport.string(rendered.body)
        #expect(body.components(separatedBy: "--\(boundary)\r\n").count == 3)
        #expect(body.hasSuffix("--\(boundary)--\r\n"))
        let textRange = try #require(body.range(of: "text/plain"))
        let htmlRange = try #require(body.range(of: "text/html"))
        #expect(textRange.lowerBound < htmlRange.lowerBound)
        #expect(message.envelope == Envelope(sender: "news@shop.example", recipients: ["ada@example.com", "bob@example.com", "cc@example.com", "hidden@example.com"]))
    }

    @Test("inline images make multipart/related inside multipart/mixed with attachments")
    func relatedAndMixed() throws {
        var message = sample()
        message.inlineImages = [InlineImage(contentID: "logo@shop", contentType: "image/png", filename: "logo.png", data: Array(repeating: 0x89, count: 300))]
        message.attachments = [Attachment(filename: "Rechnung März.pdf", contentType: "application/pdf", data: Array(0..<255))]
        let rendered = try message.render()
        #expect(try #require(rendered.headerValue("Content-Type")).hasPrefix("multipart/mixed;"))
        let body = TestSupport.string(rendered.body)
        let related = try #require(body.range(of: "Content-Type: multipart/related;"))
        let alternative = try #require(body.range(of: "Content-Type: multipart/alternative;"))
        #expect(related.lowerBound < alternative.lowerBound)
        #expect(body.contains("Content-ID: <logo@shop>\r\n"))
        #expect(body.contains("Content-Disposition: inline;\r\n filename=\"logo.png\""))
        #expect(body.contains("filename*=UTF-8''Rechnung%20M%C3%A4rz.pdf"))
    }

    @Test("every line is at most 998 octets, even for one long HTML line")
    func lineLengths() throws {
        var message = sample()
        message.html = String(repeating: "<td>é x</td>", count: 5000)
        message.subject = String(repeating: "x", count: 2000)
        for encoding in [TransferEncoding.quotedPrintable, .base64, .sevenBit] {
            message.textEncoding = encoding
            let rendered = try message.render()
            for line in TestSupport.lines(rendered.bytes) { #expect(line.utf8.count <= 998) }
        }
    }

    @Test("7bit is used only when the text allows it")
    func sevenBit() throws {
        var message = Message(from: TestSupport.address("a@example.com"), to: [TestSupport.address("b@example.com")], subject: "s", text: "plain ascii\nline two\n")
        message.textEncoding = .sevenBit
        var rendered = try message.render()
        #expect(rendered.headerValue("Content-Transfer-Encoding") == "7bit")
        #expect(TestSupport.string(rendered.body) == "plain ascii\r\nline two\r\n")
        message.text = "naïve"
        rendered = try message.render()
        #expect(rendered.headerValue("Content-Transfer-Encoding") == "quoted-printable")
    }

    @Test("messages without body or recipients, and unsafe tokens, are rejected")
    func rejected() {
        var message = Message(from: TestSupport.address("a@example.com"), to: [], subject: "s", text: "t")
        #expect(throws: MailError.self) { try message.render() }
        message.to = [TestSupport.address("b@example.com")]
        message.text = nil
        #expect(throws: MailError.self) { try message.render() }
        message.text = "t"
        message.listUnsubscribe = ListUnsubscribe(url: "https://x.example/a>\r\nBcc: y")
        #expect(throws: MailError.self) { try message.render() }
        message.listUnsubscribe = nil
        message.inlineImages = [InlineImage(contentID: "a b", contentType: "image/png", data: [1])]
        #expect(throws: MailError.self) { try message.render() }
        message.inlineImages = [InlineImage(contentID: "ab", contentType: "image/png\r\nX: y", data: [1])]
        #expect(throws: MailError.self) { try message.render() }
    }

    @Test("RenderedMessage splits raw bytes and lists header fields")
    func renderedFromBytes() {
        let raw = Array("From: a@b.c\nSubject: hello\n  world\n\nbody\n".utf8)
        let rendered = RenderedMessage(bytes: raw)
        #expect(rendered.headerFields.map(\.name) == ["From", "Subject"])
        #expect(rendered.headerValue("subject") == "hello  world")
        #expect(TestSupport.string(rendered.body) == "body\r\n")
        #expect(rendered.bytes == RenderedMessage.normalizingLineEndings(raw))
    }
}
