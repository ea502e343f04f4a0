import Hummingbird
import TailorCore
import TailorEngine
import TailorStore

/// The signed-in user of a request, with the session's CSRF token for the forms of the page.
struct DashboardSession: Sendable {
    var user: DashboardUser
    var token: String

    var csrfToken: String { DashboardToken.csrf(for: token) }
    /// The hidden field every form of a signed-in page carries.
    var csrfField: HTML { "<input type=\"hidden\" name=\"csrf_token\" value=\"\(csrfToken)\">" }

    func may(_ action: DashboardAction) -> Bool { user.role.allows(action) }
}

/// Finds the session of a request and enforces what it may do: the one gate of every dashboard route.
struct DashboardGate: Sendable {
    static let sessionCookie = "tailor_session"
    /// The sign-in form's CSRF cookie (double submit: the form's hidden field must equal it).
    static let signInCookie = "tailor_signin"

    let service: DashboardService
    let settings: DashboardSettings

    /// The session of a request whose role may do `action`.
    /// - Throws: ``DashboardError`` to the sign-in page without a live session, 403 when the role may not.
    func session(_ request: Request, may action: DashboardAction = .read) async throws -> DashboardSession {
        guard let token = request.cookies[Self.sessionCookie]?.value, !token.isEmpty else { throw DashboardError.signIn(.required) }
        guard let user = try await service.user(session: token) else { throw DashboardError.signIn(.expired) }
        let session = DashboardSession(user: user, token: token)
        guard session.may(action) else {
            throw DashboardError.refused(user.role, action)
        }
        return session
    }

    /// The session of a POST whose form carries the session's CSRF token, and whose role may do `action`.
    /// - Throws: ``DashboardError``: 403 for a missing or wrong token (checked before the role).
    func post(_ request: Request, may action: DashboardAction) async throws -> (DashboardSession, DashboardForm) {
        let session = try await session(request, may: .read)
        let form = try await DashboardForm.read(request)
        guard let sent = form["csrf_token"], DashboardToken.equal(sent, session.csrfToken) else { throw DashboardError.badCSRF }
        guard session.may(action) else {
            throw DashboardError.refused(session.user.role, action)
        }
        return (session, form)
    }

    func sessionCookie(_ token: String, maxAge: Int) -> Cookie {
        Cookie(name: Self.sessionCookie, value: token, maxAge: maxAge, path: "/app", secure: settings.secureCookies, httpOnly: true, sameSite: .lax)
    }

    func signInCookie(_ value: String) -> Cookie {
        Cookie(name: Self.signInCookie, value: value, maxAge: 3600, path: "/app", secure: settings.secureCookies, httpOnly: true, sameSite: .lax)
    }

    /// A cookie that removes its namesake.
    func expired(_ name: String) -> Cookie {
        Cookie(name: name, value: "", maxAge: 0, path: "/app", secure: settings.secureCookies, httpOnly: true, sameSite: .lax)
    }
}
