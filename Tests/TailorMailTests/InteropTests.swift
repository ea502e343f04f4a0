import Foundation
import Testing

@testable import TailorMail

/// Real peers on loopback: aiosmtpd receives, Python's `email` parses, dkimpy verifies.
@Suite("Interop with aiosmtpd, email and dkimpy", .serialized, .enabled(if: PythonPeer.isAvailable))
struct InteropTests {
    static let key = try! DKIMKey.generate()

    private func configuration(_ server: PythonPeer.SMTPServer, security: SMTPConfiguration.Security = .plain) -> SMTPConfiguration {
        var configuration = SMTPConfiguration(host: "127.0.0.1", port: server.port, security: security)
        configuration.maximumConnections = 2
        configuration.commandTimeout = .seconds(10)
        return configuration
    }

    private func richMessage() throws -> Message {
        var message = Message(
            from: try MailAddress("news@shop.example", name: "Shöp Nëws"),
            to: [try MailAddress("ada@example.com", name: "Lovelace, Ada"), try MailAddress("bob@example.com")],
            subject: "Grüße 🎉 — your picks\r\nBcc: victim@example.org",
            text: "Hello Ada,\n.leading dot line\nPrices: 10 €\n",
            html: "<html><body><p>Hello <b>Ada</b></p>\n.dot\n<img src=\"cid:logo@shop\">" + String(repeating: "<td>ünïcode</td>", count: 300)
                + "</body></html>\n"
        )
        message.cc = [try MailAddress("carol@example.com")]
        message.bcc = [try MailAddress("dave@example.com")]
        message.listUnsubscribe = ListUnsubscribe(url: "https://shop.example/u/abc", mailto: "unsubscribe@shop.example")
        message.inlineImages = [InlineImage(contentID: "logo@shop", contentType: "image/png", filename: "logo.png", data: (0..<2000).map { UInt8($0 % 251) })]
        message.attachments = [Attachment(filename: "Rechnung März.pdf", contentType: "application/pdf", data: (0..<5000).map { UInt8($0 % 256) })]
        message.headers = [HeaderField("X-Campaign", "spring-2026")]
        return message
    }

    @Test("a DKIM-signed multipart message arrives intact: parts, headers, envelope, signature")
    func richMessageRoundTrip() async throws {
        let server = try await PythonPeer.SMTPServer.start()
        defer { server.stop() }
        let message = try richMessage()
        let signer = try DKIMSigner(domain: "shop.example", selector: "s1", privateKeyPEM: Self.key.privateKeyPEM)
        let receipt = try await SMTPClient.withClient(configuration: configuration(server)) { client in
            try await client.send(message, signer: signer)
        }
        #expect(receipt.accepted.count == 4 && receipt.rejected.isEmpty)
        #expect(receipt.reply?.code == 250)
        let received = try server.messages()
        try #require(received.count == 1)
        #expect(received[0].envelope["mail_from"] as? String == "news@shop.example")
        #expect(received[0].envelope["rcpt_tos"] as? [String] == ["ada@example.com", "bob@example.com", "carol@example.com", "dave@example.com"])

        let parsed = try await PythonPeer.inspect(received[0].eml, dkimTXT: Self.key.txtRecord)
        #expect(parsed["dkim"] as? Bool == true)
        #expect(parsed["subject"] as? String == message.subject)
        #expect(parsed["bcc_present"] as? Bool == false)
        #expect(parsed["from_names"] as? [String] == ["Shöp Nëws"])
        #expect(parsed["to"] as? [String] == ["ada@example.com", "bob@example.com"])
        #expect(parsed["to_names"] as? [String] == ["Lovelace, Ada", ""])
        #expect(parsed["cc"] as? [String] == ["carol@example.com"])
        #expect(parsed["message_id"] as? String == "<\(message.messageID)>")
        #expect(parsed["list_unsubscribe"] as? String == "<https://shop.example/u/abc>, <mailto:unsubscribe@shop.example>")
        #expect(parsed["list_unsubscribe_post"] as? String == "List-Unsubscribe=One-Click")
        #expect(parsed["content_type"] as? String == "multipart/mixed")
        #expect((parsed["defects"] as? [String])?.isEmpty == true)
        #expect((parsed["max_line"] as? Int ?? 999) <= 998)
        let parts = try #require(parsed["parts"] as? [[String: Any]])
        #expect(parts.map { $0["type"] as? String } == ["multipart/mixed", "multipart/related", "multipart/alternative", "text/plain", "text/html", "image/png", "application/pdf"])
        for part in parts { #expect((part["defects"] as? [String])?.isEmpty == true) }
        // Text arrives in canonical CRLF form.
        let text = (parts[3]["text"] as? String)?.replacingOccurrences(of: "\r\n", with: "\n")
        #expect(text == "Hello Ada,\n.leading dot line\nPrices: 10 €\n")
        #expect((parts[4]["text"] as? String)?.replacingOccurrences(of: "\r\n", with: "\n") == message.html)
        #expect(parts[5]["content_id"] as? String == "<logo@shop>")
        #expect(parts[5]["size"] as? Int == 2000)
        #expect(parts[5]["bytes_sum"] as? Int == (0..<2000).map { $0 % 251 }.reduce(0, +) % 65536)
        #expect(parts[6]["filename"] as? String == "Rechnung März.pdf")
        #expect(parts[6]["disposition"] as? String == "attachment")
        #expect(parts[6]["size"] as? Int == 5000)
    }

    @Test("the subject survives exactly, CR/LF included, and injects nothing")
    func subjectExact() async throws {
        let server = try await PythonPeer.SMTPServer.start()
        defer { server.stop() }
        let message = try richMessage()
        _ = try await SMTPClient.withClient(configuration: configuration(server)) { try await $0.send(message) }
        let raw = try String(contentsOf: try server.messages()[0].eml, encoding: .utf8)
        let header = raw.components(separatedBy: "\r\n\r\n")[0]
        #expect(!header.components(separatedBy: "\r\n").contains { $0.lowercased().hasPrefix("bcc:") })
        let parsed = try await PythonPeer.inspect(try server.messages()[0].eml)
        #expect((parsed["header_names"] as? [String])?.contains { $0.lowercased() == "bcc" } == false)
    }

    @Test("many messages over a small pool: all arrive, each once, with the right envelope")
    func severalMessagesPerConnection() async throws {
        let server = try await PythonPeer.SMTPServer.start()
        defer { server.stop() }
        let signer = try DKIMSigner(domain: "shop.example", selector: "s1", privateKeyPEM: Self.key.privateKeyPEM)
        let count = 30
        try await SMTPClient.withClient(configuration: configuration(server)) { client in
            try await withThrowingTaskGroup(of: Void.self) { group in
                for index in 0..<count {
                    group.addTask {
                        let message = Message(
                            from: try MailAddress("news@shop.example"), to: [try MailAddress("user\(index)@example.com")], subject: "Message \(index)",
                            text: "Body \(index)\n", html: "<p>Body \(index)</p>")
                        _ = try await client.send(message, signer: signer)
                    }
                }
                try await group.waitForAll()
            }
        }
        let received = try server.messages()
        #expect(received.count == count)
        let recipients = Set(received.compactMap { ($0.envelope["rcpt_tos"] as? [String])?.first })
        #expect(recipients == Set((0..<count).map { "user\($0)@example.com" }))
        let sample = try await PythonPeer.inspect(received[count / 2].eml, dkimTXT: Self.key.txtRecord)
        #expect(sample["dkim"] as? Bool == true)
    }

    @Test("messages pipelined across transactions on one connection: every outcome goes to its own message")
    func pipelinedAcrossMessages() async throws {
        let server = try await PythonPeer.SMTPServer.start(arguments: ["--pipelining"])
        defer { server.stop() }
        var configuration = configuration(server)
        configuration.maximumConnections = 1
        let signer = try DKIMSigner(domain: "shop.example", selector: "s1", privateKeyPEM: Self.key.privateKeyPEM)
        let count = 36
        // Per index: 1 sender refused (MAIL), 3 end of data refused, 5 recipient refused (RCPT), others delivered.
        let outcomes = try await SMTPClient.withClient(configuration: configuration) { client in
            try await withThrowingTaskGroup(of: (Int, Result<DeliveryReceipt, MailError>).self) { group in
                for index in 0..<count {
                    group.addTask {
                        let sender = index % 6 == 1 ? "reject\(index)@shop.example" : "news@shop.example"
                        let recipient = index % 6 == 3 ? "dotfail\(index)@example.com" : index % 6 == 5 ? "reject\(index)@example.com" : "user\(index)@example.com"
                        let message = Message(
                            from: try MailAddress(sender), to: [try MailAddress(recipient)], subject: "Message \(index)",
                            text: "Body \(index)\n", html: "<p>Body \(index)</p>" + String(repeating: "<p>filler</p>\n", count: 200))
                        do {
                            return (index, .success(try await client.send(message, signer: signer)))
                        } catch let error as MailError {
                            return (index, .failure(error))
                        }
                    }
                }
                var outcomes: [Int: Result<DeliveryReceipt, MailError>] = [:]
                for try await (index, outcome) in group { outcomes[index] = outcome }
                return outcomes
            }
        }
        for index in 0..<count {
            let outcome = try #require(outcomes[index])
            switch (index % 6, outcome) {
            case (1, .failure(let error)):
                #expect(error.stage == .mailFrom && error.reply?.code == 550 && error.severity == .permanent, "message \(index)")
            case (3, .failure(let error)):
                #expect(error.stage == .endOfData && error.reply?.code == 554 && error.severity == .permanent, "message \(index)")
            case (5, .failure(let error)):
                #expect(error.stage == .rcptTo && error.reply?.enhancedCode?.description == "5.1.1", "message \(index)")
            case (let kind, .success(let receipt)) where kind != 1 && kind != 3 && kind != 5:
                #expect(receipt.accepted == ["user\(index)@example.com"])
            default:
                Issue.record("message \(index): unexpected outcome \(outcome)")
            }
        }
        // The server holds exactly the delivered messages, each with its own envelope.
        let received = try server.messages()
        #expect(received.count == (0..<count).filter { ![1, 3, 5].contains($0 % 6) }.count)
        for (eml, envelope) in received {
            let recipient = try #require((envelope["rcpt_tos"] as? [String])?.first)
            let number = recipient.dropFirst("user".count).prefix { $0.isNumber }
            let raw = try String(contentsOf: eml, encoding: .utf8)
            #expect(raw.contains("\r\nSubject: Message \(number)\r\n"), "content of message \(number) under its own envelope")
        }
        // The next message's commands did travel behind a message's final dot.
        #expect(received.contains { $0.envelope["pipelined"] as? Bool == true })
        let sample = try await PythonPeer.inspect(received[received.count / 2].eml, dkimTXT: Self.key.txtRecord)
        #expect(sample["dkim"] as? Bool == true)
    }

    @Test("STARTTLS with a self-signed certificate, then AUTH")
    func startTLSAndAuth() async throws {
        let server = try await PythonPeer.SMTPServer.start(arguments: ["--starttls", "--auth", "mailer:s3cret pass"])
        defer { server.stop() }
        var configuration = SMTPConfiguration(host: "localhost", port: server.port, security: .startTLS)
        configuration.tls.trustRootsPEM = server.certificatePEM
        configuration.credentials = .init(username: "mailer", password: "s3cret pass")
        let message = Message(from: try MailAddress("a@shop.example"), to: [try MailAddress("b@example.com")], subject: "secure", text: "over TLS")
        let receipt = try await SMTPClient.withClient(configuration: configuration) { try await $0.send(message) }
        #expect(receipt.accepted == ["b@example.com"])
        let received = try server.messages()
        try #require(received.count == 1)
        #expect(received[0].envelope["tls"] as? Bool == true)
        #expect(received[0].envelope["authenticated"] as? Bool == true)

        // The same through a URL, with verification off.
        let url = "smtp+starttls://mailer:s3cret%20pass@127.0.0.1:\(server.port)?verify=none"
        try await MailTransportURL(url).withTransport { transport in
            _ = try await transport.send(message)
        }
        #expect(try server.messages().count == 2)
    }

    @Test("an untrusted certificate fails the TLS handshake with a classified error")
    func untrustedCertificate() async throws {
        let server = try await PythonPeer.SMTPServer.start(arguments: ["--starttls"])
        defer { server.stop() }
        let configuration = SMTPConfiguration(host: "localhost", port: server.port, security: .startTLS)
        let message = Message(from: try MailAddress("a@shop.example"), to: [try MailAddress("b@example.com")], subject: "s", text: "t")
        let error = await #expect(throws: MailError.self) {
            _ = try await SMTPClient.withClient(configuration: configuration) { try await $0.send(message) }
        }
        #expect(error?.code == .tlsFailed)
        #expect(try server.messages().isEmpty)
    }

    @Test("wrong credentials: a permanent authentication failure")
    func wrongPassword() async throws {
        let server = try await PythonPeer.SMTPServer.start(arguments: ["--auth", "mailer:right"])
        defer { server.stop() }
        var configuration = configuration(server)
        configuration.credentials = .init(username: "mailer", password: "wrong")
        let message = Message(from: try MailAddress("a@shop.example"), to: [try MailAddress("b@example.com")], subject: "s", text: "t")
        let error = await #expect(throws: MailError.self) {
            _ = try await SMTPClient.withClient(configuration: configuration) { try await $0.send(message) }
        }
        #expect(error?.code == .authenticationFailed && error?.severity == .permanent && error?.stage == .auth)
        #expect(error?.reply?.code == 535)
    }

    @Test("refused recipients: permanent 5.1.1, transient 4.2.0, partial delivery keeps the rest")
    func rejectingServer() async throws {
        let server = try await PythonPeer.SMTPServer.start()
        defer { server.stop() }
        try await SMTPClient.withClient(configuration: configuration(server)) { client in
            let from = try MailAddress("a@shop.example")
            let hard = Message(from: from, to: [try MailAddress("reject@example.com")], subject: "s", text: "t")
            let result = await client.deliver(try OutgoingMail(hard))
            guard case .permanentFailure(let error) = result else { throw Failure("expected a permanent failure, got \(result)") }
            #expect(error.reply?.enhancedCode?.description == "5.1.1" && error.stage == .rcptTo)
            #expect(!error.description.contains("reject@"))

            let soft = Message(from: from, to: [try MailAddress("later@example.com")], subject: "s", text: "t")
            guard case .transientFailure(let transient) = await client.deliver(try OutgoingMail(soft)) else { throw Failure("expected transient") }
            #expect(transient.reply?.enhancedCode?.description == "4.2.0")

            let mixed = Message(from: from, to: [try MailAddress("ok@example.com"), try MailAddress("reject@example.com")], subject: "s", text: "t")
            let receipt = try await client.send(mixed)
            #expect(receipt.accepted == ["ok@example.com"])
            #expect(receipt.rejected.map(\.recipient) == ["reject@example.com"])
            #expect(receipt.rejected.first?.severity == .permanent)
        }
        #expect(try server.messages().count == 1)
    }
}

@Suite("SMTP client failures without a peer")
struct SMTPFailureTests {
    @Test("an unreachable server is a transient connection failure")
    func unreachable() async throws {
        // A port that was free a moment ago and has no listener.
        let port = try SilentServer.freePort()
        var configuration = SMTPConfiguration(host: "127.0.0.1", port: port)
        configuration.connectTimeout = .seconds(2)
        let message = Message(from: try MailAddress("a@shop.example"), to: [try MailAddress("b@example.com")], subject: "s", text: "t")
        let error = await #expect(throws: MailError.self) {
            _ = try await SMTPClient.withClient(configuration: configuration) { try await $0.send(message) }
        }
        #expect(error?.code == .connectionFailed && error?.severity == .transient && error?.stage == .connect)
    }

    // The server never answers and never closes: without the command timeout this would wait forever, so
    // the time limit turns such a regression into a failure. No wall-clock bound is asserted on the
    // 400 ms itself: the tests share two cores, and a resumption may wait seconds for a free thread.
    @Test("a server that never answers times out", .timeLimit(.minutes(2)))
    func silentServer() async throws {
        let server = try await SilentServer.start()
        var configuration = SMTPConfiguration(host: "127.0.0.1", port: server.port)
        configuration.commandTimeout = .milliseconds(400)
        let message = Message(from: try MailAddress("a@shop.example"), to: [try MailAddress("b@example.com")], subject: "s", text: "t")
        let error = await #expect(throws: MailError.self) {
            _ = try await SMTPClient.withClient(configuration: configuration) { try await $0.send(message) }
        }
        #expect(error?.code == .timeout && error?.severity == .transient && error?.stage == .greeting)
        try await server.stop()
    }
}

@Suite("File sink and transport URLs")
struct FileSinkTests {
    @Test("each message becomes one complete .eml file, with no temporary files left")
    func writesFiles() async throws {
        let directory = PythonPeer.temporaryDirectory("sink")
        defer { try? FileManager.default.removeItem(at: directory) }
        let message = Message(from: try MailAddress("a@shop.example"), to: [try MailAddress("b@example.com")], subject: "s", text: "t", html: "<p>h</p>")
        let mail = try OutgoingMail(message)
        try await MailTransportURL("file://\(directory.path)").withTransport { transport in
            for _ in 0..<5 { _ = try await transport.send(mail) }
        }
        let names = try FileManager.default.contentsOfDirectory(atPath: directory.path)
        #expect(names.count == 5 && names.allSatisfy { $0.hasSuffix(".eml") && !$0.hasPrefix(".") })
        let bytes = try Array(Data(contentsOf: directory.appendingPathComponent(names[0])))
        let expectedPrefix = Array("Return-Path: <a@shop.example>\r\nX-Envelope-To: b@example.com\r\n".utf8)
        #expect(Array(bytes.prefix(expectedPrefix.count)) == expectedPrefix)
        #expect(Array(bytes.dropFirst(expectedPrefix.count)) == mail.data)
    }

    @Test("transport URLs", arguments: [
        ("smtp://mail.example:2525", SMTPConfiguration.Security.plain, 2525),
        ("smtp://mail.example", .plain, 25),
        ("smtps://u:p@mail.example", .implicitTLS, 465),
        ("smtp+starttls://u%40x:p%3Aw@mail.example", .startTLS, 587),
    ])
    func urls(url: String, security: SMTPConfiguration.Security, port: Int) throws {
        guard case .smtp(let configuration) = try MailTransportURL(url) else { throw Failure("not smtp") }
        #expect(configuration.security == security && configuration.port == port && configuration.host == "mail.example")
        if url.contains("%40") {
            #expect(configuration.credentials == .init(username: "u@x", password: "p:w"))
        }
    }

    @Test("bad transport URLs are rejected", arguments: ["http://x", "smtp://", "smtp://h?connections=0", "smtp://h?verify=maybe", "nonsense"])
    func badURLs(url: String) {
        #expect(throws: MailError.self) { try MailTransportURL(url) }
    }
}
