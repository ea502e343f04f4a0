import Hummingbird
import HTTPTypes
import TailorEngine

extension Request {
    /// The header a reader states their purpose in, kept in the access log.
    static let purposeHeader = HTTPField.Name("X-Tailor-Purpose")!

    /// Who reads a person's data through the admin API: the key the request came with (`admin_key` or
    /// `key:<name>`), for `route` (the pattern, never the path, which may hold an address), with the purpose the
    /// request states.
    /// - Throws: 400 naming `X-Tailor-Purpose` for a purpose Tailor does not keep (too long, control characters).
    func adminAccess(_ route: String, by context: TailorRequestContext) throws -> AccessContext {
        do {
            let purpose = try PrivacyService.purpose(headers[Self.purposeHeader])
            return AccessContext(actor: (context.caller ?? .adminKey).actor, action: route, purpose: purpose)
        } catch let error as RequestError {
            throw APIError(.badRequest, code: "invalid_header", message: error.message, path: "X-Tailor-Purpose")
        }
    }
}
