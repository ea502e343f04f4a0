import ArgumentParser
import Foundation
import TailorCore
import TailorEngine
import TailorStore

/// `tailor privacy rectify PERSON --set trait=value …`: corrects a person's traits.
struct PrivacyRectifyCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "rectify",
        abstract: "Correct a person's traits; print their profile as it is after.",
        discussion: """
            Each --set is recorded as one identify on their profile (so the history shows it and a rebuild gives \
            the same traits). A value is read as JSON when it is JSON (42, true, null clears the trait, "007"), \
            as text otherwise.
            """)

    @OptionGroup var global: GlobalOptions
    @Argument(help: "The person: a profile id (p_…), user:ID, email:ADDRESS or anonymous:ID.") var profile: String
    @Option(name: .customLong("set"), help: "A trait to set, as NAME=VALUE (repeatable).") var assignments: [String] = []
    @Option(help: "Why (kept in the access log).") var purpose: String?

    func run() async throws {
        guard let reference = ProfileReference(profile) else {
            throw ValidationError("name the person by a profile id (p_…), user:ID, email:ADDRESS or anonymous:ID")
        }
        guard !assignments.isEmpty else { throw ValidationError("--set: name at least one trait to set, as NAME=VALUE") }
        var traits: JSONObject = [:]
        for (i, text) in assignments.enumerated() {
            guard let (name, value) = PrivacyService.traitAssignment(text) else {
                throw ValidationError("--set #\(i + 1): write NAME=VALUE")
            }
            traits[name] = value
        }
        let why = try PrivacyCLI.purpose(purpose)
        try await withCampaignRuntime(global) { runtime in
            let details = try await PrivacyService(stores: runtime.stores, clock: runtime.clock)
                .rectify(reference, traits: traits, access: .cli("tailor privacy rectify", purpose: why))
            print(JSONWriter.string(.object(details.json)))
        }
    }
}

/// `tailor privacy access-log PERSON`: who read a person's data, when, through what and why.
struct PrivacyAccessLogCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "access-log", abstract: "Show who read a person's data: when, who, through what, and why.")

    @OptionGroup var global: GlobalOptions
    @Argument(help: "The person: a profile id (p_…), user:ID, email:ADDRESS or anonymous:ID (an erased one too).") var profile: String
    @Flag(help: "Print JSON instead of a table.") var json = false

    func run() async throws {
        guard let reference = ProfileReference(profile) else {
            throw ValidationError("name the person by a profile id (p_…), user:ID, email:ADDRESS or anonymous:ID")
        }
        try await withCampaignRuntime(global) { runtime in
            let (id, entries) = try await PrivacyService(stores: runtime.stores, clock: runtime.clock).accessLog(reference)
            if json {
                print(JSONWriter.string(.object(["profile_id": .string(id.rawValue), "entries": .array(entries.map { .object($0.json) })])))
                return
            }
            print("access log of \(id.rawValue): \(entries.count) \(entries.count == 1 ? "read" : "reads")")
            for e in entries {
                print([ISO8601.format(e.at), e.actor, e.action, e.purpose ?? "-"].joined(separator: "\t"))
            }
        }
    }
}

enum PrivacyCLI {
    /// A `--purpose` as the access log keeps it.
    static func purpose(_ text: String?) throws -> String? {
        do {
            return try PrivacyService.purpose(text)
        } catch let error as RequestError {
            throw ValidationError("--purpose: \(error.message)")
        }
    }
}
