import ArgumentParser
import Foundation
import TailorCore
import TailorEngine
import TailorStore

struct WebhookCallsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "calls", abstract: "A webhook's delivery log, newest first: state, attempts, the last answer and the next attempt.")

    @OptionGroup var global: GlobalOptions
    @Argument(help: "The webhook's id (wh_…).") var id: String
    @Option(help: "How many calls to show (1 to 1000).") var limit = 100
    @Flag(help: "Print JSON.") var json = false

    func validate() throws {
        guard (1...1000).contains(limit) else { throw ValidationError("--limit: expected 1 to 1000, not \(limit)") }
    }

    func run() async throws {
        try await withCampaignRuntime(global) { runtime in
            let calls = try await WebhookCLI.naming {
                try await WebhookService(stores: runtime.stores, clock: runtime.clock).calls(of: id, limit: limit)
            }
            if json {
                print(JSONWriter.string(.array(calls.map(\.json))))
            } else if calls.isEmpty {
                print("no calls yet for webhook \(id)")
            } else {
                for c in calls { print(Self.line(c)) }
            }
        }
    }

    /// `CALL_ID  STATE  attempts N  last ANSWER  next TIME  created TIME`.
    static func line(_ c: WebhookCallStatus) -> String {
        let last = c.lastError ?? c.lastStatus.map { "HTTP \($0)" } ?? "-"
        let next = c.state == .pending ? c.nextAttemptAt.map(ISO8601.format) ?? "now" : "-"
        return "\(c.key)\t\(c.state.rawValue)\tattempts \(c.attempts)\tlast \(last)\tnext \(next)\tcreated \(ISO8601.format(c.createdAt))"
    }
}

struct WebhookDeliverCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "deliver", abstract: "Make every webhook call due now, once (what `tailor serve` does as they come due).")

    @OptionGroup var global: GlobalOptions

    func run() async throws {
        try await withCampaignRuntime(global) { runtime in
            let tally = try await WebhookDeliverer(stores: runtime.stores, clock: runtime.clock).deliverDue()
            print("delivered \(tally.delivered), retrying \(tally.retrying), failed \(tally.failed)")
        }
    }
}
