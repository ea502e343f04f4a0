import NIOCore
import Testing

@testable import TailorMail

private func reply(_ text: String) throws -> SMTPReply {
    var parser = SMTPReplyParser()
    var result: SMTPReply?
    for line in text.split(separator: "\n") {
        result = try parser.feed(line: Array(line.utf8))
    }
    return try #require(result)
}

private let ehloFull = """
    250-mx.example.test greets you
    250-PIPELINING
    250-SIZE 10240000
    250-8BITMIME
    250-SMTPUTF8
    250-ENHANCEDSTATUSCODES
    250-STARTTLS
    250 AUTH PLAIN LOGIN
    """

private let ehloPlain = """
    250-mx.example.test
    250-8BITMIME
    250 SIZE 1000
    """

@Suite("SMTP replies")
struct SMTPReplyTests {
    @Test("multiline replies assemble; codes and enhanced codes are kept")
    func multiline() throws {
        let parsed = try reply(ehloFull)
        #expect(parsed.code == 250)
        #expect(parsed.lines.count == 8)
        #expect(parsed.lines[0] == "mx.example.test greets you")
        let rejected = try reply("550-5.1.1 The mailbox <bob@example.com> does not exist\n550 5.1.1 Try another")
        #expect(rejected.enhancedCode == EnhancedStatusCode(statusClass: 5, subject: 1, detail: 1))
        #expect(rejected.category == .permanentNegative && rejected.severity == .permanent)
        #expect(rejected.summary == "550 5.1.1")
        #expect(!"\(rejected)".contains("bob"))
        let greylisted = try reply("451 4.7.1 Greylisted, try again")
        #expect(greylisted.category == .transientNegative && greylisted.severity == .transient)
        #expect(greylisted.enhancedCode?.description == "4.7.1")
        #expect(try reply("250 2.0.0 Ok: queued as ABC").isSuccess)
        #expect(try reply("354 End data with <CR><LF>.<CR><LF>").category == .positiveIntermediate)
        #expect(try reply("220").lines == [""])
        // An enhanced code whose class disagrees with the reply code is ignored.
        #expect(try reply("250 5.1.1 odd").enhancedCode == nil)
    }

    @Test("malformed reply lines are protocol errors", arguments: ["25", "abc hello", "250*x", "999 no", "099 low"])
    func malformed(line: String) {
        var parser = SMTPReplyParser()
        #expect(throws: MailError.self) { try parser.feed(line: Array(line.utf8)) }
    }

    @Test("a multiline reply may not change its code")
    func changingCode() throws {
        var parser = SMTPReplyParser()
        _ = try parser.feed(line: Array("250-a".utf8))
        #expect(throws: MailError.self) { try parser.feed(line: Array("251 b".utf8)) }
    }

    @Test("EHLO capabilities")
    func capabilities() throws {
        let capabilities = SMTPCapabilities(ehloReply: try reply(ehloFull))
        #expect(capabilities.pipelining && capabilities.startTLS && capabilities.eightBitMIME && capabilities.smtpUTF8)
        #expect(capabilities.enhancedStatusCodes)
        #expect(capabilities.maximumSize == 10_240_000)
        #expect(capabilities.authMechanisms == ["PLAIN", "LOGIN"])
        let old = SMTPCapabilities(ehloReply: try reply("250-x\n250-AUTH=LOGIN\n250 SIZE"))
        #expect(old.authMechanisms == ["LOGIN"])
        #expect(old.maximumSize == nil && old.supports("size"))
    }
}

@Suite("SMTP dot-stuffing")
struct DotStuffingTests {
    @Test("leading dots are doubled and the data is terminated", arguments: [
        ("a\r\n.b\r\n", "a\r\n..b\r\n.\r\n"),
        (".start\r\n..two\r\n", "..start\r\n...two\r\n.\r\n"),
        ("no newline", "no newline\r\n.\r\n"),
        ("", ".\r\n"),
        ("x.\r\n.\r\n", "x.\r\n..\r\n.\r\n"),
    ])
    func stuffing(input: String, expected: String) {
        #expect(TestSupport.string(SMTPDotStuffing.stuffed(Array(input.utf8))) == expected)
        var buffer = ByteBuffer()
        Array(input.utf8).withUnsafeBufferPointer { SMTPDotStuffing.append($0, into: &buffer) }
        #expect(buffer.readString(length: buffer.readableBytes) == expected)
    }

    @Test("stuffing into a NIO buffer (memchr) writes what the octet-by-octet version writes")
    func bufferMatchesArray() {
        var generator = TestSupport.SeededGenerator(state: 5)
        let alphabet: [UInt8] = [0x2E, 0x2E, 0x0D, 0x0A, 0x0A, 0x61, 0x62]
        for length in 0..<400 {
            let message = (0..<length).map { _ in alphabet[Int(generator.next() % UInt64(alphabet.count))] }
            var buffer = ByteBuffer()
            message.withUnsafeBufferPointer { SMTPDotStuffing.append($0, into: &buffer) }
            #expect(buffer.readBytes(length: buffer.readableBytes) == SMTPDotStuffing.stuffed(message), "length \(length)")
        }
    }
}

@Suite("SMTP client state machine")
struct SMTPStateMachineTests {
    let envelope = Envelope(sender: "news@shop.example", recipients: ["ada@example.com", "bob@example.com"])

    private func readyMachine(ehlo: String = ehloFull, configuration: SMTPClientStateMachine.Configuration = .init(heloName: "client.test")) throws
        -> SMTPClientStateMachine
    {
        var machine = SMTPClientStateMachine(configuration: configuration)
        #expect(machine.receivedReply(try reply("220 mx.example.test ESMTP")) == .send([.ehlo("client.test")]))
        guard case .ready = machine.receivedReply(try reply(ehlo)) else {
            Issue.record("not ready")
            return machine
        }
        return machine
    }

    @Test("pipelined transaction: MAIL, RCPT, DATA in one write, then data, then delivered")
    func pipelined() throws {
        var machine = try readyMachine()
        let action = machine.startTransaction(envelope: envelope, size: 1234, eightBit: false)
        #expect(
            action
                == .send([
                    .mailFrom("news@shop.example", size: 1234, eightBitMIME: false, smtpUTF8: false), .rcptTo("ada@example.com"),
                    .rcptTo("bob@example.com"), .data,
                ]))
        #expect(machine.receivedReply(try reply("250 2.1.0 Ok")) == .wait)
        #expect(machine.receivedReply(try reply("250 2.1.5 Ok")) == .wait)
        #expect(machine.receivedReply(try reply("550 5.1.1 No such user")) == .wait)
        #expect(machine.receivedReply(try reply("354 go ahead")) == .sendData(abort: false))
        guard case .delivered(let receipt) = machine.receivedReply(try reply("250 2.0.0 queued as 12345")) else {
            Issue.record("not delivered")
            return
        }
        #expect(receipt.accepted == ["ada@example.com"])
        #expect(receipt.rejected.map(\.recipient) == ["bob@example.com"])
        #expect(receipt.rejected.first?.reply.enhancedCode?.description == "5.1.1")
        #expect(machine.isReady)
        // A second message on the same session, no RSET needed after success.
        let second = machine.startTransaction(envelope: envelope, size: 10, eightBit: false)
        guard case .send(let commands) = second else { throw Failure("expected commands") }
        #expect(commands.first == .mailFrom("news@shop.example", size: 10, eightBitMIME: false, smtpUTF8: false))
        #expect(machine.messagesStarted == 2)
    }

    @Test("without PIPELINING commands go one at a time")
    func unpipelined() throws {
        var machine = try readyMachine(ehlo: ehloPlain)
        #expect(machine.startTransaction(envelope: envelope, size: 100, eightBit: true) == .send([.mailFrom("news@shop.example", size: 100, eightBitMIME: true, smtpUTF8: false)]))
        #expect(machine.receivedReply(try reply("250 ok")) == .send([.rcptTo("ada@example.com")]))
        #expect(machine.receivedReply(try reply("250 ok")) == .send([.rcptTo("bob@example.com")]))
        #expect(machine.receivedReply(try reply("250 ok")) == .send([.data]))
        #expect(machine.receivedReply(try reply("354 go")) == .sendData(abort: false))
        guard case .delivered(let receipt) = machine.receivedReply(try reply("250 ok")) else { throw Failure("not delivered") }
        #expect(receipt.accepted.count == 2 && receipt.rejected.isEmpty)
    }

    @Test("a refused sender fails the message, keeps the session, and RSET precedes the next one")
    func refusedSenderThenReset() throws {
        var machine = try readyMachine(ehlo: ehloPlain)
        _ = machine.startTransaction(envelope: envelope, size: 100, eightBit: false)
        guard case .deliveryFailed(let error) = machine.receivedReply(try reply("451 4.3.0 try later")) else { throw Failure("expected failure") }
        #expect(error.severity == .transient && error.stage == .mailFrom && error.reply?.code == 451)
        #expect(machine.isReady)
        #expect(machine.startTransaction(envelope: envelope, size: 100, eightBit: false) == .send([.reset]))
        #expect(machine.receivedReply(try reply("250 flushed")) == .send([.mailFrom("news@shop.example", size: 100, eightBitMIME: false, smtpUTF8: false)]))
    }

    @Test("every recipient refused: pipelined DATA refused gives a permanent failure from the RCPT reply")
    func allRecipientsRefused() throws {
        var machine = try readyMachine()
        _ = machine.startTransaction(envelope: envelope, size: 10, eightBit: false)
        _ = machine.receivedReply(try reply("250 ok"))
        _ = machine.receivedReply(try reply("550 5.1.1 unknown"))
        _ = machine.receivedReply(try reply("550 5.1.1 unknown"))
        guard case .deliveryFailed(let error) = machine.receivedReply(try reply("554 5.5.1 no valid recipients")) else { throw Failure("expected failure") }
        #expect(error.severity == .permanent && error.stage == .rcptTo && error.reply?.enhancedCode?.description == "5.1.1")
        // Servers that still answer 354: the client aborts with an empty message.
        var other = try readyMachine()
        _ = other.startTransaction(envelope: envelope, size: 10, eightBit: false)
        _ = other.receivedReply(try reply("250 ok"))
        _ = other.receivedReply(try reply("550 unknown"))
        _ = other.receivedReply(try reply("550 unknown"))
        #expect(other.receivedReply(try reply("354 go")) == .sendData(abort: true))
        guard case .deliveryFailed = other.receivedReply(try reply("554 no recipients")) else { throw Failure("expected failure") }
    }

    @Test("the end-of-data reply classifies the outcome", arguments: [("452 4.3.1 full", MailError.Severity.transient), ("552 5.3.4 too big", .permanent)])
    func endOfData(line: String, severity: MailError.Severity) throws {
        var machine = try readyMachine()
        _ = machine.startTransaction(envelope: Envelope(sender: "a@b.c", recipients: ["d@e.f"]), size: 10, eightBit: false)
        _ = machine.receivedReply(try reply("250 ok"))
        _ = machine.receivedReply(try reply("250 ok"))
        _ = machine.receivedReply(try reply("354 go"))
        guard case .deliveryFailed(let error) = machine.receivedReply(try reply(line)) else { throw Failure("expected failure") }
        #expect(error.severity == severity && error.stage == .endOfData && error.code == .rejected)
    }

    @Test("STARTTLS then EHLO again, then AUTH PLAIN")
    func startTLSAndAuthPlain() throws {
        let configuration = SMTPClientStateMachine.Configuration(
            heloName: "client.test", startTLS: .required, credentials: .init(username: "user", password: "pass"))
        var machine = SMTPClientStateMachine(configuration: configuration)
        _ = machine.receivedReply(try reply("220 hi"))
        #expect(machine.receivedReply(try reply(ehloFull)) == .send([.startTLS]))
        #expect(machine.receivedReply(try reply("220 2.0.0 Ready to start TLS")) == .startTLS)
        #expect(machine.tlsEstablished() == .send([.ehlo("client.test")]))
        #expect(machine.isSecured)
        // "\0user\0pass" in base64
        #expect(machine.receivedReply(try reply(ehloFull)) == .send([.authPlain("AHVzZXIAcGFzcw==")]))
        guard case .ready = machine.receivedReply(try reply("235 2.7.0 Authentication successful")) else { throw Failure("not ready") }
    }

    @Test("AUTH LOGIN when PLAIN is not offered")
    func authLogin() throws {
        let configuration = SMTPClientStateMachine.Configuration(heloName: "c", credentials: .init(username: "user", password: "pass"))
        var machine = SMTPClientStateMachine(configuration: configuration)
        _ = machine.receivedReply(try reply("220 hi"))
        #expect(machine.receivedReply(try reply("250-x\n250 AUTH LOGIN CRAM-MD5")) == .send([.authLogin]))
        #expect(machine.receivedReply(try reply("334 VXNlcm5hbWU6")) == .send([.authResponse("dXNlcg==")]))
        #expect(machine.receivedReply(try reply("334 UGFzc3dvcmQ6")) == .send([.authResponse("cGFzcw==")]))
        guard case .ready = machine.receivedReply(try reply("235 ok")) else { throw Failure("not ready") }
    }

    @Test("refused credentials are a permanent authentication failure")
    func authRefused() throws {
        let configuration = SMTPClientStateMachine.Configuration(heloName: "c", credentials: .init(username: "u", password: "p"))
        var machine = SMTPClientStateMachine(configuration: configuration)
        _ = machine.receivedReply(try reply("220 hi"))
        _ = machine.receivedReply(try reply(ehloFull))
        guard case .fail(let error) = machine.receivedReply(try reply("535 5.7.8 Authentication credentials invalid")) else { throw Failure("expected fail") }
        #expect(error.code == .authenticationFailed && error.severity == .permanent && error.stage == .auth)
    }

    @Test("STARTTLS required but not offered fails before any credentials are sent")
    func startTLSMissing() throws {
        var machine = SMTPClientStateMachine(configuration: .init(heloName: "c", startTLS: .required, credentials: .init(username: "u", password: "p")))
        _ = machine.receivedReply(try reply("220 hi"))
        guard case .fail(let error) = machine.receivedReply(try reply(ehloPlain)) else { throw Failure("expected fail") }
        #expect(error.code == .tlsFailed)
    }

    @Test("a refusing greeting fails the session with its classification")
    func refusedGreeting() throws {
        var machine = SMTPClientStateMachine(configuration: .init())
        guard case .fail(let error) = machine.receivedReply(try reply("554 5.7.1 No SMTP service here")) else { throw Failure("expected fail") }
        #expect(error.severity == .permanent && error.stage == .greeting)
        var busy = SMTPClientStateMachine(configuration: .init())
        guard case .fail(let transient) = busy.receivedReply(try reply("421 4.3.2 busy")) else { throw Failure("expected fail") }
        #expect(transient.severity == .transient)
    }

    @Test("EHLO refused by an old server falls back to HELO")
    func heloFallback() throws {
        var machine = SMTPClientStateMachine(configuration: .init(heloName: "c"))
        _ = machine.receivedReply(try reply("220 hi"))
        #expect(machine.receivedReply(try reply("502 command not implemented")) == .send([.helo("c")]))
        guard case .ready(let capabilities) = machine.receivedReply(try reply("250 hello")) else { throw Failure("not ready") }
        #expect(!capabilities.pipelining)
    }

    @Test("SIZE, SMTPUTF8 and 8BITMIME limits refuse the message without touching the session")
    func extensionsChecked() throws {
        var machine = try readyMachine(ehlo: "250-x\n250 SIZE 1000")
        guard case .deliveryFailed(let tooBig) = machine.startTransaction(envelope: envelope, size: 5000, eightBit: false) else { throw Failure("expected failure") }
        #expect(tooBig.code == .messageTooLarge && tooBig.severity == .permanent)
        let international = Envelope(sender: "a@b.c", recipients: ["用户@例子.广告"])
        guard case .deliveryFailed(let utf8) = machine.startTransaction(envelope: international, size: 10, eightBit: false) else { throw Failure("expected failure") }
        #expect(utf8.code == .unsupportedByServer)
        guard case .deliveryFailed(let eightBit) = machine.startTransaction(envelope: envelope, size: 10, eightBit: true) else { throw Failure("expected failure") }
        #expect(eightBit.code == .unsupportedByServer)
        #expect(machine.isReady)
        var full = try readyMachine()
        guard case .send(let commands) = full.startTransaction(envelope: international, size: 10, eightBit: true) else { throw Failure("expected send") }
        #expect(commands.first == .mailFrom("a@b.c", size: 10, eightBitMIME: true, smtpUTF8: true))
    }

    @Test("an envelope address with CR/LF cannot inject SMTP commands")
    func envelopeInjection() throws {
        var machine = try readyMachine()
        let evil = Envelope(sender: "a@b.c>\r\nRCPT TO:<victim@x.y", recipients: ["d@e.f"])
        guard case .deliveryFailed(let error) = machine.startTransaction(envelope: evil, size: 1, eightBit: false) else { throw Failure("expected failure") }
        #expect(error.code == .invalidAddress && error.severity == .permanent)
        let evilRecipient = Envelope(sender: "", recipients: ["d@e.f\r\nDATA"])
        guard case .deliveryFailed = machine.startTransaction(envelope: evilRecipient, size: 1, eightBit: false) else { throw Failure("expected failure") }
        #expect(machine.isReady)
    }

    @Test("RSET between messages when configured; QUIT closes")
    func resetBetweenMessagesAndQuit() throws {
        var machine = try readyMachine(configuration: .init(heloName: "client.test", resetBetweenMessages: true))
        let single = Envelope(sender: "a@b.c", recipients: ["d@e.f"])
        guard case .send(let first) = machine.startTransaction(envelope: single, size: 1, eightBit: false) else { throw Failure("send") }
        #expect(first.first != .reset)
        for line in ["250 ok", "250 ok"] { #expect(machine.receivedReply(try reply(line)) == .wait) }
        _ = machine.receivedReply(try reply("354 go"))
        _ = machine.receivedReply(try reply("250 ok"))
        guard case .send(let second) = machine.startTransaction(envelope: single, size: 1, eightBit: false) else { throw Failure("send") }
        #expect(second.first == .reset && second.count == 4)
        for line in ["250 reset", "250 ok", "250 ok"] { #expect(machine.receivedReply(try reply(line)) == .wait) }
        _ = machine.receivedReply(try reply("354 go"))
        guard case .delivered = machine.receivedReply(try reply("250 ok")) else { throw Failure("not delivered") }
        #expect(machine.quit() == .send([.quit]))
        #expect(machine.receivedReply(try reply("221 bye")) == .close)
    }

    @Test("the connection closing mid-transaction is a transient failure at the right stage")
    func closedMidTransaction() throws {
        var machine = try readyMachine()
        _ = machine.startTransaction(envelope: envelope, size: 10, eightBit: false)
        _ = machine.receivedReply(try reply("250 ok"))
        guard case .fail(let error) = machine.connectionClosed() else { throw Failure("expected fail") }
        #expect(error.code == .connectionClosed && error.severity == .transient && error.stage == .rcptTo)
        var idle = try readyMachine()
        #expect(idle.connectionClosed() == .close)
    }

    @Test("421 during a transaction ends the session with a transient error")
    func serviceClosing() throws {
        var machine = try readyMachine()
        _ = machine.startTransaction(envelope: envelope, size: 10, eightBit: false)
        guard case .fail(let error) = machine.receivedReply(try reply("421 4.4.2 timeout")) else { throw Failure("expected fail") }
        #expect(error.severity == .transient && error.stage == .mailFrom)
        #expect(!machine.isReady)
    }
}

/// Pipelining across messages (RFC 2920 §3.1): the next message's MAIL, RCPT and DATA follow the current
/// message's content in the same write; replies are matched to messages in order.
@Suite("SMTP client state machine, messages pipelined across transactions")
struct SMTPCrossMessagePipeliningTests {
    let first = Envelope(sender: "news@shop.example", recipients: ["ada@example.com"])
    let second = Envelope(sender: "news@shop.example", recipients: ["bob@example.com", "carol@example.com"])
    let third = Envelope(sender: "news@shop.example", recipients: ["dave@example.com"])

    private func readyMachine(ehlo: String = ehloFull, configuration: SMTPClientStateMachine.Configuration = .init(heloName: "client.test")) throws
        -> SMTPClientStateMachine
    {
        var machine = SMTPClientStateMachine(configuration: configuration)
        _ = machine.receivedReply(try reply("220 mx.example.test ESMTP"))
        guard case .ready = machine.receivedReply(try reply(ehlo)) else { throw Failure("not ready") }
        return machine
    }

    private func commands(for envelope: Envelope, size: Int, reset: Bool = false) -> [SMTPCommand] {
        (reset ? [.reset] : []) + [.mailFrom(envelope.sender, size: size, eightBitMIME: false, smtpUTF8: false)] + envelope.recipients.map { .rcptTo($0) }
            + [.data]
    }

    /// A machine whose first message got its 354: its data is about to be written.
    private func machineSendingFirst(ehlo: String = ehloFull, configuration: SMTPClientStateMachine.Configuration = .init(heloName: "client.test")) throws
        -> SMTPClientStateMachine
    {
        var machine = try readyMachine(ehlo: ehlo, configuration: configuration)
        #expect(machine.startTransaction(envelope: first, size: 100, eightBit: false) == .send(commands(for: first, size: 100)))
        #expect(!machine.canPipelineNextMessage)
        #expect(machine.receivedReply(try reply("250 2.1.0 Ok")) == .wait)
        #expect(machine.receivedReply(try reply("250 2.1.5 Ok")) == .wait)
        #expect(!machine.canPipelineNextMessage)
        #expect(machine.receivedReply(try reply("354 go ahead")) == .sendData(abort: false))
        return machine
    }

    @Test("after 354 the next message's commands are pipelined; each reply goes to its own message")
    func pipelinedBehindData() throws {
        var machine = try machineSendingFirst()
        #expect(machine.canPipelineNextMessage && machine.messagesInFlight == 1)
        #expect(machine.startTransaction(envelope: second, size: 200, eightBit: false) == .send(commands(for: second, size: 200)))
        #expect(machine.messagesInFlight == 2 && machine.messagesStarted == 2)
        #expect(!machine.canPipelineNextMessage, "only one message is pipelined behind the data")
        #expect(machine.awaitedStage == .endOfData)
        // The end of the first message's data comes first.
        guard case .delivered(let receipt) = machine.receivedReply(try reply("250 2.0.0 queued as A1")) else { throw Failure("first not delivered") }
        #expect(receipt.accepted == ["ada@example.com"] && receipt.reply?.lines == ["2.0.0 queued as A1"])
        #expect(machine.messagesInFlight == 1 && machine.awaitedStage == .mailFrom)
        #expect(machine.receivedReply(try reply("250 2.1.0 Ok")) == .wait)
        #expect(machine.receivedReply(try reply("250 2.1.5 Ok")) == .wait)
        #expect(machine.receivedReply(try reply("550 5.1.1 no carol")) == .wait)
        #expect(machine.receivedReply(try reply("354 go ahead")) == .sendData(abort: false))
        // And so on: the third behind the second.
        #expect(machine.startTransaction(envelope: third, size: 300, eightBit: false) == .send(commands(for: third, size: 300)))
        guard case .delivered(let secondReceipt) = machine.receivedReply(try reply("250 2.0.0 queued as B2")) else { throw Failure("second not delivered") }
        #expect(secondReceipt.accepted == ["bob@example.com"] && secondReceipt.rejected.map(\.recipient) == ["carol@example.com"])
        for line in ["250 ok", "250 ok"] { #expect(machine.receivedReply(try reply(line)) == .wait) }
        #expect(machine.receivedReply(try reply("354 go")) == .sendData(abort: false))
        guard case .delivered(let thirdReceipt) = machine.receivedReply(try reply("250 2.0.0 queued as C3")) else { throw Failure("third not delivered") }
        #expect(thirdReceipt.accepted == ["dave@example.com"])
        #expect(machine.isReady && machine.messagesInFlight == 0)
        // A success needs no RSET before the next message.
        #expect(machine.startTransaction(envelope: first, size: 1, eightBit: false) == .send(commands(for: first, size: 1)))
    }

    @Test("a refused end of data fails only the current message; the pipelined one goes on", arguments: ["452 4.3.1 queue full", "554 5.6.0 content refused"])
    func endOfDataRefused(line: String) throws {
        var machine = try machineSendingFirst()
        _ = machine.startTransaction(envelope: third, size: 300, eightBit: false)
        guard case .deliveryFailed(let error) = machine.receivedReply(try reply(line)) else { throw Failure("expected the first to fail") }
        #expect(error.stage == .endOfData && error.code == .rejected && error.reply?.code == Int(line.prefix(3)))
        #expect(error.severity == (line.hasPrefix("4") ? .transient : .permanent))
        #expect(machine.messagesInFlight == 1)
        for line in ["250 ok", "250 ok"] { #expect(machine.receivedReply(try reply(line)) == .wait) }
        #expect(machine.receivedReply(try reply("354 go")) == .sendData(abort: false))
        guard case .delivered(let receipt) = machine.receivedReply(try reply("250 2.0.0 queued")) else { throw Failure("second not delivered") }
        #expect(receipt.accepted == ["dave@example.com"])
    }

    @Test("a refused MAIL of the pipelined message fails only it; the one after starts with RSET")
    func pipelinedSenderRefused() throws {
        var machine = try machineSendingFirst()
        _ = machine.startTransaction(envelope: second, size: 200, eightBit: false)
        guard case .delivered = machine.receivedReply(try reply("250 2.0.0 queued")) else { throw Failure("first not delivered") }
        #expect(machine.receivedReply(try reply("550 5.7.1 sender refused")) == .wait)
        #expect(machine.receivedReply(try reply("503 5.5.1 no MAIL")) == .wait)
        #expect(machine.receivedReply(try reply("503 5.5.1 no MAIL")) == .wait)
        guard case .deliveryFailed(let error) = machine.receivedReply(try reply("554 5.5.1 no valid recipients")) else { throw Failure("expected failure") }
        #expect(error.stage == .mailFrom && error.reply?.code == 550 && error.severity == .permanent)
        #expect(machine.isReady && machine.messagesInFlight == 0)
        #expect(machine.startTransaction(envelope: third, size: 300, eightBit: false) == .send(commands(for: third, size: 300, reset: true)))
        #expect(machine.receivedReply(try reply("250 2.0.0 reset")) == .wait)
    }

    @Test("a transient RCPT refusal of the pipelined message with DATA refused fails it as transient")
    func pipelinedRecipientsRefused() throws {
        var machine = try machineSendingFirst()
        _ = machine.startTransaction(envelope: third, size: 300, eightBit: false)
        guard case .delivered = machine.receivedReply(try reply("250 ok")) else { throw Failure("first not delivered") }
        #expect(machine.receivedReply(try reply("250 ok")) == .wait)
        #expect(machine.receivedReply(try reply("451 4.2.0 mailbox busy")) == .wait)
        guard case .deliveryFailed(let error) = machine.receivedReply(try reply("554 5.5.1 no valid recipients")) else { throw Failure("expected failure") }
        #expect(error.stage == .rcptTo && error.severity == .transient && error.reply?.code == 451)
        guard case .send(let next) = machine.startTransaction(envelope: first, size: 1, eightBit: false) else { throw Failure("expected send") }
        #expect(next.first == .reset)
    }

    @Test("every recipient of the pipelined message refused but 354 sent: aborted, nothing pipelined behind it")
    func pipelinedAbort() throws {
        var machine = try machineSendingFirst()
        _ = machine.startTransaction(envelope: third, size: 300, eightBit: false)
        guard case .delivered = machine.receivedReply(try reply("250 ok")) else { throw Failure("first not delivered") }
        #expect(machine.receivedReply(try reply("250 ok")) == .wait)
        #expect(machine.receivedReply(try reply("550 5.1.1 unknown")) == .wait)
        #expect(machine.receivedReply(try reply("354 go")) == .sendData(abort: true))
        #expect(!machine.canPipelineNextMessage)
        guard case .deliveryFailed(let error) = machine.receivedReply(try reply("554 5.5.1 no recipients")) else { throw Failure("expected failure") }
        #expect(error.stage == .rcptTo && error.reply?.code == 550)
        guard case .send(let next) = machine.startTransaction(envelope: first, size: 1, eightBit: false) else { throw Failure("expected send") }
        #expect(next.first == .reset)
    }

    @Test("the pipelined message's own checks (SIZE) fail it without touching the message in flight")
    func pipelinedTooLarge() throws {
        var machine = try machineSendingFirst()
        guard case .deliveryFailed(let error) = machine.startTransaction(envelope: second, size: 20_000_000, eightBit: false) else {
            throw Failure("expected failure")
        }
        #expect(error.code == .messageTooLarge)
        #expect(machine.canPipelineNextMessage && machine.messagesInFlight == 1)
        #expect(machine.startTransaction(envelope: second, size: 200, eightBit: false) == .send(commands(for: second, size: 200)))
    }

    @Test("without PIPELINING, or before 354, nothing is pipelined")
    func notOffered() throws {
        var machine = try readyMachine(ehlo: "250-mx.example.test\n250 SIZE 1000")
        #expect(machine.startTransaction(envelope: first, size: 100, eightBit: false) == .send([.mailFrom(first.sender, size: 100, eightBitMIME: false, smtpUTF8: false)]))
        #expect(machine.receivedReply(try reply("250 ok")) == .send([.rcptTo("ada@example.com")]))
        #expect(machine.receivedReply(try reply("250 ok")) == .send([.data]))
        #expect(machine.receivedReply(try reply("354 go")) == .sendData(abort: false))
        #expect(!machine.canPipelineNextMessage)
        guard case .deliveryFailed(let error) = machine.startTransaction(envelope: second, size: 100, eightBit: false) else { throw Failure("expected refusal") }
        #expect(error.code == .protocolViolation && machine.messagesInFlight == 1)
        guard case .delivered = machine.receivedReply(try reply("250 ok")) else { throw Failure("not delivered") }
        #expect(machine.isReady)
    }

    @Test("RSET between messages when configured is pipelined too")
    func resetPipelined() throws {
        var machine = try machineSendingFirst(configuration: .init(heloName: "client.test", resetBetweenMessages: true))
        #expect(machine.startTransaction(envelope: third, size: 300, eightBit: false) == .send(commands(for: third, size: 300, reset: true)))
        guard case .delivered = machine.receivedReply(try reply("250 ok")) else { throw Failure("first not delivered") }
        for line in ["250 reset", "250 ok", "250 ok"] { #expect(machine.receivedReply(try reply(line)) == .wait) }
        #expect(machine.receivedReply(try reply("354 go")) == .sendData(abort: false))
    }

    @Test("421 or a closed connection with a message pipelined ends the session", arguments: [true, false])
    func sessionEnds(byReply: Bool) throws {
        var machine = try machineSendingFirst()
        _ = machine.startTransaction(envelope: second, size: 200, eightBit: false)
        let action = byReply ? machine.receivedReply(try reply("421 4.3.2 shutting down")) : machine.connectionClosed()
        guard case .fail(let error) = action else { throw Failure("expected fail") }
        #expect(error.severity == .transient && error.stage == .endOfData)
        #expect(machine.messagesInFlight == 0 && !machine.isReady)
    }

    @Test("421 to the pipelined MAIL after the first message was delivered ends the session")
    func serviceClosingOnNext() throws {
        var machine = try machineSendingFirst()
        _ = machine.startTransaction(envelope: second, size: 200, eightBit: false)
        guard case .delivered = machine.receivedReply(try reply("250 ok")) else { throw Failure("first not delivered") }
        guard case .fail(let error) = machine.receivedReply(try reply("421 4.4.2 timeout")) else { throw Failure("expected fail") }
        #expect(error.stage == .mailFrom && error.severity == .transient)
    }
}

struct Failure: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}
