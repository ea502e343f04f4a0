import ArgumentParser
import Foundation
import TailorMail

/// `tailor mail send`: render, sign and send one message.
struct MailSendCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "send",
        abstract: "Send one message.",
        discussion: """
            --smtp takes smtp://user:pass@host:port, smtp+starttls://…, smtps://… or file:///folder \
            (options: ?verify=none, ?ca=/path.pem, ?helo=name, ?timeout=seconds).
            """
    )

    @Option(help: "Transport URL.") var smtp: String
    @Option(help: "Sender, `addr` or `Name <addr>`.") var from: String
    @Option(help: "Recipient (repeatable), `addr` or `Name <addr>`.") var to: [String]
    @Option(help: "Subject.") var subject: String
    @Option(help: "HTML body file.") var html: String?
    @Option(help: "Plain-text body file.") var text: String?
    @Option(help: "https URL for List-Unsubscribe (one-click).") var unsubscribe: String?
    @OptionGroup var dkim: DKIMOptions

    func validate() throws {
        if html == nil && text == nil { throw ValidationError("give --html, --text or both") }
    }

    func run() async throws {
        let sender = try MailAddress(parsing: from)
        var message = Message(
            from: sender, to: try to.map { try MailAddress(parsing: $0) }, subject: subject,
            text: try text.map { try String(contentsOfFile: $0, encoding: .utf8) },
            html: try html.map { try String(contentsOfFile: $0, encoding: .utf8) })
        if let unsubscribe { message.listUnsubscribe = ListUnsubscribe(url: unsubscribe) }
        var signer: DKIMSigner?
        if let key = dkim.key {
            signer = try DKIMSigner(
                domain: dkim.domain ?? String(sender.domain), selector: dkim.selector,
                privateKeyPEM: try String(contentsOfFile: key, encoding: .utf8))
        }
        let mail = try OutgoingMail(message, signer: signer)
        let result = try await MailTransportURL(smtp).withTransport { transport in
            await transport.deliver(mail)
        }
        switch result {
        case .delivered(let receipt):
            print("sent: \(receipt.accepted.count) accepted, \(receipt.rejected.count) refused\(receipt.reply.map { " (\($0.summary))" } ?? "")")
            for rejection in receipt.rejected { print("refused: \(rejection.recipient) \(rejection.reply.summary)") }
            print("message-id: <\(message.messageID)>")
        case .transientFailure(let error), .permanentFailure(let error):
            print("not sent: \(error)")
            if let reply = error.reply { print("server said: \(reply.code) \(reply.text)") }
            throw ExitCode(error.severity == .transient ? 75 : 1)  // 75: EX_TEMPFAIL
        }
    }
}
