import ArgumentParser
import Foundation
import TailorCore
import TailorEngine
import TailorStore

/// `tailor segment …`: define, list, inspect and audit segments (docs/SEGMENTS.md).
struct SegmentCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "segment",
        abstract: "Define, list, explain and audit customer segments.",
        subcommands: [SegmentTemplatesCommand.self, SegmentCreateCommand.self, SegmentListCommand.self, SegmentDeleteCommand.self,
                      SegmentMembersCommand.self, SegmentCountCommand.self, SegmentExportCommand.self, SegmentExplainCommand.self, SegmentAuditCommand.self,
                      SegmentRFMCommand.self, SegmentTimersCommand.self]
    )
}

/// Runs a body with an open runtime and its segment service, closing it whatever happens.
func withSegments<T>(_ global: GlobalOptions, _ body: (Runtime, SegmentService) async throws -> T) async throws -> T {
    let runtime = try await Runtime.open(try global.settings())
    let service = SegmentService(stores: runtime.stores, clock: runtime.clock)
    do {
        let result = try await body(runtime, service)
        await runtime.close()
        return result
    } catch let e as SegmentDefinitionError {
        await runtime.close()
        throw ValidationError(e.message)
    } catch {
        await runtime.close()
        throw error
    }
}

/// A segment by id or name, or a clear error.
func requireSegment(_ segments: any SegmentStore, _ name: String) async throws -> SegmentDefinition {
    if let d = try await segments.segment(name) { return d }
    if let d = try await segments.segment(SegmentDefinition.slug(name)) { return d }
    throw ValidationError("no segment '\(name)'; see `tailor segment list`")
}

struct SegmentTemplatesCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "templates", abstract: "List the shipped segment templates.")

    @Flag(help: "Print JSON (each template's condition in the API's JSON form).")
    var json = false

    func run() async throws {
        if json {
            let items: [JSONValue] = SegmentTemplates.all.map {
                ["id": .string($0.id), "name": .string($0.name), "description": .string($0.description), "text": .string($0.text),
                 "where": $0.condition.json]
            }
            print(JSONWriter.string(.array(items)))
            return
        }
        for t in SegmentTemplates.all {
            print("\(t.id)  —  \(t.name): \(t.description)")
            print("    \(t.text)")
        }
        print("\nCreate one: tailor segment create NAME --from-template TEMPLATE   (or copy a condition and adjust it with --where)")
    }
}

struct SegmentCreateCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "create", abstract: "Create a segment (or replace one, with --replace) and compute its members.",
        discussion: "The condition is the text form (docs/SEGMENTS.md), or the JSON form when it starts with '{'. --where-file reads it from a file.")

    @Argument(help: "The segment's name (its id is the name in lower case with dashes).")
    var name: String

    @Option(help: "The condition, e.g. 'count(\"Order Completed\" in last 30 days) > 5'.")
    var `where`: String?

    @Option(name: .customLong("where-file"), help: "Read the condition from a file.")
    var whereFile: String?

    @Option(name: .customLong("from-template"), help: "Start from a template (see `tailor segment templates`).")
    var fromTemplate: String?

    @Option(help: "A description.")
    var description: String = ""

    @Flag(help: "Redefine the segment of that name if it exists (without it, an existing segment is an error).")
    var replace = false

    @OptionGroup var global: GlobalOptions

    func validate() throws {
        let given = [`where` != nil, whereFile != nil, fromTemplate != nil].filter { $0 }.count
        guard given == 1 else { throw ValidationError("give exactly one of --where, --where-file, --from-template") }
    }

    func run() async throws {
        let condition: Condition?
        if let fromTemplate {
            guard let t = SegmentTemplates.named(fromTemplate) else {
                throw ValidationError("no template '\(fromTemplate)'; see `tailor segment templates`")
            }
            condition = t.condition
        } else {
            var source = `where` ?? ""
            var origin = "--where"
            if let whereFile {
                guard let text = try? String(contentsOfFile: whereFile, encoding: .utf8) else { throw ValidationError("\(whereFile): cannot read the file") }
                source = text
                origin = whereFile
            }
            do {
                condition = try SegmentService.condition(from: source)
            } catch let e as ConditionSyntaxError {
                throw ValidationError("\(origin):\(e.line):\(e.column): \(e.message)")
            } catch let e as ConditionJSONError {
                throw ValidationError("\(origin): \(e.description)")
            }
        }
        let description = fromTemplate.flatMap { SegmentTemplates.named($0)?.description } ?? self.description
        try await withSegments(global) { runtime, service in
            let started = Date()
            let (def, refresh) = try await service.define(name: name, description: description, condition: condition!, replacing: replace)
            let size = try await runtime.stores.segments.memberCount(of: def.id)
            print("segment \(def.id) (\(def.name)): \(size) members")
            print("  where \(def.condition.text)")
            Console.note("evaluated \(refresh.evaluated) profiles in \(String(format: "%.1f", Date().timeIntervalSince(started))) s: "
                         + "\(refresh.entered) entered, \(refresh.exited) left")
        }
    }
}

struct SegmentListCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "list", abstract: "List segments with their sizes.")

    @OptionGroup var global: GlobalOptions

    func run() async throws {
        try await withSegments(global) { runtime, _ in
            let all = try await runtime.stores.segments.segments()
            if all.isEmpty { print("no segments yet; see `tailor segment templates`") }
            for d in all {
                print("\(d.id)  \(try await runtime.stores.segments.memberCount(of: d.id)) members  —  \(d.name)")
                print("    \(d.condition.text)")
            }
        }
    }
}

struct SegmentDeleteCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "delete", abstract: "Delete a segment (its members exit).")

    @Argument var name: String
    @OptionGroup var global: GlobalOptions

    func run() async throws {
        try await withSegments(global) { runtime, service in
            let def = try await requireSegment(runtime.stores.segments, name)
            try await service.deleteSegment(def.id)
            print("deleted \(def.id)")
        }
    }
}

struct SegmentMembersCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "members", abstract: "Print a segment's members' user ids, one per line (computed at now), or their count.",
        discussion: "Profiles without a user id (anonymous visitors) are left out unless --include-anonymous, which prints their profile ids.")

    @Argument var name: String
    @Flag(help: "Print the number of members only.") var count = false
    @Flag(name: .customLong("include-anonymous"), help: "Also list profiles without a user id (by profile id).") var includeAnonymous = false
    @Flag(help: "Print the stored (real-time) membership instead of computing the audience now.") var stored = false
    @OptionGroup var global: GlobalOptions

    func run() async throws {
        try await withSegments(global) { runtime, service in
            let def = try await requireSegment(runtime.stores.segments, name)
            let ids = stored ? try await service.storedMembers(def.id) : try await runtime.stores.segments.audience(def.condition, limit: nil)
            var lines: [String] = []
            for chunk in stride(from: 0, to: ids.count, by: 1000).map({ Array(ids[$0..<min($0 + 1000, ids.count)]) }) {
                let users = try await runtime.stores.segments.userIds(of: chunk)
                for id in chunk {
                    if let u = users[id] { lines.append(u) } else if includeAnonymous { lines.append(id.rawValue) }
                }
            }
            if count {
                print(lines.count)
            } else {
                for line in lines.sorted() { print(line) }
            }
        }
    }
}

struct SegmentCountCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "count", abstract: "Count the live profiles a segment, a template or a condition matches now (one SQL query).",
        discussion: "Unlike `members --count`, profiles without a user id count too. The count goes to stdout and the query's time to stderr "
            + "(`best of N: T ms`); --repeat N runs the query N times and reports the fastest (a benchmark).")

    @Argument(help: "A stored segment (omit with --where or --from-template).") var name: String?
    @Option(help: "A condition (text or JSON form).") var `where`: String?
    @Option(name: .customLong("from-template"), help: "A template's condition.") var fromTemplate: String?
    @Option(help: "Run the query this many times; the time printed to stderr is the fastest.") var `repeat`: Int = 1
    @OptionGroup var global: GlobalOptions

    func validate() throws {
        guard [name != nil, `where` != nil, fromTemplate != nil].filter({ $0 }).count == 1 else {
            throw ValidationError("give one of: a segment name, --where, --from-template")
        }
        guard (1...100).contains(`repeat`) else { throw ValidationError("--repeat must be 1...100") }
    }

    func run() async throws {
        try await withSegments(global) { runtime, _ in
            let condition: Condition
            if let name {
                condition = try await requireSegment(runtime.stores.segments, name).condition
            } else if let fromTemplate {
                guard let t = SegmentTemplates.named(fromTemplate) else { throw ValidationError("no template '\(fromTemplate)'") }
                condition = t.condition
            } else {
                do { condition = try SegmentService.condition(from: `where` ?? "") } catch let e as ConditionSyntaxError {
                    throw ValidationError("--where:\(e.line):\(e.column): \(e.message)")
                }
            }
            var best = Double.infinity
            var count = 0
            for _ in 0..<`repeat` {
                let started = ContinuousClock.now
                count = try await runtime.stores.segments.audienceCount(condition)
                let elapsed = ContinuousClock.now - started
                best = min(best, Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18)
            }
            print(count)
            // Always, also for one run: a benchmark reading this line must never find it missing.
            Console.note(String(format: "best of %d: %.1f ms", `repeat`, best * 1000))
        }
    }
}

struct SegmentExportCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "export", abstract: "Export a segment's members (computed now) as CSV.")

    @Argument var name: String
    @Option(name: .shortAndLong, help: "Output file (default: stdout).") var output: String?
    @Flag(help: "One column, pseudonym: a keyed hash of each profile id (stable, not reversible without the master key).")
    var pseudonymize = false
    @OptionGroup var global: GlobalOptions

    func run() async throws {
        try await withSegments(global) { runtime, service in
            let def = try await requireSegment(runtime.stores.segments, name)
            var handle = FileHandle.standardOutput
            if let output {
                guard FileManager.default.createFile(atPath: output, contents: nil), let h = FileHandle(forWritingAtPath: output) else {
                    throw ValidationError("\(output): cannot write the file")
                }
                handle = h
            }
            let personalization = PersonalizationConsent(store: runtime.stores.consent, policy: runtime.settings.personalizationConsent,
                                                         clock: runtime.clock)
            let n = try await service.exportCSV(def.condition, pseudonymizer: pseudonymize ? runtime.pseudonymizer : nil,
                                                personalization: personalization) { handle.write(Data($0.utf8)) }
            if output != nil {
                try handle.close()
                Console.note("wrote \(n) members to \(output!)")
            }
        }
    }
}

struct SegmentExplainCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "explain", abstract: "Show each condition with a profile's value and whether it held.")

    @Argument var name: String
    @Option(help: "The profile: its id, user:<id>, email:<address> or anonymous:<id> (a bare value is taken as a user id).") var profile: String
    @Flag(help: "Print JSON.") var json = false
    @OptionGroup var global: GlobalOptions

    func run() async throws {
        try await withSegments(global) { runtime, service in
            let def = try await requireSegment(runtime.stores.segments, name)
            let reference = ProfileReference(profile.contains(":") || profile.hasPrefix("p_") ? profile : "user:" + profile)
            guard let reference, let view = try await runtime.stores.profiles.profile(reference),
                  let explanation = try await service.explain(segment: def, profile: view.id)
            else { throw ValidationError("no profile '\(profile)'") }
            if json {
                print(JSONWriter.string(["segment": .string(def.id), "profile_id": .string(view.id.rawValue), "member": .bool(explanation.held),
                                         "explanation": explanation.json]))
                return
            }
            print("\(def.name) for \(view.id): \(explanation.held ? "member" : "not a member") (at \(ISO8601.format(runtime.clock.now())))")
            for line in explanation.lines { print("  " + line) }
        }
    }
}

struct SegmentAuditCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "audit",
                                                    abstract: "Sizes and their change, overlaps (Jaccard), tiny, empty and duplicate segments.")

    @Flag(help: "Print JSON.") var json = false
    @Flag(help: "Record today's sizes (for the change over time) before reporting.") var record = false
    @OptionGroup var global: GlobalOptions

    func run() async throws {
        try await withSegments(global) { runtime, service in
            let audit = try await service.audit()
            if record { try await service.recordSegmentSizes() }
            if json { print(JSONWriter.string(audit.json)) } else { audit.lines.forEach { print($0) } }
        }
    }
}

struct SegmentRFMCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "rfm", abstract: "Recompute RFM scores now and print the groups.")

    @OptionGroup var global: GlobalOptions

    func run() async throws {
        try await withSegments(global) { _, service in
            let summary = try await service.refreshRFM()
            print("RFM scores for \(summary.customers) customers")
            for g in RFMGroup.allCases { print("  \(g.rawValue.padding(toLength: 20, withPad: " ", startingAt: 0)) \(summary.groups[g.rawValue] ?? 0)") }
            if summary.refresh.evaluated > 0 {
                print("segments using RFM: \(summary.refresh.entered) entered, \(summary.refresh.exited) left")
            }
        }
    }
}

struct SegmentTimersCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "run-timers",
                                                    abstract: "Apply the membership changes that time has made due (tailor serve does this continuously).")

    @OptionGroup var global: GlobalOptions

    func run() async throws {
        try await withSegments(global) { runtime, service in
            let n = try await service.runDueTimers()
            let next = try await runtime.stores.segments.nextSegmentTimer()
            print("evaluated \(n) profiles; next change \(next.map { ISO8601.format($0) } ?? "none pending")")
        }
    }
}
