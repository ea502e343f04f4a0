import Crypto
import Foundation
import HTTPTypes
public import Hummingbird

/// The headers HTML pages are sent with (docs/SECURITY.md), and the middleware that makes sure every one has
/// them: a page that sets its own `Content-Security-Policy` keeps it, any other HTML response gets the strictest.
public struct SecurityHeadersMiddleware<Context: RequestContext>: RouterMiddleware {
    /// `Strict-Transport-Security` is sent only when Tailor is reached over HTTPS (`TAILOR_PUBLIC_URL`):
    /// over plain HTTP a browser ignores it, and behind a proxy only the configuration knows.
    let strictTransportSecurity: Bool

    public init(strictTransportSecurity: Bool) {
        self.strictTransportSecurity = strictTransportSecurity
    }

    public func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        var response: Response
        do {
            response = try await next(request, context)
        } catch let error as any HTTPResponseError {
            response = try error.response(from: request, context: context)
        }
        // Every answer: its declared type is the one to use.
        if response.headers[.xContentTypeOptions] == nil { response.headers[.xContentTypeOptions] = "nosniff" }
        guard response.headers[.contentType]?.lowercased().hasPrefix("text/html") == true else { return response }
        if response.headers[.contentSecurityPolicy] == nil {
            response.headers[.contentSecurityPolicy] = SecurityHeaders.strictest
            response.headers[SecurityHeaders.frameOptions] = "DENY"
        }
        if response.headers[SecurityHeaders.referrerPolicy] == nil { response.headers[SecurityHeaders.referrerPolicy] = "same-origin" }
        if response.headers[SecurityHeaders.frameOptions] == nil { response.headers[SecurityHeaders.frameOptions] = "DENY" }
        if strictTransportSecurity { response.headers[SecurityHeaders.strictTransport] = "max-age=31536000" }
        return response
    }
}

/// The policies of Tailor's HTML pages.
enum SecurityHeaders {
    static let referrerPolicy = HTTPField.Name("Referrer-Policy")!
    static let frameOptions = HTTPField.Name("X-Frame-Options")!
    static let strictTransport = HTTPField.Name("Strict-Transport-Security")!

    /// A page that loads nothing at all.
    static let strictest = "default-src 'none'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'"

    /// The preference page: its one inline stylesheet, allowed by its hash; its form posts to itself; never framed.
    static func preferencePage(style: String) -> HTTPFields {
        [
            .contentSecurityPolicy: "default-src 'none'; style-src '\(hash(style))'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'",
            frameOptions: "DENY",
            referrerPolicy: "no-referrer",
        ]
    }

    /// An email's web version is the email as written: its inline styles, images and fonts from anywhere on the
    /// web (the open pixel included), but no script, no form and no `<base>`. Tailor's own pages may frame it (a
    /// preview), no other site may. No referrer: its URL holds the recipient's signed token.
    static let emailWebVersion: HTTPFields = [
        .contentSecurityPolicy: "default-src 'none'; img-src https: http: data:; style-src 'unsafe-inline' https:; font-src https: data:; "
            + "form-action 'none'; frame-ancestors 'self'; base-uri 'none'",
        frameOptions: "SAMEORIGIN",
        referrerPolicy: "no-referrer",
    ]

    /// A CSP source for an inline block's exact text.
    static func hash(_ text: String) -> String {
        "sha256-" + Data(SHA256.hash(data: Data(text.utf8))).base64EncodedString()
    }
}
