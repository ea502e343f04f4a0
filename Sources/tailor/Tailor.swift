import ArgumentParser

/// The `tailor` command: one binary for the server, the CLI tools and the demo.
@main
struct Tailor: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "tailor",
        abstract: "Tailor: a self-hosted customer data platform and email personalization engine.",
        subcommands: [
            Demo.self,
            Serve.self,
            Import.self,
            Migrate.self,
            Rebuild.self,
            TemplateCommand.self,
            MLCommand.self,
            RecommendCommand.self,
            MailCommand.self,
            SegmentCommand.self,
            CampaignCommand.self,
            JourneyCommand.self,
            WebhookCommand.self,
            PrivacyCommand.self,
            ExportCommand.self,
            ReportCommand.self,
            StatsCommand.self,
            UsersCommand.self,
            KeysCommand.self,
        ]
    )
}
