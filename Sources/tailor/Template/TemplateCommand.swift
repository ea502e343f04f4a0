import ArgumentParser

/// `tailor template …`: render and check Liquid templates.
struct TemplateCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "template",
        abstract: "Render and check Liquid templates.",
        subcommands: [TemplateRenderCommand.self, TemplateCheckCommand.self]
    )
}
