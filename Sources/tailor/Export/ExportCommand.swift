import ArgumentParser
import Foundation
import TailorCore
import TailorEngine
import TailorStore

/// `tailor export events`: the event log as JSON lines, plain or pseudonymized (docs/PRIVACY.md).
struct ExportCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "export", abstract: "Export data for analysis, plain or pseudonymized.", subcommands: [ExportEventsCommand.self])
}

struct ExportEventsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "events", abstract: "Write the event log as JSON lines, oldest stored first.",
        discussion: """
            Plain, each line is the stored message (Segment's shape) with its profile_id: personal data included. With \
            --pseudonymize, each line has a keyed pseudonym instead of every id (stable across exports, not reversible \
            without the master key), the event, its time, and the properties and traits that are not personal; no context.
            """)

    @OptionGroup var global: GlobalOptions
    @Flag(help: "Replace ids by keyed pseudonyms and leave out personal fields and the context.") var pseudonymize = false
    @Option(name: .customLong("event"), help: "Only events of this name (repeatable).") var events: [String] = []
    @Option(help: "Only events at or after this time (ISO 8601).") var since: String?
    @Option(name: .shortAndLong, help: "Write to this file (mode 0600) instead of stdout.") var output: String?

    func run() async throws {
        var from: Date?
        if let since {
            guard let date = ISO8601.parse(since) else { throw ValidationError("--since: '\(since)' is not an ISO-8601 time") }
            from = date
        }
        try await withCampaignRuntime(global) { runtime in
            var handle = FileHandle.standardOutput
            if let output {
                guard FileManager.default.createFile(atPath: output, contents: nil, attributes: [.posixPermissions: 0o600]),
                      let h = FileHandle(forWritingAtPath: output) else {
                    throw ValidationError("--output: cannot write \(output)")
                }
                handle = h
            }
            let n = try await EventExporter(store: runtime.stores.eventExport, policy: runtime.personalData)
                .export(pseudonymizer: pseudonymize ? runtime.pseudonymizer : nil, names: events.isEmpty ? nil : Set(events), since: from) {
                    handle.write(Data($0.utf8))
                }
            if output != nil {
                try handle.close()
                Console.note("wrote \(n) events to \(output!)\(pseudonymize ? " (pseudonymized)" : "")")
            }
        }
    }
}
