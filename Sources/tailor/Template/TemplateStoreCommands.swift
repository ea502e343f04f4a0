import ArgumentParser
import Foundation
import TailorCore
import TailorEngine
import TailorStore

/// Runs a body with an open runtime, turning template and campaign errors into messages.
func withCampaignRuntime<T>(_ global: GlobalOptions, _ body: (Runtime) async throws -> T) async throws -> T {
    let runtime = try await Runtime.open(try global.settings())
    do {
        let result = try await body(runtime)
        await runtime.close()
        return result
    } catch let e as RequestError {
        await runtime.close()
        throw ValidationError(e.description)
    } catch {
        await runtime.close()
        throw error
    }
}

/// Reads a file a template field comes from, or says which and why not.
func readTemplateFile(_ path: String, option: String) throws -> String {
    guard let data = FileManager.default.contents(atPath: path) else { throw ValidationError("\(option): cannot read \(path)") }
    return String(decoding: data, as: UTF8.self)
}

/// The options of `template create` and `template update`.
struct TemplateFields: ParsableArguments {
    @Option(help: "The subject (Liquid).") var subject: String?
    @Option(help: "The preview line shown after the subject (Liquid).") var preheader: String?
    @Option(help: "The HTML body file (Liquid).") var html: String?
    @Option(help: "The plain-text body file (Liquid); generated from the HTML when absent.") var text: String?
    @Option(help: "A layout template wrapping this one through {{ content }}.") var layout: String?
    @Option(help: "email, layout or partial (default email).") var kind: String?
    @Option(help: "The sender, 'Name <address>' (default TAILOR_MAIL_FROM).") var from: String?
    @Option(help: "How many recommendations the template offers (default 4).") var recommendations: Int?

    func apply(to t: inout EmailTemplate) throws {
        if let subject { t.subject = subject }
        if let preheader { t.preheader = preheader }
        if let html { t.html = try readTemplateFile(html, option: "--html") }
        if let text { t.text = try readTemplateFile(text, option: "--text") }
        if let layout { t.layout = layout.isEmpty ? nil : layout }
        if let kind {
            guard let k = EmailTemplate.Kind(rawValue: kind) else { throw ValidationError("--kind is email, layout or partial") }
            t.kind = k
        }
        if let from { t.from = from.isEmpty ? nil : from }
        if let recommendations { t.recommendationCount = recommendations }
    }
}

struct TemplateCreateCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "create", abstract: "Store a template (checked first).")

    @OptionGroup var global: GlobalOptions
    @Argument(help: "The template's name (letters, digits, '.', '_', '-').") var name: String
    @OptionGroup var fields: TemplateFields

    func run() async throws {
        guard fields.html != nil else { throw ValidationError("give the HTML body with --html FILE") }
        var template = EmailTemplate(name: name, html: "", createdAt: Date())
        try fields.apply(to: &template)
        try await withCampaignRuntime(global) { runtime in
            let stored = try await TemplateService(stores: runtime.stores, clock: runtime.clock).create(template)
            print("created \(stored.kind.rawValue) template \(stored.name)")
        }
    }
}

struct TemplateUpdateCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "update", abstract: "Change a stored template (checked again).")

    @OptionGroup var global: GlobalOptions
    @Argument(help: "The template's name.") var name: String
    @OptionGroup var fields: TemplateFields

    func run() async throws {
        let fields = self.fields
        var problem: (any Error)?
        try await withCampaignRuntime(global) { runtime in
            let stored = try await TemplateService(stores: runtime.stores, clock: runtime.clock).update(name) { t in
                do { try fields.apply(to: &t) } catch { problem = error }
            }
            if let problem { throw problem }
            print("updated template \(stored.name)")
        }
    }
}

struct TemplateListCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "list", abstract: "List the stored templates.")

    @OptionGroup var global: GlobalOptions
    @Flag(help: "Print JSON.") var json = false

    func run() async throws {
        try await withCampaignRuntime(global) { runtime in
            let all = try await TemplateService(stores: runtime.stores, clock: runtime.clock).list()
            if json {
                print(JSONWriter.string(.array(all.map { .object($0.summaryJSON) })))
                return
            }
            if all.isEmpty { print("no templates; store one with `tailor template create NAME --subject S --html FILE`") }
            for t in all { print("\(t.name)\t\(t.kind.rawValue)\t\(t.subject)") }
        }
    }
}

struct TemplateShowCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "show", abstract: "Print a stored template.")

    @OptionGroup var global: GlobalOptions
    @Argument(help: "The template's name.") var name: String
    @Flag(help: "Print JSON.") var json = false

    func run() async throws {
        try await withCampaignRuntime(global) { runtime in
            let t = try await TemplateService(stores: runtime.stores, clock: runtime.clock).template(name)
            if json {
                print(JSONWriter.string(.object(t.json)))
                return
            }
            print("name: \(t.name)\nkind: \(t.kind.rawValue)\nsubject: \(t.subject)\npreheader: \(t.preheader)")
            print("layout: \(t.layout ?? "-")\nfrom: \(t.from ?? "-")\nrecommendations: \(t.recommendationCount)")
            print("updated: \(ISO8601.format(t.updatedAt))\n--- html\n\(t.html)")
            if let text = t.text { print("--- text\n\(text)") }
        }
    }
}

struct TemplateDeleteCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "delete", abstract: "Delete a template nothing uses.")

    @OptionGroup var global: GlobalOptions
    @Argument(help: "The template's name.") var name: String

    func run() async throws {
        try await withCampaignRuntime(global) { runtime in
            try await TemplateService(stores: runtime.stores, clock: runtime.clock).delete(name)
            print("deleted template \(name)")
        }
    }
}

struct TemplatePreviewCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "preview", abstract: "Render a stored email for one profile.")

    @OptionGroup var global: GlobalOptions
    @Argument(help: "The template's name.") var name: String
    @Option(help: "The profile: its id, user:<userId>, email:<address> or anonymous:<id>.") var profile: String
    @Flag(help: "Print a JSON object with subject, preheader, text and html.") var json = false

    func run() async throws {
        guard let reference = ProfileReference(profile) else { throw ValidationError("--profile names a profile by id, user:…, email:… or anonymous:…") }
        try await withCampaignRuntime(global) { runtime in
            let campaignSettings = try runtime.campaignSettings(from: try runtime.previewSender())
            let email = try await CampaignService(stores: runtime.stores, clock: runtime.clock)
                .preview(template: name, profile: reference, settings: campaignSettings)
            let text = email.plainText
            if json {
                print(JSONWriter.string(.object(["subject": .string(email.subject), "preheader": .string(email.preheader),
                                                 "text": .string(text), "html": .string(email.html)])))
                return
            }
            print("Subject: \(email.subject)\nPreheader: \(email.preheader)\n--- text\n\(text)\n--- html\n\(email.html)")
        }
    }
}
