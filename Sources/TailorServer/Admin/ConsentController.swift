import Foundation
import Hummingbird
import TailorCore
import TailorEngine
import TailorStore

/// The admin API of the consent ledger (docs/PRIVACY.md): `POST /v1/consent` appends decisions and
/// `GET /v1/profiles/{id}/consent` shows a person's current decisions and history, and what the `email_marketing`
/// policy makes of them (`email_marketing`: the policy the person falls under, whether marketing may be sent, and
/// whether a grant awaits its double opt-in confirmation).
struct ConsentController: Sendable {
    let service: ConsentService
    /// Records each read of a person's consent history (it holds their evidence) in the access log.
    let privacy: PrivacyService
    var emailPolicy = EmailConsentPolicy()

    static let maximumBody = 256 * 1024

    func addRoutes(to router: some RouterMethods<TailorRequestContext>) {
        // `{"profile": "user:u1", "purpose", "status", "at"?, "source"?, "lawful_basis"?, "expires_at"?, "proof"?}`, or
        // `{"profile": …, "entries": [ {…}, … ]}` for several purposes at once.
        router.post("/v1/consent") { request, _ in
            let body = try await request.jsonObject(upTo: Self.maximumBody)
            guard let text = body["profile"]?.stringValue, let reference = ProfileReference(text) else {
                throw APIError(.badRequest, code: "invalid_consent", message: "profile names a profile by id, user:…, email:… or anonymous:…",
                               path: "profile")
            }
            let (profile, _, _) = try await service.ledger(of: reference)
            let now = service.clock.now()
            var entries: [ConsentEntry] = []
            if case .array(let items)? = body["entries"] {
                for (i, item) in items.enumerated() {
                    guard case .object(let o) = item else {
                        throw APIError(.badRequest, code: "invalid_consent", message: "an entry is an object", path: "entries[\(i)]")
                    }
                    entries.append(try Self.entry(o, profile: profile, path: "entries[\(i)]", now: now))
                }
            } else {
                entries.append(try Self.entry(body, profile: profile, path: "", now: now))
            }
            guard !entries.isEmpty else { throw APIError(.badRequest, code: "invalid_consent", message: "no entries", path: "entries") }
            try await service.record(entries)
            let ledger = try await service.ledger(of: .id(profile))
            return JSONResponse.make(.object(try await self.json(ledger)), status: .created)
        }
        router.get("/v1/profiles/:id/consent") { request, context in
            let access = try request.adminAccess("GET /v1/profiles/{id}/consent", by: context)
            let ledger = try await service.ledger(of: try ProfilesController.reference(context))
            try await privacy.recordAccess(to: ledger.profile, access)
            return JSONResponse.make(.object(try await self.json(ledger)))
        }
    }

    /// An entry, with a 400 that names the field when it is malformed.
    static func entry(_ o: JSONObject, profile: ProfileID, path: String, now: Date) throws -> ConsentEntry {
        do {
            return try ConsentEntry(json: o, profile: profile, path: path, defaultSource: .api, now: now)
        } catch let e as RequestError {
            throw APIError(.badRequest, code: "invalid_consent", message: e.message, path: e.field)
        }
    }

    func json(_ ledger: (profile: ProfileID, history: [ConsentEntry], current: [ConsentPurpose: ConsentEntry])) async throws -> JSONObject {
        var current: JSONObject = [:]
        for (purpose, entry) in ledger.current { current[purpose.rawValue] = .object(entry.json) }
        var policy = emailPolicy.standard
        if emailPolicy.dependsOnCountry, let profile = try await service.profiles.aggregate(ledger.profile) {
            policy = emailPolicy.policy(traits: profile.traits.values)
        }
        let now = service.clock.now()
        let latest = ledger.current[.emailMarketing]
        let marketing: JSONObject = ["policy": .string(policy.rawValue), "allowed": .bool(policy.allows(latest, at: now)),
                                     "pending_confirmation": .bool(policy.awaitsConfirmation(latest, at: now))]
        return ["profile_id": .string(ledger.profile.rawValue), "current": .object(current), "history": .array(ledger.history.map { .object($0.json) }),
                "email_marketing": .object(marketing)]
    }
}
