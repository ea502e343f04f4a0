import ArgumentParser
import Foundation
import TailorCore
import TailorEngine
import TailorStore

/// `tailor campaign …`: a personalized email to segments, from creation to the last delivery (docs/CAMPAIGNS.md).
struct CampaignCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "campaign",
        abstract: "Create, send, schedule, pause, resume, cancel and follow campaigns, and decide their experiments.",
        subcommands: [CampaignCreateCommand.self, CampaignSendCommand.self, CampaignScheduleCommand.self, CampaignPauseCommand.self,
                      CampaignResumeCommand.self, CampaignCancelCommand.self, CampaignListCommand.self, CampaignStatusCommand.self,
                      CampaignShowCommand.self, CampaignDecideCommand.self]
    )
}

struct CampaignCreateCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "create", abstract: "Create a campaign (a draft, or scheduled with --at).")

    @OptionGroup var global: GlobalOptions
    @Argument(help: "The campaign's name (its id is the name in lower case with dashes).") var name: String
    @Option(help: "The stored email template.") var template: String
    @Option(help: "A segment whose members get the email (repeatable).") var segment: [String] = []
    @Option(help: "A segment whose members are left out (repeatable).") var exclude: [String] = []
    @Option(help: "Start sending at this time (ISO 8601).") var at: String?
    @Option(help: "At most this many emails a second, like 50/s.") var rate: String?
    @Option(name: .customLong("send-time"), help: "now, or optimal (each recipient at the hour they most often open).") var sendTime = "now"
    @Flag(help: "Transactional: no frequency cap, no quiet hours.") var transactional = false
    @OptionGroup var experiment: ExperimentOptions

    func run() async throws {
        guard !segment.isEmpty else { throw ValidationError("give at least one --segment") }
        let scheduled = try at.map { text -> Date in
            guard let date = ISO8601.parse(text) else { throw ValidationError("--at is an ISO-8601 time, like 2026-12-24T09:00:00Z") }
            return date
        }
        let perSecond = try rate.map { text -> Int in
            let number = text.hasSuffix("/s") ? String(text.dropLast(2)) : text
            guard let n = Int(number), n >= 1 else { throw ValidationError("--rate is a number of emails a second, like 50/s") }
            return n
        }
        guard let mode = SendTime(rawValue: sendTime) else { throw ValidationError("--send-time is now or optimal") }
        let draft = CampaignService.Draft(name: name, template: template, segments: segment, excluded: exclude, transactional: transactional,
                                          scheduledAt: scheduled, ratePerSecond: perSecond, sendTime: mode,
                                          experiment: try experiment.design())
        try await withCampaignRuntime(global) { runtime in
            let c = try await CampaignService(stores: runtime.stores, clock: runtime.clock).create(draft)
            let when = c.scheduledAt.map { " for \(ISO8601.format($0))" } ?? ""
            print("created campaign \(c.id) (\(c.state.rawValue)\(when))")
        }
    }
}

struct CampaignSendCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "send", abstract: "Snapshot the audience, render and queue every email now.",
        discussion: "`tailor mail drain` or a running `tailor serve` delivers what is queued. Sending again adds nothing.")

    @OptionGroup var global: GlobalOptions
    @Argument(help: "The campaign's id or name.") var name: String

    func run() async throws {
        try await withCampaignRuntime(global) { runtime in
            let campaignSettings = try runtime.campaignSettings()
            let progress = Console.Progress("queuing")
            let started = Date()
            let status = try await CampaignService(stores: runtime.stores, clock: runtime.clock)
                .send(name, settings: campaignSettings) { done, total in progress.update(done, total) }
            let seconds = Date().timeIntervalSince(started)
            let skipped = status.skipped.sorted { $0.key < $1.key }.map { "\($0.key) \($0.value)" }.joined(separator: ", ")
            print("campaign \(status.campaign.id): \(status.campaign.state.rawValue); audience \(status.campaign.audience ?? 0), "
                  + "queued \(status.queued), sent \(status.sent), skipped \(skipped.isEmpty ? "0" : skipped) "
                  + "in \(String(format: "%.1f", seconds)) s")
        }
    }
}

/// One lifecycle move by name.
protocol CampaignMoveCommand: AsyncParsableCommand {
    var global: GlobalOptions { get }
    var name: String { get }
    func move(_ service: CampaignService) async throws -> Campaign
}

extension CampaignMoveCommand {
    func run() async throws {
        try await withCampaignRuntime(global) { runtime in
            let c = try await move(CampaignService(stores: runtime.stores, clock: runtime.clock))
            print("campaign \(c.id) is \(c.state.rawValue)")
        }
    }
}

struct CampaignScheduleCommand: CampaignMoveCommand {
    static let configuration = CommandConfiguration(commandName: "schedule", abstract: "Schedule a draft (or move its time).")
    @OptionGroup var global: GlobalOptions
    @Argument(help: "The campaign's id or name.") var name: String
    @Option(help: "When sending starts (ISO 8601).") var at: String

    func move(_ service: CampaignService) async throws -> Campaign {
        guard let date = ISO8601.parse(at) else { throw ValidationError("--at is an ISO-8601 time, like 2026-12-24T09:00:00Z") }
        return try await service.schedule(name, at: date)
    }
}

struct CampaignPauseCommand: CampaignMoveCommand {
    static let configuration = CommandConfiguration(commandName: "pause", abstract: "Hold a campaign: its queued emails wait.")
    @OptionGroup var global: GlobalOptions
    @Argument(help: "The campaign's id or name.") var name: String
    func move(_ service: CampaignService) async throws -> Campaign { try await service.pause(name) }
}

struct CampaignResumeCommand: CampaignMoveCommand {
    static let configuration = CommandConfiguration(commandName: "resume", abstract: "Go on with a paused campaign.")
    @OptionGroup var global: GlobalOptions
    @Argument(help: "The campaign's id or name.") var name: String
    func move(_ service: CampaignService) async throws -> Campaign { try await service.resume(name) }
}

struct CampaignCancelCommand: CampaignMoveCommand {
    static let configuration = CommandConfiguration(commandName: "cancel", abstract: "Stop a campaign for good; its queued emails are withdrawn.")
    @OptionGroup var global: GlobalOptions
    @Argument(help: "The campaign's id or name.") var name: String
    func move(_ service: CampaignService) async throws -> Campaign { try await service.cancel(name) }
}

struct CampaignListCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "list", abstract: "List campaigns, newest first.")
    @OptionGroup var global: GlobalOptions
    @Flag(help: "Print JSON.") var json = false

    func run() async throws {
        try await withCampaignRuntime(global) { runtime in
            let service = CampaignService(stores: runtime.stores, clock: runtime.clock)
            let all = try await service.list()
            if json {
                var items: [JSONValue] = []
                for c in all { items.append(.object(try await service.status(c.id).json)) }
                print(JSONWriter.string(.array(items)))
                return
            }
            if all.isEmpty { print("no campaigns; create one with `tailor campaign create NAME --template T --segment S`") }
            for c in all { print("\(c.id)\t\(c.state.rawValue)\t\(c.template)\t\(c.segments.joined(separator: ","))") }
        }
    }
}

struct CampaignStatusCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "status", abstract: "A campaign's state and counts.")
    @OptionGroup var global: GlobalOptions
    @Argument(help: "The campaign's id or name.") var name: String
    @Flag(help: "Print JSON: state, audience, queued, sent, failed, skipped by reason.") var json = false

    func run() async throws {
        try await withCampaignRuntime(global) { runtime in
            let status = try await CampaignService(stores: runtime.stores, clock: runtime.clock).status(name)
            if json {
                print(JSONWriter.string(.object(status.json)))
                return
            }
            print("campaign \(status.campaign.id) (\(status.campaign.name)): \(status.campaign.state.rawValue)")
            Self.printCounts(status)
        }
    }

    /// The audience and what became of it: pending, queued, sent, failed, skipped by reason.
    static func printCounts(_ status: CampaignService.Status) {
        print("audience \(status.campaign.audience ?? 0), pending \(status.counts.pending), queued \(status.queued), "
              + "sent \(status.sent), failed \(status.failed)")
        for (reason, n) in status.skipped.sorted(by: { $0.key < $1.key }) { print("skipped \(reason): \(n)") }
    }
}
