import Foundation
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// Whether the browser test runs: with Debian's chromium and chromium-driver (scripts/test installs them),
/// and always under CI, where a missing browser fails instead of skipping.
let browserTestEnabled = FileManager.default.isExecutableFile(atPath: tailorBinary)
    && (WebDriver.isInstalled || ProcessInfo.processInfo.environment["CI"] == "true")

/// The dashboard in a real browser: a real `tailor serve` on a fresh SQLite database, a user made with the CLI,
/// headless Chromium driven through WebDriver, by keyboard where a person would use it.
@Suite("Dashboard in Chromium", .enabled(if: browserTestEnabled, "chromium and chromium-driver are not installed (scripts/test installs them)"))
struct DashboardBrowserTests {
    /// Where the screenshots go (`TAILOR_TEST_OUTPUT`, else .build/test-output): every page at a laptop's and a phone's width.
    static let output: URL = {
        let root = ProcessInfo.processInfo.environment["TAILOR_TEST_OUTPUT"].map { URL(fileURLWithPath: $0) }
            ?? repositoryRoot.appendingPathComponent(".build/test-output")
        return root.appendingPathComponent("dashboard")
    }()

    @Test func signInByKeyboardSearchOpenAProfileAndBuildASegment() async throws {
        try #require(WebDriver.isInstalled, "CI=true and chromium or chromedriver is missing: install Debian's chromium and chromium-driver")
        let dir = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        try FileManager.default.createDirectory(at: Self.output, withIntermediateDirectories: true)

        // A user made as an operator makes one.
        let created = try await tailor(["users", "create", "mia@shop.test", "--role", "marketer", "--password-stdin"], in: dir,
                                       stdin: "browser test secret\n")
        #expect(created.status == 0, "\(created.stderr)")
        let admin = try await tailor(["users", "create", "ada@shop.test", "--role", "admin", "--password-stdin"], in: dir, stdin: "browser admin secret\n")
        #expect(admin.status == 0, "\(admin.stderr)")

        let port = 20_000 + Int.random(in: 0..<10_000)
        let server = tailorProcess(["serve", "--port", String(port)], in: dir, environment: ["TAILOR_ADMIN_KEY": "ak_b", "TAILOR_WRITE_KEY": "wk_b"])
        server.standardError = FileHandle.nullDevice
        server.standardOutput = FileHandle.nullDevice
        try launch(server)
        defer { if server.isRunning { server.terminate() } }
        let base = "http://127.0.0.1:\(port)"
        try await waitUntilHealthy(base)
        let write = ["Authorization: Basic " + Data("wk_b:".utf8).base64EncodedString()]
        let batch = try await http("POST", base + "/v1/batch", headers: write, body: #"""
            {"batch": [
              {"type": "identify", "userId": "u-ana", "traits": {"email": "ana@shop.test", "first_name": "Ana", "last_name": "Lima", "city": "New York"}, "messageId": "b1"},
              {"type": "identify", "userId": "u-bo", "traits": {"email": "bo@shop.test", "name": "Bo <b>Svensson</b>", "city": "Paris"}, "messageId": "b2"},
              {"type": "track", "userId": "u-ana", "event": "Order Completed", "properties": {"revenue": 80}, "messageId": "b3"}
            ]}
            """#)
        #expect(batch.status == 200, "\(batch.body)")

        let (driverProcess, browser) = try await WebDriver.start(port: port + 1)
        do {
            try await run(browser, base: base)
        } catch {
            try? await browser.screenshot(to: Self.output.appendingPathComponent("failure.png"))
            await browser.quit()
            await WebDriver.stop(driverProcess, base: browser.base)
            throw error
        }
        await browser.quit()
        await WebDriver.stop(driverProcess, base: browser.base)
    }

    func run(_ browser: WebDriver, base: String) async throws {
        // Sign in by keyboard: the email field has focus, Tab moves to the password, Enter submits.
        try await browser.go(base + "/app")
        try await shoot(browser, "sign-in")
        #expect(try await browser.activeID() == "email")
        try await browser.keys("mia@shop.test" + WebDriver.tab)
        #expect(try await browser.activeID() == "password")
        try await browser.keys("browser test secret" + WebDriver.enter)
        try await browser.wait("the overview page") { try await browser.currentURL().hasSuffix("/app/overview") }

        // The first Tab reaches the skip link, which moves focus to the main content.
        try await browser.keys(WebDriver.tab)
        #expect(try await browser.script("return document.activeElement.className") as? String == "skip")
        try await browser.keys(WebDriver.enter)
        #expect(try await browser.activeID() == "main")

        // Search by name, by keyboard, and open the profile.
        try await browser.go(base + "/app/profiles")
        try await browser.click(try await browser.find("#q"))
        try await browser.keys("lima" + WebDriver.enter)
        try await browser.wait("search results") { try await browser.bodyText().contains("Ana Lima") }
        try await shoot(browser, "profiles-search")
        try await browser.click(try await browser.find("table a"))
        try await browser.wait("the profile page") { try await browser.bodyText().contains("Order Completed") }
        let profile = try await browser.bodyText()
        #expect(profile.contains("ana@shop.test") && profile.contains("New York") && profile.contains("80.00"))
        try await shoot(browser, "profile")

        // A hostile trait is text in the browser, not markup.
        try await browser.go(base + "/app/profiles?q=svensson")
        try await browser.wait("the second profile") { try await browser.bodyText().contains("Bo <b>Svensson</b>") }
        #expect(try await browser.script("return document.querySelectorAll('main b').length") as? Int == 0)

        // The builder: a syntax error, shown live by the page's script and again on submit, then fixed.
        try await browser.go(base + "/app/segments/new")
        try await browser.type(try await browser.find("#name"), "NY buyers")
        let condition = try await browser.find("#condition")
        try await browser.type(condition, #"traits.city = "New York" and count("Order Completed") >="#)
        try await browser.wait("the live check's error") { try await browser.bodyText().contains("Line 1, column") }
        try await shoot(browser, "segment-builder-live-error")
        try await browser.click(try await browser.find(#"button[value="save"]"#))
        try await browser.wait("the refused form") {
            try await browser.script("return document.querySelector('#condition-error') !== null") as? Bool == true
        }
        let refused = try await browser.bodyText()
        #expect(refused.contains("Line 1, column 57: "), "\(refused.prefix(800))")
        #expect(try await browser.script("return document.querySelector('#condition').getAttribute('aria-invalid')") as? String == "true")
        #expect(try await browser.script("return document.querySelector('#name').value") as? String == "NY buyers", "what was typed is kept")
        try await shoot(browser, "segment-builder-error")
        // The refused form is answered 422, which Chromium logs; nothing else may be logged until the end.
        let refusedLog = try await browser.consoleErrors()
        #expect(refusedLog.count == 1 && refusedLog.allSatisfy { $0.contains("/app/segments - ") && $0.contains("422") }, "\(refusedLog)")

        let kept = try await browser.find("#condition")
        try await browser.type(kept, " 1")
        try await browser.wait("the live count") { try await browser.bodyText().contains("1 profile matches now.") }
        try await browser.click(try await browser.find(#"button[value="save"]"#))
        try await browser.wait("the saved segment") { try await browser.currentURL().hasSuffix("/app/segments/ny-buyers?saved=1") }
        #expect(try await browser.script("return document.getElementById('member-count').textContent") as? String == "1")
        #expect(try await browser.bodyText().contains("Ana Lima"))
        try await shoot(browser, "segment")
        try await browser.go(base + "/app/segments")
        try await shoot(browser, "segments")

        let errors = try await browser.consoleErrors()
        #expect(errors.isEmpty, "the browser console reported errors: \(errors)")

        // Signing out by the header's button leads back to the sign-in page; the pages are closed again.
        try await browser.click(try await browser.find(".who button"))
        try await browser.wait("the sign-in page") { try await browser.bodyText().contains("You are signed out.") }
        try await browser.go(base + "/app/profiles")
        try await browser.wait("the sign-in page again") { try await browser.bodyText().contains("Sign in to continue.") }

        // An admin sees the users page, with both users.
        try await browser.type(try await browser.find("#email"), "ada@shop.test")
        try await browser.type(try await browser.find("#password"), "browser admin secret" + WebDriver.enter)
        try await browser.wait("the admin's overview page") { try await browser.currentURL().hasSuffix("/app/overview") }
        try await browser.click(try await browser.find(#"a[href="/app/users"]"#))
        try await browser.wait("the users page") { try await browser.bodyText().contains("mia@shop.test") }
        try await shoot(browser, "users")
        let adminErrors = try await browser.consoleErrors()
        #expect(adminErrors.isEmpty, "the browser console reported errors: \(adminErrors)")
    }

    /// A screenshot of the page at a laptop's width and a phone's, then back to the laptop's.
    func shoot(_ browser: WebDriver, _ name: String) async throws {
        try await browser.resize(width: 390, height: 844)
        try await browser.screenshot(to: Self.output.appendingPathComponent("\(name)-phone.png"))
        try await browser.resize(width: 1280, height: 900)
        try await browser.screenshot(to: Self.output.appendingPathComponent("\(name)-laptop.png"))
    }
}
