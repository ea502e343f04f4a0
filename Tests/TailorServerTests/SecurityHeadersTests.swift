import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import NIOCore
import Testing
import TailorCore
import TailorEngine
import TailorMail
import TailorServer
import TailorStore
import TailorTesting

/// Every HTML page carries a Content-Security-Policy fitting what it loads, `nosniff`, a referrer policy and a
/// framing rule; HSTS only when Tailor is reached over HTTPS. The sign-in form is limited like the admin API.
@Suite("Security headers")
struct SecurityHeadersTests {
    static let t0 = Date(millisecondsSince1970: 1_780_000_000_000)
    static let csp = HTTPField.Name.contentSecurityPolicy
    static let frame = HTTPField.Name("X-Frame-Options")!
    static let referrer = HTTPField.Name("Referrer-Policy")!
    static let hsts = HTTPField.Name("Strict-Transport-Security")!

    func app(_ test: TestDatabase, links: TrackingLinks, https: Bool) throws -> some ApplicationProtocol {
        var settings = ServerSettings(port: 0, keys: APIKeys(writeKeys: [writeKey], adminKeyHashes: [APIKeys.hash(adminKey)]))
        settings.campaigns = CampaignSettings(composer: EmailComposer(from: try MailAddress(parsing: "Shop <news@shop.test>"), links: links))
        settings.mailTracking = MailEngagement(store: test.stores.mail, links: links)
        settings.dashboard = DashboardSettings(options: fastDashboard)
        settings.strictTransportSecurity = https
        return Application(router: buildRouter(settings: settings, stores: test.stores, ingest: IngestService(events: test.database),
                                               clock: ManualClock(Self.t0)))
    }

    @Test(arguments: [false, true])
    func everyHTMLPageHasThem(https: Bool) async throws {
        try await TestDatabase.with(.sqlite) { test in
            _ = try await test.database.ingest([.identify(userId: "u1", traits: ["email": "ana@example.test", "vip": true], at: Self.t0, messageId: "i1")],
                                               planner: IngestPlanner())
            _ = try await SegmentService(stores: test.stores, clock: ManualClock(Self.t0)).define(name: "VIPs", condition: try Condition(text: "traits.vip = true"))
            let profile = try #require(try await test.database.profile(ProfileReference("user:u1")!)).id
            try await addDashboardUser(test.stores, "mia@shop.test", .admin)
            let links = TrackingLinks(baseURL: "https://mail.shop.test", signer: LinkSigner(masterKey: FieldCipher.generateMasterKey()))
            try await app(test, links: links, https: https).test(.router) { client in
                var headers = bearer
                headers[.contentType] = "application/json"
                let template = #"{"name": "news", "subject": "Hi", "html": "<p style=\"color:red\">Hi <img src=\"https://cdn.shop.test/a.png\"></p>"}"#
                #expect(try await client.execute(uri: "/v1/templates", method: .post, headers: headers, body: ByteBuffer(string: template)).status == .created)
                let campaign = #"{"name": "Spring", "template": "news", "segments": ["VIPs"]}"#
                let created = try await client.execute(uri: "/v1/campaigns", method: .post, headers: headers, body: ByteBuffer(string: campaign))
                let campaignID = try #require(try json(created)[path: "id"]?.stringValue)
                let key = "\(campaignID):\(profile.rawValue)"
                let token = TrackingToken(profileID: profile, campaign: campaignID, messageKey: key)
                _ = try await test.stores.mail.enqueue([OutboxMessage(idempotencyKey: key, profileID: profile, campaign: campaignID, sender: "news@shop.test",
                                                                      recipient: "ana@example.test", data: Array("Subject: x\r\n\r\ny\r\n".utf8))], at: Self.t0)
                let path = { (url: String) in String(url.dropFirst("https://mail.shop.test".count)) }

                var browser = DashboardBrowser(client)
                let signIn = try await browser.get("/app")
                let badCSRF = try await browser.post("/app/sign-in", [("email", "a@shop.test"), ("password", "x"), ("csrf_token", "forged")])
                let preference = try await client.execute(uri: path(links.unsubscribeURL(token)), method: .get)
                let web = try await client.execute(uri: path(links.viewURL(token)), method: .get)
                _ = try await browser.signIn("mia@shop.test")
                let profiles = try await browser.get("/app/profiles")
                #expect(profiles.status == .ok)
                let pages = [("sign-in", signIn), ("refused form", badCSRF), ("profiles", profiles), ("preference page", preference),
                             ("web version", web)]
                for (name, page) in pages {
                    #expect(page.headers[.contentType]?.hasPrefix("text/html") == true, "\(name)")
                    #expect(page.headers[.xContentTypeOptions] == "nosniff", "\(name)")
                    #expect(page.headers[Self.csp]?.contains("base-uri 'none'") == true, "\(name)")
                    #expect(page.headers[Self.csp]?.contains("script-src 'self'") == ["sign-in", "refused form", "profiles"].contains(name), "\(name)")
                    #expect(page.headers[Self.referrer] != nil, "\(name)")
                    #expect(page.headers[Self.frame] != nil, "\(name)")
                    #expect((page.headers[Self.hsts] == "max-age=31536000") == https, "\(name)")
                }
                #expect(signIn.status == .ok && signIn.headers[Self.csp]?.contains("frame-ancestors 'none'") == true && signIn.headers[Self.frame] == "DENY")

                // The preference page's one inline style is allowed by its hash, nothing else is.
                #expect(preference.status == .ok)
                let html = String(buffer: preference.body)
                let style = try #require(html.range(of: "<style>").flatMap { start in html.range(of: "</style>").map { html[start.upperBound..<$0.lowerBound] } })
                let expected = "sha256-" + Data(SHA256Digest.of(String(style))).base64EncodedString()
                #expect(preference.headers[Self.csp]?.contains("style-src '\(expected)'") == true)
                #expect(preference.headers[Self.csp]?.contains("default-src 'none'") == true && preference.headers[Self.referrer] == "no-referrer")

                // The web version is the email as written: inline styles and outside images, no script; only Tailor frames it.
                #expect(web.status == .ok && String(buffer: web.body).contains("cdn.shop.test"))
                let webCSP = try #require(web.headers[Self.csp])
                #expect(webCSP.contains("style-src 'unsafe-inline'") && webCSP.contains("img-src https:") && webCSP.contains("default-src 'none'"))
                #expect(webCSP.contains("frame-ancestors 'self'") && web.headers[Self.frame] == "SAMEORIGIN" && web.headers[Self.referrer] == "no-referrer")

                // JSON answers are not pages: nosniff only.
                let api = try await client.execute(uri: "/v1/segments", method: .get, headers: bearer)
                #expect(api.headers[.xContentTypeOptions] == "nosniff" && api.headers[Self.csp] == nil && api.headers[Self.hsts] == nil)
            }
        }
    }

    @Test func failedSignInsAreLimitedPerAddress() async throws {
        try await TestDatabase.with(.sqlite) { test in
            try await addDashboardUser(test.stores, "mia@shop.test", .admin)
            try await makeDashboardApp(stores: test.stores).test(.router) { client in
                var browser = DashboardBrowser(client)
                _ = try await browser.get("/app")
                for _ in 0..<20 {
                    #expect(try await browser.post("/app/sign-in", [("email", "mia@shop.test"), ("password", "wrong password")]).status == .unauthorized)
                }
                let limited = try await browser.post("/app/sign-in", [("email", "mia@shop.test"), ("password", dashboardPassword)])
                #expect(limited.status == .tooManyRequests && Int(limited.headers[.retryAfter] ?? "") ?? 0 > 0)
                #expect(String(buffer: limited.body).contains("Too many failed sign-ins"), "the page says why")
                #expect(browser.cookies["tailor_session"] == nil, "the right password is not checked while limited")
                // The admin API shares the count: the same address is refused there too.
                #expect(try await client.execute(uri: "/v1/segments", method: .get, headers: bearer).status == .tooManyRequests)
            }
        }
    }
}

/// SHA-256 for the test's own check of the CSP hash, from the hex digest keys are stored as.
enum SHA256Digest {
    static func of(_ text: String) -> [UInt8] {
        let hex = Array(APIKeySecret.hash(text).utf8)
        return stride(from: 0, to: hex.count, by: 2).map { UInt8(String(decoding: hex[$0..<$0 + 2], as: UTF8.self), radix: 16)! }
    }
}
