import ArgumentParser
import Foundation
import TailorCore
import TailorEngine
import TailorStore

/// `tailor webhook …`: outgoing webhooks (docs/WEBHOOKS.md): subscriptions, their delivery log, and the
/// calls made once for whoever does not run `tailor serve`.
struct WebhookCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "webhook",
        abstract: "Subscribe URLs to events (signed POSTs with retries), list and delete them, and read their delivery log.",
        discussion: "A running `tailor serve` makes the calls as they come due; `webhook deliver` does it once (for cron).",
        subcommands: [WebhookCreateCommand.self, WebhookListCommand.self, WebhookDeleteCommand.self, WebhookCallsCommand.self,
                      WebhookDeliverCommand.self]
    )
}

struct WebhookCreateCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "create", abstract: "Subscribe a URL to events; prints the webhook's id.")

    @OptionGroup var global: GlobalOptions
    @Argument(help: "The receiver, an http or https URL.") var url: String
    @Option(name: .customLong("event"), help: "An event name to send (repeatable), like \"Segment Entered\" or \"Email Opened\".")
    var events: [String] = []
    @Option(help: "Only this segment's entries and exits (with the events Segment Entered / Segment Exited).") var segment: String?
    @Option(help: "The signing secret (16 to 256 characters): the receiver checks X-Tailor-Signature with it.") var secret: String
    @Flag(help: "Print the subscription as JSON (without the secret).") var json = false

    func run() async throws {
        try await withCampaignRuntime(global) { runtime in
            let service = WebhookService(stores: runtime.stores, clock: runtime.clock)
            let webhook = try await WebhookCLI.naming { try await service.create(url: url, events: events, segment: segment, secret: secret) }
            print(json ? JSONWriter.string(webhook.json) : webhook.id)
        }
    }
}

struct WebhookListCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "list", abstract: "List the webhooks: id, URL, events and segment.")

    @OptionGroup var global: GlobalOptions
    @Flag(help: "Print JSON (never the secrets).") var json = false

    func run() async throws {
        try await withCampaignRuntime(global) { runtime in
            let all = try await WebhookService(stores: runtime.stores, clock: runtime.clock).list()
            if json {
                print(JSONWriter.string(.array(all.map(\.json))))
            } else if all.isEmpty {
                print("no webhooks; create one with `tailor webhook create URL --event NAME --secret KEY`")
            } else {
                for w in all {
                    print("\(w.id)\t\(w.url)\t\(w.events.joined(separator: ", "))\t\(w.segment.map { "segment \($0)" } ?? "any segment")")
                }
            }
        }
    }
}

struct WebhookDeleteCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "delete", abstract: "Delete a webhook and the calls it still had to make.")

    @OptionGroup var global: GlobalOptions
    @Argument(help: "The webhook's id (wh_…).") var id: String

    func run() async throws {
        try await withCampaignRuntime(global) { runtime in
            try await WebhookCLI.naming { try await WebhookService(stores: runtime.stores, clock: runtime.clock).delete(id) }
            print("deleted webhook \(id)")
        }
    }
}

/// Turns the service's errors into messages that name the argument or option concerned.
enum WebhookCLI {
    static func naming<T>(_ body: () async throws -> T) async throws -> T {
        do {
            return try await body()
        } catch let e as RequestError {
            let place = switch e.field {
            case "url": "URL"
            case "events": "--event"
            case "segment": "--segment"
            case "secret": "--secret"
            case "limit": "--limit"
            default: "webhook"
            }
            throw ValidationError("\(place): \(e.message)")
        }
    }
}
