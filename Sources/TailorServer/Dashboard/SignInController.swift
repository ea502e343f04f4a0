import Hummingbird
import TailorCore
import TailorEngine
import TailorStore

/// `/app`: the sign-in page (which, on a fresh install, says how to create the first user), signing in and
/// out, and the dashboard's stylesheet and script.
///
/// Failed sign-ins count against the client's address in the server's ``AuthFailureGuard`` (with failed admin
/// API keys): past the limit the form answers 429 with a message, without checking the password.
struct SignInController: Sendable {
    let gate: DashboardGate
    let failures: AuthFailureGuard

    func addRoutes(to router: some RouterMethods<TailorRequestContext>) {
        router.get("/app") { request, _ in
            if let token = request.cookies[DashboardGate.sessionCookie]?.value, !token.isEmpty,
               try await gate.service.user(session: token) != nil {
                return DashboardPage.redirect(DashboardPage.home)
            }
            let notice = request.uri.queryParameters.get("notice").flatMap(SignInNotice.init(rawValue:))
            return try await signInPage(notice: notice, email: "", status: .ok)
        }
        router.post("/app/sign-in") { request, context in
            let form = try await DashboardForm.read(request, limit: 8 * 1024)
            guard let expected = request.cookies[DashboardGate.signInCookie]?.value, !expected.isEmpty,
                  let sent = form["csrf_token"], DashboardToken.equal(sent, expected) else {
                throw DashboardError.badCSRF
            }
            let email = form["email"] ?? ""
            let address = AuthFailureGuard.clientAddress(peer: context.remoteAddress, headers: request.headers)
            if case .limited(let seconds) = failures.check(address) {
                var response = try await signInPage(notice: .limited, email: email, status: .tooManyRequests)
                response.headers[.retryAfter] = String(seconds)
                return response
            }
            guard let signedIn = try await gate.service.signIn(email: email, password: form["password"] ?? "") else {
                failures.recordFailure(address)
                return try await signInPage(notice: .failed, email: email, status: .unauthorized)
            }
            var response = DashboardPage.redirect(DashboardPage.home)
            response.setCookie(gate.sessionCookie(signedIn.token, maxAge: Int(gate.service.options.sessionLifetime)))
            response.setCookie(gate.expired(DashboardGate.signInCookie))
            return response
        }
        router.post("/app/sign-out") { request, _ in
            // A live session is ended only by a form carrying its CSRF token; without a live session there is
            // nothing to end, and the browser is sent to sign in.
            if let token = request.cookies[DashboardGate.sessionCookie]?.value, !token.isEmpty,
               try await gate.service.user(session: token) != nil {
                let form = try await DashboardForm.read(request, limit: 8 * 1024)
                guard let sent = form["csrf_token"], DashboardToken.equal(sent, DashboardToken.csrf(for: token)) else {
                    throw DashboardError.badCSRF
                }
                try await gate.service.signOut(session: token)
            }
            var response = DashboardPage.redirect("/app?notice=" + SignInNotice.signedOut.rawValue)
            response.setCookie(gate.expired(DashboardGate.sessionCookie))
            return response
        }
        router.get("/app/assets/dashboard.css") { _, _ in DashboardAssets.response(DashboardAssets.css, type: "text/css; charset=utf-8") }
        router.get("/app/assets/builder.js") { _, _ in
            DashboardAssets.response(DashboardAssets.builderJS, type: "text/javascript; charset=utf-8")
        }
    }

    func signInPage(notice: SignInNotice?, email: String, status: HTTPResponse.Status) async throws -> Response {
        let token = DashboardToken.generate()
        let firstRun = try await gate.service.users().isEmpty
        var response = DashboardPage.response(SignInView.page(notice: notice, email: email, csrf: token, firstRun: firstRun), status: status)
        response.setCookie(gate.signInCookie(token))
        return response
    }
}
