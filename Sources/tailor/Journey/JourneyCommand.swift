import ArgumentParser
import Foundation
import TailorCore
import TailorEngine
import TailorStore

/// `tailor journey …`: triggered, multi-step emails (docs/JOURNEYS.md).
struct JourneyCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "journey",
        abstract: "Create journeys (from a JSON file or a seed template), follow them, pause, resume and archive them.",
        discussion: "A running `tailor serve` with mail configured moves runs on as their steps come due; `journey run-due` does it once.",
        subcommands: [JourneyCreateCommand.self, JourneyTemplatesCommand.self, JourneyListCommand.self, JourneyShowCommand.self,
                      JourneyPauseCommand.self, JourneyResumeCommand.self, JourneyArchiveCommand.self, JourneyRunDueCommand.self]
    )
}

struct JourneyCreateCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "create", abstract: "Create a journey; it is active at once.")

    @OptionGroup var global: GlobalOptions
    @Argument(help: "The journey's name (its id is the name in lower case with dashes).") var name: String
    @Option(help: "The definition, a JSON file (docs/JOURNEYS.md).") var file: String?
    @Option(name: .customLong("from-template"), help: "A seed journey (see `tailor journey templates`).") var template: String?
    @Option(help: "A seed journey's parameter, KEY=VALUE (repeatable), like wait=10m.") var param: [String] = []
    @Flag(help: "Replace the definition of the journey of that name.") var replace = false

    func run() async throws {
        guard (file == nil) != (template == nil) else { throw ValidationError("give either --file or --from-template") }
        var parameters: [String: String] = [:]
        for p in param {
            guard let eq = p.firstIndex(of: "="), eq != p.startIndex else { throw ValidationError("--param is KEY=VALUE, not \(p)") }
            parameters[String(p[..<eq])] = String(p[p.index(after: eq)...])
        }
        if !parameters.isEmpty && template == nil { throw ValidationError("--param goes with --from-template") }
        let json: JSONValue? = try file.map { path in
            guard let data = FileManager.default.contents(atPath: path) else { throw ValidationError("--file: cannot read \(path)") }
            do {
                return try JSONParser.parse(Array(data))
            } catch let e as JSONParser.Error {
                throw ValidationError("\(path):\(e.line):\(e.column): \(e.reason)")
            }
        }
        try await withCampaignRuntime(global) { runtime in
            let service = JourneyService(stores: runtime.stores, clock: runtime.clock)
            let record: JourneyRecord
            if let json {
                do {
                    record = try await service.create(name: name, json: json, replacing: replace)
                } catch let e as RequestError where e.field != nil {
                    throw ValidationError("\(file ?? ""): \(e.field ?? ""): \(e.message)")
                }
            } else {
                record = try await service.create(name: name, fromTemplate: template ?? "", parameters: parameters)
            }
            print("created journey \(record.id) (\(record.state.rawValue)): \(record.definition.summary)")
        }
    }
}

struct JourneyTemplatesCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "templates", abstract: "List the seed journeys and their parameters.")

    func run() async throws {
        for t in JourneyTemplates.all {
            let params = t.parameters.map { "\($0.name)=\($0.default)" }.joined(separator: " ")
            print("\(t.id)\t\(t.description)\t\(params)")
        }
    }
}

struct JourneyListCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "list", abstract: "List journeys with their state and active runs.")

    @OptionGroup var global: GlobalOptions
    @Flag(help: "Print JSON.") var json = false

    func run() async throws {
        try await withCampaignRuntime(global) { runtime in
            let service = JourneyService(stores: runtime.stores, clock: runtime.clock)
            let all = try await service.list()
            var items: [JSONValue] = []
            for j in all {
                let status = try await service.status(j.id)
                let counts = status.counts
                if json { items.append(.object(status.json)) } else {
                    print("\(j.id)\t\(j.state.rawValue)\tactive \(counts.activeAtStep.values.reduce(0, +))\t\(j.definition.summary)")
                }
            }
            if json { print(JSONWriter.string(.array(items))) } else if all.isEmpty {
                print("no journeys; create one with `tailor journey create NAME --from-template abandoned-cart`")
            }
        }
    }
}

struct JourneyShowCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "show", abstract: "A journey's definition and its runs counted per step.")

    @OptionGroup var global: GlobalOptions
    @Argument(help: "The journey's id or name.") var name: String
    @Flag(help: "Print JSON: the definition, state and counts.") var json = false

    func run() async throws {
        try await withCampaignRuntime(global) { runtime in
            let status = try await JourneyService(stores: runtime.stores, clock: runtime.clock).status(name)
            let (j, counts) = (status.journey, status.counts)
            if json {
                print(JSONWriter.string(.object(status.json)))
                return
            }
            print("journey \(j.id) (\(j.name)): \(j.state.rawValue)")
            print("trigger: \(j.definition.summary)")
            for (i, step) in j.definition.steps.enumerated() {
                print("  \(i). \(step.summary)\twaiting \(counts.activeAtStep[i] ?? 0)")
            }
            print("completed \(counts.completed)")
            for (reason, n) in counts.exited.sorted(by: { $0.key < $1.key }) { print("exited \(reason): \(n)") }
        }
    }
}

/// Pause, resume and archive.
protocol JourneyStateCommand: AsyncParsableCommand {
    var global: GlobalOptions { get }
    var name: String { get }
    static var target: JourneyState { get }
}

extension JourneyStateCommand {
    func run() async throws {
        try await withCampaignRuntime(global) { runtime in
            let j = try await JourneyService(stores: runtime.stores, clock: runtime.clock).setState(name, Self.target)
            print("journey \(j.id) is \(j.state.rawValue)")
        }
    }
}

struct JourneyPauseCommand: JourneyStateCommand {
    static let configuration = CommandConfiguration(commandName: "pause", abstract: "Start no runs and move none on until resumed.")
    static let target = JourneyState.paused
    @OptionGroup var global: GlobalOptions
    @Argument(help: "The journey's id or name.") var name: String
}

struct JourneyResumeCommand: JourneyStateCommand {
    static let configuration = CommandConfiguration(commandName: "resume", abstract: "Start runs and move them on again.")
    static let target = JourneyState.active
    @OptionGroup var global: GlobalOptions
    @Argument(help: "The journey's id or name.") var name: String
}

struct JourneyArchiveCommand: JourneyStateCommand {
    static let configuration = CommandConfiguration(commandName: "archive", abstract: "End the journey and its active runs for good.")
    static let target = JourneyState.archived
    @OptionGroup var global: GlobalOptions
    @Argument(help: "The journey's id or name.") var name: String
}

struct JourneyRunDueCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "run-due", abstract: "Move on every run whose step is due now (what `tailor serve` does as they come due).")

    @OptionGroup var global: GlobalOptions

    func run() async throws {
        try await withCampaignRuntime(global) { runtime in
            let service = JourneyService(stores: runtime.stores, clock: runtime.clock)
            let settings = try runtime.campaignSettings()
            let steps = try await service.runDue(settings: settings)
            try await service.appendPendingEvents()
            print("ran \(steps) journey step\(steps == 1 ? "" : "s")")
        }
    }
}
