import ArgumentParser
import Foundation
import TailorCore
import TailorEngine
import TailorStore

/// `tailor privacy erase PERSON`: answers an erasure request and prints the receipt.
struct PrivacyEraseCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "erase",
        abstract: "Erase everything Tailor holds about a person; print the erasure receipt (JSON).",
        discussion: """
            The person's profile (and those merged into it), events, identities, memberships, computed traits, \
            messages, journey runs and consent entries go in one transaction; their address stays suppressed (as a \
            keyed hash) and later messages naming their ids are dropped. Erasing again prints the same receipt.
            """)

    @OptionGroup var global: GlobalOptions
    @Argument(help: "The person: a profile id (p_…), user:ID, email:ADDRESS or anonymous:ID.") var profile: String
    @Option(help: "Why (kept in the access log).") var purpose: String?

    func run() async throws {
        guard let reference = ProfileReference(profile) else {
            throw ValidationError("name the person by a profile id (p_…), user:ID, email:ADDRESS or anonymous:ID")
        }
        let why = try PrivacyCLI.purpose(purpose)
        try await withCampaignRuntime(global) { runtime in
            let service = PrivacyService(stores: runtime.stores, clock: runtime.clock)
            let receipt = try await service.erase(reference)
            try await service.recordAccess(to: receipt.profileId, AccessContext.cli("tailor privacy erase", purpose: why))
            print(JSONWriter.string(.object(receipt.json)))
        }
    }
}
