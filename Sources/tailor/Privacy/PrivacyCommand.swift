import ArgumentParser
import Foundation
import TailorCore
import TailorEngine
import TailorStore

/// `tailor privacy …`: a person's rights over their data (docs/PRIVACY.md).
struct PrivacyCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "privacy",
        abstract: "A person's data: export, erase or correct it, and see who read it.",
        subcommands: [PrivacyExportCommand.self, PrivacyEraseCommand.self, PrivacyRectifyCommand.self, PrivacyAccessLogCommand.self,
                      PrivacyRetentionCommand.self]
    )
}

struct PrivacyExportCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "export", abstract: "Print (or write) everything Tailor holds about a person, as one JSON document.")

    @OptionGroup var global: GlobalOptions
    @Argument(help: "The person: a profile id (p_…), user:ID, email:ADDRESS or anonymous:ID.") var profile: String
    @Option(help: "Write the document to this file (mode 0600) instead of printing it.") var output: String?
    @Option(help: "Why (kept in the access log).") var purpose: String?

    func run() async throws {
        guard let reference = ProfileReference(profile) else {
            throw ValidationError("name the person by a profile id (p_…), user:ID, email:ADDRESS or anonymous:ID")
        }
        let why = try PrivacyCLI.purpose(purpose)
        try await withCampaignRuntime(global) { runtime in
            let document = try await PrivacyService(stores: runtime.stores, clock: runtime.clock)
                .export(reference, access: .cli("tailor privacy export", purpose: why))
            let text = JSONWriter.string(.object(document))
            if let output {
                guard FileManager.default.createFile(atPath: output, contents: Data(text.utf8), attributes: [.posixPermissions: 0o600]) else {
                    throw ValidationError("--output: cannot write \(output)")
                }
                let events = document["events"]?.arrayValue?.count ?? 0
                print("wrote \(output): the profile, \(events) events, consent history, segment history, journeys and messages")
            } else {
                print(text)
            }
        }
    }
}
