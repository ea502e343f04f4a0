import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import NIOCore
import TailorCore
import TailorEngine
import TailorServer
import TailorStore

/// bcrypt at its lowest cost, so tests sign in quickly.
let fastDashboard: DashboardService.Options = {
    var options = DashboardService.Options()
    options.passwordCost = 4
    return options
}()

let dashboardPassword = "correct horse battery"

func makeDashboardApp(stores: Stores, secureCookies: Bool = false) -> some ApplicationProtocol {
    var settings = ServerSettings(port: 0, keys: APIKeys(writeKeys: [writeKey], adminKeyHashes: [APIKeys.hash(adminKey)]))
    settings.dashboard = DashboardSettings(secureCookies: secureCookies, options: fastDashboard)
    return Application(router: buildRouter(settings: settings, stores: stores, ingest: IngestService(events: stores.events), clock: SystemClock()))
}

@discardableResult
func addDashboardUser(_ stores: Stores, _ email: String, _ role: DashboardRole) async throws -> DashboardUser {
    try await DashboardService(stores: stores, clock: SystemClock(), options: fastDashboard).createUser(email: email, role: role,
                                                                                                     password: dashboardPassword)
}

/// A browser's cookie jar over the test client: keeps what `Set-Cookie` sets and sends it back.
struct DashboardBrowser {
    let client: any TestClientProtocol
    var cookies: [String: String] = [:]
    /// The CSRF token of the last page that had a form.
    var csrf: String?

    init(_ client: any TestClientProtocol) { self.client = client }

    mutating func get(_ uri: String) async throws -> TestResponse {
        let response = try await client.execute(uri: uri, method: .get, headers: cookieHeaders, body: nil)
        absorb(response)
        return response
    }

    /// Posts a form; `csrf_token` is added from the last page unless the fields name one (or `withCSRF` is false).
    mutating func post(_ uri: String, _ fields: [(String, String)], withCSRF: Bool = true, accept: String? = nil) async throws -> TestResponse {
        var all = fields
        if withCSRF, !fields.contains(where: { $0.0 == "csrf_token" }), let csrf { all.append(("csrf_token", csrf)) }
        let body = all.map { formEncode($0.0) + "=" + formEncode($0.1) }.joined(separator: "&")
        var headers = cookieHeaders
        headers[.contentType] = "application/x-www-form-urlencoded"
        if let accept { headers[.accept] = accept }
        let response = try await client.execute(uri: uri, method: .post, headers: headers, body: ByteBuffer(string: body))
        absorb(response)
        return response
    }

    /// Signs in through the form.
    mutating func signIn(_ email: String, password: String = dashboardPassword) async throws -> TestResponse {
        _ = try await get("/app")
        return try await post("/app/sign-in", [("email", email), ("password", password)])
    }

    var cookieHeaders: HTTPFields {
        guard !cookies.isEmpty else { return [:] }
        return [.cookie: cookies.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: "; ")]
    }

    mutating func absorb(_ response: TestResponse) {
        for header in response.headers[values: .setCookie] {
            let first = header.split(separator: ";").first.map(String.init) ?? ""
            let parts = first.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false).map(String.init)
            guard parts.count == 2 else { continue }
            if header.contains("Max-Age=0") || parts[1].isEmpty { cookies[parts[0]] = nil } else { cookies[parts[0]] = parts[1] }
        }
        let text = String(buffer: response.body)
        if let range = text.range(of: #"name="csrf_token" value=""#) {
            csrf = String(text[range.upperBound...].prefix { $0 != "\"" })
        }
    }
}

/// `application/x-www-form-urlencoded` encoding of one name or value.
func formEncode(_ text: String) -> String {
    let allowed = CharacterSet(charactersIn: "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._*")
    return (text.addingPercentEncoding(withAllowedCharacters: allowed) ?? "").replacingOccurrences(of: "%20", with: "+")
}

func ingest(_ client: any TestClientProtocol, _ batch: String) async throws {
    let response = try await client.execute(uri: "/v1/batch", method: .post, headers: basic(writeKey), body: ByteBuffer(string: batch))
    precondition(response.status == .ok, "the batch was refused: \(String(buffer: response.body))")
}
