import ArgumentParser

/// `tailor mail …`: send, benchmark and sign mail.
struct MailCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "mail",
        abstract: "Send mail, benchmark an SMTP server, make DKIM keys, run the outbox, manage suppressions.",
        subcommands: [MailSendCommand.self, MailBenchCommand.self, MailDKIMKeygenCommand.self,
                      MailDrainCommand.self, MailStatusCommand.self, MailSuppressCommand.self, MailEnqueueSampleCommand.self]
    )
}

/// DKIM options shared by `send` and `bench`.
struct DKIMOptions: ParsableArguments {
    @Option(name: .customLong("dkim-key"), help: "PEM file with the RSA private key to sign with.") var key: String?
    @Option(name: .customLong("dkim-domain"), help: "The signing domain (d=); defaults to the sender's domain.") var domain: String?
    @Option(name: .customLong("dkim-selector"), help: "The selector (s=).") var selector: String = "tailor"
}
