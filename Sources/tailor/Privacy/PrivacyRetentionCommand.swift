import ArgumentParser
import Foundation
import TailorCore
import TailorEngine
import TailorStore

/// `tailor privacy retention [show|set|clear|apply]`: how long events are kept, per event name (docs/PRIVACY.md).
struct PrivacyRetentionCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "retention",
        abstract: "Show, change or apply how long events are kept, per event name.",
        discussion: """
            Rules come from TAILOR_RETENTION (EVENT:DAYS,…) and from `set` (stored in the database, overriding the \
            environment). `tailor serve` purges every hour; `apply` purges now. Profile aggregates (order count, \
            revenue, RFM inputs) are kept.
            """,
        subcommands: [Show.self, SetRule.self, Clear.self, Apply.self],
        defaultSubcommand: Show.self)

    static func table(_ rules: [RetentionService.Rule], verb: String) -> String {
        guard !rules.isEmpty else { return "no retention rules: every event is kept\n" }
        var out = "event\tdays\tsource\tcutoff\t\(verb)\n"
        for r in rules { out += "\(r.event)\t\(r.days)\t\(r.source)\t\(ISO8601.format(r.cutoff))\t\(r.events)\n" }
        return out
    }

    static func service(_ runtime: Runtime) -> RetentionService {
        RetentionService(stores: runtime.stores, configured: runtime.settings.retention, clock: runtime.clock)
    }

    struct Show: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Show the rules and how many events each would purge now.")
        @OptionGroup var global: GlobalOptions
        @Flag(help: "Print JSON.") var json = false

        func run() async throws {
            try await withCampaignRuntime(global) { runtime in
                let rules = try await PrivacyRetentionCommand.service(runtime).preview()
                if json {
                    print(JSONWriter.string(.object(["rules": .array(rules.map { .object($0.json) })])))
                } else {
                    print(PrivacyRetentionCommand.table(rules, verb: "would purge"), terminator: "")
                }
            }
        }
    }

    struct SetRule: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "set", abstract: "Keep events of EVENT for DAYS days (stored; overrides TAILOR_RETENTION).")
        @OptionGroup var global: GlobalOptions
        @Argument(help: "The event name: a track event, a page or screen name, or a call type (identify).") var event: String
        @Argument(help: "Days to keep them (1...36500).") var days: Int

        func run() async throws {
            try await withCampaignRuntime(global) { runtime in
                try await PrivacyRetentionCommand.service(runtime).set(event, days: days)
                print("events named \(event) are kept \(days) days")
            }
        }
    }

    struct Clear: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Remove the stored rule of EVENT.")
        @OptionGroup var global: GlobalOptions
        @Argument var event: String

        func run() async throws {
            try await withCampaignRuntime(global) { runtime in
                guard try await PrivacyRetentionCommand.service(runtime).clear(event) else {
                    throw ValidationError("no stored retention rule for \(event)")
                }
                print("removed the stored rule for \(event)")
            }
        }
    }

    struct Apply: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Purge now what the rules say (a batch per transaction).")
        @OptionGroup var global: GlobalOptions
        @Flag(help: "Print JSON.") var json = false

        func run() async throws {
            try await withCampaignRuntime(global) { runtime in
                let rules = try await PrivacyRetentionCommand.service(runtime).apply()
                if json {
                    print(JSONWriter.string(.object(["rules": .array(rules.map { .object($0.json) })])))
                } else {
                    print(PrivacyRetentionCommand.table(rules, verb: "purged"), terminator: "")
                }
            }
        }
    }
}
