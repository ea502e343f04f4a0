import HTTPTypes
import Hummingbird
import NIOCore
import TailorCore

/// How a dashboard request ends early: back to sign-in, refused, not found or malformed. Each answers for
/// itself with a small HTML page (or a redirect), never with JSON and never echoing what was sent.
struct DashboardError: HTTPResponseError, Sendable {
    enum Kind: Sendable, Equatable {
        /// No session, or an expired one: 303 to the sign-in page, saying why.
        case signIn(SignInNotice)
        /// Signed in, but the role may not do this, or the CSRF token is missing or wrong.
        case forbidden(String)
        case notFound(String)
        case badRequest(String)
    }

    var kind: Kind

    static func signIn(_ notice: SignInNotice) -> DashboardError { DashboardError(kind: .signIn(notice)) }
    static func forbidden(_ message: String) -> DashboardError { DashboardError(kind: .forbidden(message)) }
    static func notFound(_ message: String) -> DashboardError { DashboardError(kind: .notFound(message)) }
    static func badRequest(_ message: String) -> DashboardError { DashboardError(kind: .badRequest(message)) }

    /// A role that may not do an action: which role it is, and which one may.
    static func refused(_ role: DashboardRole, _ action: DashboardAction) -> DashboardError {
        .forbidden("Your role (\(role.rawValue)) may not do this. Ask an admin for the \(action.minimumRole.rawValue) role.")
    }

    static let badCSRF = DashboardError.forbidden(
        "The form was out of date or did not come from this dashboard. Go back, reload the page and try again.")

    var status: HTTPResponse.Status {
        switch kind {
        case .signIn: .seeOther
        case .forbidden: .forbidden
        case .notFound: .notFound
        case .badRequest: .badRequest
        }
    }

    func response(from request: Request, context: some RequestContext) throws -> Response {
        switch kind {
        case .signIn(let notice):
            var headers = DashboardPage.securityHeaders
            headers[.location] = "/app?notice=" + notice.rawValue
            return Response(status: .seeOther, headers: headers)
        case .forbidden(let message), .notFound(let message), .badRequest(let message):
            let title = status == .forbidden ? "Not allowed" : status == .notFound ? "Not found" : "Cannot do that"
            let body: HTML = """
                <h1>\(title)</h1>
                <p role="alert">\(message)</p>
                <p><a href="/app">Back to the dashboard</a></p>
                """
            return DashboardPage.response(DashboardPage.document(title: title, main: body), status: status)
        }
    }
}
