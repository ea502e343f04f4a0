import Foundation
import Hummingbird
import TailorCore
import TailorEngine
import TailorStore

/// The admin API for a person's rights (docs/PRIVACY.md): `GET /v1/privacy/export/{id}` (everything Tailor
/// holds about them), `POST /v1/privacy/erase/{id}` (erasure, answering the receipt), `PATCH
/// /v1/profiles/{id}/traits` (rectification) and `GET /v1/privacy/access-log/{id}` (who read their data).
struct PrivacyController: Sendable {
    let service: PrivacyService

    static let maximumBody = 64 * 1024

    func addRoutes(to router: some RouterMethods<TailorRequestContext>) {
        router.get("/v1/privacy/export/:id") { request, context in
            let access = try request.adminAccess("GET /v1/privacy/export/{id}", by: context)
            return JSONResponse.make(.object(try await service.export(try ProfilesController.reference(context), access: access)))
        }
        router.post("/v1/privacy/erase/:id") { request, context in
            let access = try request.adminAccess("POST /v1/privacy/erase/{id}", by: context)
            let receipt = try await service.erase(try ProfilesController.reference(context))
            try await service.recordAccess(to: receipt.profileId, access)
            return JSONResponse.make(.object(receipt.json))
        }
        // Reading the log reads no personal data: it is not logged itself.
        router.get("/v1/privacy/access-log/:id") { _, context in
            let (id, entries) = try await service.accessLog(try ProfilesController.reference(context))
            return JSONResponse.make(["profile_id": .string(id.rawValue), "entries": .array(entries.map { .object($0.json) })])
        }
        router.patch("/v1/profiles/:id/traits") { request, context in
            let access = try request.adminAccess("PATCH /v1/profiles/{id}/traits", by: context)
            let reference = try ProfilesController.reference(context)
            let body = try await request.jsonObject(upTo: Self.maximumBody)
            guard case .object(let traits)? = body["traits"] else {
                throw APIError(.badRequest, code: "invalid_field", message: "traits must be an object of the traits to set", path: "traits")
            }
            let details = try await service.rectify(reference, traits: traits, access: access)
            return JSONResponse.make(.object(details.json))
        }
    }
}
