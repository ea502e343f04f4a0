import Foundation
import Hummingbird
import TailorCore
import TailorEngine
import TailorStore

/// The admin API for a person's rights (docs/PRIVACY.md): `GET /v1/privacy/export/{id}`, everything Tailor
/// holds about them as one JSON document.
struct PrivacyController: Sendable {
    let service: PrivacyService

    func addRoutes(to router: some RouterMethods<BasicRequestContext>) {
        router.get("/v1/privacy/export/:id") { _, context in
            JSONResponse.make(.object(try await service.export(try ProfilesController.reference(context))))
        }
    }
}
