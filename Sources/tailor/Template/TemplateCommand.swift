import ArgumentParser

/// `tailor template …`: stored email templates (docs/CAMPAIGNS.md), and Liquid files rendered and checked.
struct TemplateCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "template",
        abstract: "Store, preview and check email templates; render Liquid files.",
        subcommands: [TemplateCreateCommand.self, TemplateUpdateCommand.self, TemplateListCommand.self, TemplateShowCommand.self,
                      TemplateDeleteCommand.self, TemplatePreviewCommand.self, TemplateRenderCommand.self, TemplateCheckCommand.self]
    )
}
