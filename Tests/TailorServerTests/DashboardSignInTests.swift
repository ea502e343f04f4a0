import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Testing
import TailorCore
import TailorEngine
import TailorServer
import TailorStore
import TailorTesting

@Suite("Dashboard: sign-in, sessions, CSRF, roles")
struct DashboardSignInTests {
    @Test(arguments: TestBackend.available)
    func aFreshInstallSaysHowToCreateTheFirstUserThenSignInFailsAndSucceeds(_ backend: TestBackend) async throws {
        try await TestDatabase.with(backend) { test in
            try await makeDashboardApp(stores: test.stores).test(.router) { client in
                var browser = DashboardBrowser(client)
                let fresh = try await browser.get("/app")
                #expect(fresh.status == .ok)
                #expect(String(buffer: fresh.body).contains("tailor users create you@example.com --role admin"))
                #expect(fresh.headers[.contentSecurityPolicy]?.contains("frame-ancestors 'none'") == true)

                try await addDashboardUser(test.stores, "Ana@Shop.test", .admin)
                #expect(!String(buffer: try await browser.get("/app").body).contains("tailor users create"))

                let wrong = try await browser.signIn("ana@shop.test", password: "not the password")
                #expect(wrong.status == .unauthorized)
                #expect(String(buffer: wrong.body).contains("The email or the password is wrong."))
                #expect(String(buffer: wrong.body).contains(#"value="ana@shop.test""#), "the typed email is kept")
                #expect(browser.cookies[DashboardSessionCookie.name] == nil)
                #expect(try await browser.signIn("nobody@shop.test").status == .unauthorized)

                let signedIn = try await browser.signIn(" ANA@shop.test ")
                #expect(signedIn.status == .seeOther)
                #expect(signedIn.headers[.location] == "/app/overview")
                let cookie = try #require(signedIn.headers[values: .setCookie].first { $0.hasPrefix(DashboardSessionCookie.name + "=") })
                #expect(cookie.contains("HttpOnly") && cookie.contains("SameSite=Lax") && cookie.contains("Path=/app"))
                #expect(!cookie.contains("Secure"))
                let token = try #require(browser.cookies[DashboardSessionCookie.name])

                // Only the token's hash is stored: the token itself opens no session in the database.
                #expect(try await test.stores.dashboard.dashboardSession(tokenHash: token, at: Date()) == nil)
                #expect(try await test.stores.dashboard.dashboardSession(tokenHash: DashboardToken.hash(token), at: Date())?.email == "ana@shop.test")
                // Expired at its end.
                #expect(try await test.stores.dashboard.dashboardSession(tokenHash: DashboardToken.hash(token), at: Date().addingTimeInterval(13 * 3600)) == nil)

                let page = try await browser.get("/app/profiles")
                #expect(page.status == .ok)
                #expect(String(buffer: page.body).contains("ana@shop.test"))
                #expect(try await browser.get("/app").headers[.location] == "/app/overview")

                // Signing out ends the session in the database, not only in the browser.
                let out = try await browser.post("/app/sign-out", [])
                #expect(out.status == .seeOther)
                #expect(out.headers[.location] == "/app?notice=signed-out")
                #expect(browser.cookies[DashboardSessionCookie.name] == nil)
                #expect(try await test.stores.dashboard.dashboardSession(tokenHash: DashboardToken.hash(token), at: Date()) == nil)
                browser.cookies[DashboardSessionCookie.name] = token
                let replayed = try await browser.get("/app/profiles")
                #expect(replayed.status == .seeOther)
                #expect(replayed.headers[.location] == "/app?notice=expired")
            }
        }
    }

    @Test func cookiesAreSecureWhenConfigured() async throws {
        try await TestDatabase.with(.sqlite) { test in
            try await addDashboardUser(test.stores, "ana@shop.test", .viewer)
            try await makeDashboardApp(stores: test.stores, secureCookies: true).test(.router) { client in
                var browser = DashboardBrowser(client)
                let response = try await browser.signIn("ana@shop.test")
                #expect(response.headers[values: .setCookie].allSatisfy { $0.contains("Secure") })
            }
        }
    }

    @Test func everyPageSendsTheSignedOutToSignIn() async throws {
        try await TestDatabase.with(.sqlite) { test in
            try await makeDashboardApp(stores: test.stores).test(.router) { client in
                for uri in ["/app/profiles", "/app/profiles/p_x", "/app/segments", "/app/segments/new", "/app/segments/x"] {
                    let response = try await client.execute(uri: uri, method: .get, headers: [:], body: nil)
                    #expect(response.status == .seeOther, "\(uri)")
                    #expect(response.headers[.location] == "/app?notice=required", "\(uri)")
                }
                let bogus = try await client.execute(uri: "/app/segments", method: .get, headers: [.cookie: "tailor_session=forged"], body: nil)
                #expect(bogus.headers[.location] == "/app?notice=expired")
            }
        }
    }

    @Test func aMissingOrForgedCSRFTokenIsRefused() async throws {
        try await TestDatabase.with(.sqlite) { test in
            try await addDashboardUser(test.stores, "mia@shop.test", .marketer)
            try await makeDashboardApp(stores: test.stores).test(.router) { client in
                var browser = DashboardBrowser(client)
                // Signing in needs the form's token too (login CSRF).
                _ = try await browser.get("/app")
                #expect(try await browser.post("/app/sign-in", [("email", "mia@shop.test"), ("password", dashboardPassword)], withCSRF: false).status == .forbidden)
                #expect(try await browser.post("/app/sign-in", [("email", "mia@shop.test"), ("password", dashboardPassword), ("csrf_token", "forged")]).status == .forbidden)
                #expect(try await browser.signIn("mia@shop.test").status == .seeOther)

                let segment = [("name", "New York"), ("condition", #"traits.city = "New York""#), ("intent", "save")]
                _ = try await browser.get("/app/segments/new")
                let missing = try await browser.post("/app/segments", segment, withCSRF: false)
                #expect(missing.status == .forbidden)
                #expect(String(buffer: missing.body).contains("did not come from this dashboard"))
                #expect(try await browser.post("/app/segments", segment + [("csrf_token", "x" + (browser.csrf ?? ""))]).status == .forbidden)
                #expect(try await browser.post("/app/segments/check", [("condition", "traits.a = 1")], withCSRF: false).status == .forbidden)
                #expect(try await browser.post("/app/sign-out", [], withCSRF: false).status == .forbidden)
                #expect(try await test.stores.segments.segments().isEmpty)
                // The right token passes.
                #expect(try await browser.post("/app/segments", segment).status == .seeOther)
            }
        }
    }

    @Test(arguments: TestBackend.available)
    func rolesAreEnforcedOnPagesAndActions(_ backend: TestBackend) async throws {
        try await TestDatabase.with(backend) { test in
            try await addDashboardUser(test.stores, "vic@shop.test", .viewer)
            try await addDashboardUser(test.stores, "mia@shop.test", .marketer)
            try await makeDashboardApp(stores: test.stores).test(.router) { client in
                var viewer = DashboardBrowser(client)
                #expect(try await viewer.signIn("vic@shop.test").status == .seeOther)
                let list = try await viewer.get("/app/segments")
                #expect(list.status == .ok)
                #expect(!String(buffer: list.body).contains("/app/segments/new"), "a viewer is not offered the builder")
                #expect(try await viewer.get("/app/segments/new").status == .forbidden)
                // A viewer holding a valid token still may not save or check.
                let refused = try await viewer.post("/app/segments", [("name", "All"), ("condition", "traits.a = 1"), ("intent", "save")])
                #expect(refused.status == .forbidden)
                #expect(String(buffer: refused.body).contains("viewer"))
                #expect(try await viewer.post("/app/segments/check", [("condition", "traits.a = 1")]).status == .forbidden)
                #expect(try await test.stores.segments.segments().isEmpty)

                var marketer = DashboardBrowser(client)
                #expect(try await marketer.signIn("mia@shop.test").status == .seeOther)
                #expect(try await marketer.get("/app/segments/new").status == .ok)
                #expect(try await marketer.post("/app/segments", [("name", "All"), ("condition", "traits.a = 1"), ("intent", "save")]).status == .seeOther)
                #expect(try await test.stores.segments.segments().map(\.id) == ["all"])
            }
        }
    }
}

/// The session cookie's name, as the browser sees it.
enum DashboardSessionCookie {
    static let name = "tailor_session"
}

@Suite("Dashboard: users page")
struct DashboardUsersPageTests {
    @Test(arguments: TestBackend.available)
    func adminsAddAndRemoveUsersOthersMayNot(_ backend: TestBackend) async throws {
        try await TestDatabase.with(backend) { test in
            try await addDashboardUser(test.stores, "ada@shop.test", .admin)
            try await addDashboardUser(test.stores, "mia@shop.test", .marketer)
            try await makeDashboardApp(stores: test.stores).test(.router) { client in
                var marketer = DashboardBrowser(client)
                #expect(try await marketer.signIn("mia@shop.test").status == .seeOther)
                #expect(!String(buffer: try await marketer.get("/app/profiles").body).contains(#"href="/app/users""#))
                #expect(try await marketer.get("/app/users").status == .forbidden)
                #expect(try await marketer.post("/app/users", [("email", "eve@shop.test"), ("role", "admin"), ("password", dashboardPassword)])
                    .status == .forbidden)
                #expect(try await marketer.post("/app/users/delete", [("email", "ada@shop.test")]).status == .forbidden)

                var admin = DashboardBrowser(client)
                #expect(try await admin.signIn("ada@shop.test").status == .seeOther)
                let page = String(buffer: try await admin.get("/app/users").body)
                #expect(page.contains(#"href="/app/users""#) && page.contains("mia@shop.test"))

                let short = try await admin.post("/app/users", [("email", "Vic@Shop.test"), ("role", "viewer"), ("password", "short")])
                #expect(short.status == .unprocessableContent)
                let shortBody = String(buffer: short.body)
                #expect(shortBody.contains("A password has 10 to 72 bytes.") && shortBody.contains(#"value="Vic@Shop.test""#))
                #expect(!shortBody.contains("short\""), "the password is never sent back")
                let added = try await admin.post("/app/users", [("email", "Vic@Shop.test"), ("role", "viewer"), ("password", dashboardPassword)])
                #expect(added.headers[.location] == "/app/users?done=added")
                #expect(try await test.stores.dashboard.dashboardUsers().map(\.email) == ["ada@shop.test", "mia@shop.test", "vic@shop.test"])
                #expect(try await admin.post("/app/users", [("email", "vic@shop.test"), ("role", "admin"), ("password", dashboardPassword)])
                    .status == .conflict)

                // Removing a user ends their sessions at once; an admin cannot remove themselves here.
                _ = try await admin.get("/app/users")
                #expect(try await admin.post("/app/users/delete", [("email", "mia@shop.test")]).headers[.location] == "/app/users?done=removed")
                #expect(try await marketer.get("/app/profiles").headers[.location] == "/app?notice=expired")
                #expect(try await admin.post("/app/users/delete", [("email", "ada@shop.test")]).status == .forbidden)
                #expect(try await admin.post("/app/users/delete", [("email", "nobody@shop.test")]).status == .notFound)
                #expect(try await test.stores.dashboard.dashboardUsers().map(\.email) == ["ada@shop.test", "vic@shop.test"])
            }
        }
    }
}
