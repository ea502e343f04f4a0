import ArgumentParser

/// `tailor mail …`: send, benchmark and sign mail.
struct MailCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "mail",
        abstract: "Send mail, benchmark an SMTP server, make DKIM keys.",
        subcommands: []
    )
}
