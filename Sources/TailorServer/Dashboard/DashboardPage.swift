import HTTPTypes
import Hummingbird
import NIOCore
import TailorCore

/// The frame every dashboard page shares: the document, the skip link, the navigation, the signed-in user
/// with the sign-out form, and the headers every page is sent with.
enum DashboardPage {
    enum Section: String, CaseIterable, Sendable {
        case overview, profiles, segments, campaigns, journeys, users

        var title: String { rawValue.prefix(1).uppercased() + rawValue.dropFirst() }
        var path: String { "/app/" + rawValue }
        /// What a role must be allowed to see the section in the navigation.
        var action: DashboardAction { self == .users ? .manageUsers : .read }
    }

    /// Where signing in leads.
    static let home = "/app/overview"

    /// No inline script or style, nothing from another origin, never framed, never cached, no referrer
    /// leaking a search (the query may be an email address) to other sites.
    static var securityHeaders: HTTPFields {
        [
            .contentSecurityPolicy: "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; form-action 'self'; "
                + "frame-ancestors 'none'; base-uri 'none'",
            .xContentTypeOptions: "nosniff",
            HTTPField.Name("Referrer-Policy")!: "same-origin",
            HTTPField.Name("X-Frame-Options")!: "DENY",
            .cacheControl: "no-store",
        ]
    }

    /// A whole page. `session` is nil on the sign-in page and on errors before sign-in.
    static func document(title: String, session: DashboardSession? = nil, active: Section? = nil, main: HTML, scripts: [String] = []) -> HTML {
        let nav: HTML
        if let session {
            let links = Section.allCases.filter { session.may($0.action) }.map { section -> HTML in
                let current: HTML = section == active ? #" aria-current="page""# : ""
                return "<li><a href=\"\(section.path)\"\(current)>\(section.title)</a></li>"
            }
            nav = """
                <header class="top">
                  <a class="brand" href="/app">Tailor</a>
                  <nav aria-label="Main"><ul>\(links)</ul></nav>
                  <div class="who">
                    <span>\(session.user.email) <span class="role">\(session.user.role.rawValue)</span></span>
                    <form method="post" action="/app/sign-out">\(session.csrfField)<button type="submit" class="link">Sign out</button></form>
                  </div>
                </header>
                """
        } else {
            nav = #"<header class="top"><span class="brand">Tailor</span></header>"#
        }
        let scriptTags = scripts.map { src -> HTML in "<script src=\"\(src)\" defer></script>" }
        return """
            <!doctype html>
            <html lang="en">
            <head>
            <meta charset="utf-8">
            <meta name="viewport" content="width=device-width, initial-scale=1">
            <title>\(title) · Tailor</title>
            <link rel="icon" href="data:,">
            <link rel="stylesheet" href="/app/assets/dashboard.css">
            \(scriptTags)
            </head>
            <body>
            <a class="skip" href="#main">Skip to content</a>
            \(nav)
            <main id="main" tabindex="-1">
            \(main)
            </main>
            </body>
            </html>
            """
    }

    static func response(_ html: HTML, status: HTTPResponse.Status = .ok) -> Response {
        var headers = securityHeaders
        headers[.contentType] = "text/html; charset=utf-8"
        return Response(status: status, headers: headers, body: ResponseBody(byteBuffer: ByteBuffer(string: html.description)))
    }

    /// 303 See Other to `location` (after a form, so reloading does not post again).
    static func redirect(_ location: String) -> Response {
        var headers = securityHeaders
        headers[.location] = location
        return Response(status: .seeOther, headers: headers)
    }
}
