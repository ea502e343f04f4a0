public import Foundation
public import TailorCore
public import TailorStore

// MARK: - Rectification

extension PrivacyService {
    /// Corrects a person's traits (docs/PRIVACY.md, "Rectification"). The change is recorded as an `identify`
    /// appended to their profile (no identity resolution: it cannot merge anyone), so it is in their history
    /// and export, their traits follow exactly as for any identify, and a rebuild from the event log gives the
    /// same profile.
    /// - Parameters:
    ///   - traits: the traits to set; a `null` value clears one.
    /// - Returns: the profile as it is after the change.
    /// - Throws: ``RequestError`` `.notFound` for an unknown profile, `.invalid` naming the trait for a change
    ///   that is not a correction (`consent`: record decisions through the consent ledger) or an empty name.
    public func rectify(_ reference: ProfileReference, traits: JSONObject, access: AccessContext? = nil) async throws -> ProfileDetails {
        guard !traits.isEmpty else { throw RequestError(.invalid, "name at least one trait to set", field: "traits") }
        for name in traits.keys.sorted() {
            guard !name.trimmingCharacters(in: .whitespaces).isEmpty, !name.utf8.contains(0) else {
                throw RequestError(.invalid, "a trait name must not be empty or hold NUL", field: "traits")
            }
            if name == "consent" {
                throw RequestError(.invalid, "consent decisions are recorded in the consent ledger (POST /v1/consent), not rectified",
                                   field: "traits.consent")
            }
        }
        let profiles = ProfileService(stores: stores)
        guard let view = try await stores.profiles.profile(reference) else { throw RequestError(.notFound, "no such profile", field: "profile") }
        var message = Message.identify(traits: traits, at: clock.now(), messageId: "rectify:" + UUID().uuidString.lowercased())
        message.context = ["library": ["name": "tailor-rectify"]]
        _ = try await stores.mail.appendEvents([(view.id, message)])
        if let access { try await recordAccess(to: view.id, access) }
        guard let details = try await profiles.details(.id(view.id)) else { throw RequestError(.notFound, "no such profile", field: "profile") }
        return details
    }

    /// A trait assignment as written on the command line, `name=value`: the value is read as JSON when it is
    /// JSON (`42`, `true`, `null`, `"007"`), as text otherwise.
    public static func traitAssignment(_ text: String) -> (name: String, value: JSONValue)? {
        guard let eq = text.firstIndex(of: "="), eq != text.startIndex else { return nil }
        let name = String(text[..<eq])
        let raw = String(text[text.index(after: eq)...])
        let value = (try? JSONParser.parse(raw)) ?? .string(raw)
        return (name, value)
    }
}
