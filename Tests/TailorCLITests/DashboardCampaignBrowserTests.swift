import Foundation
import Testing

/// The overview, campaigns and report pages in headless Chromium against a real `tailor serve` that sends to a
/// file sink: a marketer sees the API's numbers, creates a campaign to a segment, sends it and reads its report;
/// a viewer sees the pages without a button and a forged move is refused.
@Suite("Dashboard campaigns in Chromium", .enabled(if: browserTestEnabled, "chromium and chromium-driver are not installed (scripts/test installs them)"))
struct DashboardCampaignBrowserTests {
    static let admin = ["Authorization: Bearer ak_c"]

    @Test func aMarketerSendsACampaignAndReadsItsReportAViewerOnlyReads() async throws {
        try #require(WebDriver.isInstalled, "CI=true and chromium or chromedriver is missing: install Debian's chromium and chromium-driver")
        let dir = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        try FileManager.default.createDirectory(at: DashboardBrowserTests.output, withIntermediateDirectories: true)
        for (email, role, password) in [("mia@shop.test", "marketer", "browser test secret"), ("vic@shop.test", "viewer", "browser viewer secret")] {
            let created = try await tailor(["users", "create", email, "--role", role, "--password-stdin"], in: dir, stdin: password + "\n")
            #expect(created.status == 0, "\(created.stderr)")
        }
        #expect(try await tailor(["segment", "create", "VIPs", "--where", "traits.vip = true"], in: dir).status == 0)
        try "<p>Hello {{ traits.first_name }}</p>".write(to: dir.appendingPathComponent("news.html"), atomically: true, encoding: .utf8)
        #expect(try await tailor(["template", "create", "news", "--subject", "News", "--html", "news.html"], in: dir).status == 0)

        let sink = dir.appendingPathComponent("out")
        let port = 20_000 + Int.random(in: 0..<10_000)
        let server = tailorProcess(["serve", "--port", String(port)], in: dir, environment: [
            "TAILOR_ADMIN_KEY": "ak_c", "TAILOR_WRITE_KEY": "wk_c", "TAILOR_MAIL_FROM": "Shop <news@shop.test>",
            "TAILOR_MAIL_URL": "file://\(sink.path)", "TAILOR_PUBLIC_URL": "http://127.0.0.1:\(port)",
        ])
        server.standardError = FileHandle.nullDevice
        server.standardOutput = FileHandle.nullDevice
        try launch(server)
        defer { if server.isRunning { server.terminate() } }
        let base = "http://127.0.0.1:\(port)"
        try await waitUntilHealthy(base)
        var events: [String] = []
        for i in 0..<12 {
            events.append(#"{"type": "identify", "userId": "c\#(i)", "traits": {"email": "c\#(i)@shop.test", "first_name": "C\#(i)", "vip": \#(i % 3 != 0)}, "messageId": "b\#(i)"}"#)
            if i % 4 == 0 { events.append(#"{"type": "track", "userId": "c\#(i)", "event": "Order Completed", "properties": {"revenue": \#(10 + i)}, "messageId": "o\#(i)"}"#) }
        }
        let batch = try await http("POST", base + "/v1/batch", headers: ["Authorization: Basic " + Data("wk_c:".utf8).base64EncodedString()],
                                   body: #"{"batch": [\#(events.joined(separator: ","))]}"#)
        #expect(batch.status == 200, "\(batch.body)")

        let (driverProcess, browser) = try await WebDriver.start(port: port + 1)
        do {
            try await run(browser, base: base, sink: sink)
        } catch {
            try? await browser.screenshot(to: DashboardBrowserTests.output.appendingPathComponent("campaigns-failure.png"))
            await browser.quit()
            await WebDriver.stop(driverProcess, base: browser.base)
            throw error
        }
        await browser.quit()
        await WebDriver.stop(driverProcess, base: browser.base)
    }

    func signIn(_ browser: WebDriver, base: String, _ email: String, _ password: String) async throws {
        try await browser.go(base + "/app")
        try await browser.type(try await browser.find("#email"), email)
        try await browser.type(try await browser.find("#password"), password + WebDriver.enter)
        try await browser.wait("the overview after signing in") { try await browser.currentURL().hasSuffix("/app/overview") }
    }

    func text(_ browser: WebDriver, _ css: String) async throws -> String {
        try await browser.script("var e = document.querySelector('\(css)'); return e ? e.textContent.trim() : null") as? String ?? ""
    }

    func api(_ url: String) async throws -> [String: Any] {
        let r = try await http("GET", url, headers: Self.admin)
        return try #require(try JSONSerialization.jsonObject(with: Data(r.body.utf8)) as? [String: Any], "\(r.status) \(r.body)")
    }

    func run(_ browser: WebDriver, base: String, sink: URL) async throws {
        let shoot = { (name: String) in try await DashboardBrowserTests().shoot(browser, name) }
        try await signIn(browser, base: base, "mia@shop.test", "browser test secret")

        // The overview's numbers are the API's for the same days (23 events: 12 identifies, 3 orders, the 8 VIPs entering the
        // segment); the page comes fast.
        let timing = try await browser.script("var n = performance.getEntriesByType('navigation')[0]; return n.responseEnd - n.requestStart") as? Double
        let from = try await browser.script("return document.getElementById('from').value") as? String ?? ""
        let to = try await browser.script("return document.getElementById('to').value") as? String ?? ""
        let overview = try await api(base + "/v1/reports/overview?from=\(from)&to=\(to)")
        for key in ["new_profiles", "events", "emails_sent", "unique_opens", "unique_clicks", "conversions"] {
            #expect(try await text(browser, "#total-\(key)") == String((overview[key] as? NSNumber)?.intValue ?? -1), "\(key)")
        }
        #expect(try await text(browser, "#total-revenue") == String(format: "%.2f", (overview["revenue"] as? NSNumber)?.doubleValue ?? -1))
        #expect((overview["new_profiles"] as? NSNumber)?.intValue == 12 && (overview["events"] as? NSNumber)?.intValue == 23, "\(overview)")
        print("overview page on the browser test shop: \(timing.map { String(format: "%.1f", $0) } ?? "?") ms from request to response end")
        try await shoot("overview")

        // Create a campaign to the VIPs by the form, then send it.
        try await browser.go(base + "/app/campaigns/new")
        try await browser.type(try await browser.find("#name"), "Spring News")
        try await browser.click(try await browser.find(#"input[name="include:vips"]"#))
        try await shoot("campaign-new")
        try await browser.click(try await browser.find(#"#campaign-form button[type="submit"]"#))
        try await browser.wait("the new campaign's page") { try await browser.bodyText().contains("Campaign created.") }
        #expect(try await text(browser, "#campaign-state") == "draft")
        try await shoot("campaign-draft")
        try await browser.click(try await browser.find(#"form input[value="send"] + button"#))
        try await browser.wait("the campaign sent", seconds: 60) {
            try await browser.go(base + "/app/campaigns/spring-news")
            return try await text(browser, "#campaign-state") == "sent"
        }
        let status = try await api(base + "/v1/campaigns/spring-news")
        #expect(try await text(browser, "#count-sent") == String((status["sent"] as? NSNumber)?.intValue ?? -1))
        #expect((status["sent"] as? NSNumber)?.intValue == 8)
        #expect(emlFiles(sink).count == 8)
        try await shoot("campaign-sent")
        try await browser.go(base + "/app/campaigns")
        #expect(try await browser.bodyText().contains("Spring News"))
        #expect(try await text(browser, "#campaigns td.state") == "sent")
        try await shoot("campaigns")

        // The report page equals the API's report.
        try await browser.go(base + "/app/campaigns/spring-news/report")
        let report = try await api(base + "/v1/reports/campaigns/spring-news")
        for key in ["recipients", "sent", "delivered", "unique_opens", "unique_clicks", "conversions"] {
            #expect(try await text(browser, "#report-\(key)") == String((report[key] as? NSNumber)?.intValue ?? -1), "\(key)")
        }
        #expect(try await browser.bodyText().contains("vips"))
        try await shoot("campaign-report")
        let errors = try await browser.consoleErrors()
        #expect(errors.isEmpty, "the browser console reported errors: \(errors)")

        // A viewer: the same pages, no buttons; a forged move and one with the viewer's own token are refused.
        try await browser.click(try await browser.find(".who button"))
        try await browser.wait("the sign-in page") { try await browser.bodyText().contains("You are signed out.") }
        try await signIn(browser, base: base, "vic@shop.test", "browser viewer secret")
        try await browser.go(base + "/app/campaigns/spring-news")
        #expect(try await text(browser, "#campaign-state") == "sent")
        #expect(try await browser.script(#"return document.querySelectorAll('form[action$="/move"]').length"#) as? Int == 0)
        try await browser.go(base + "/app/campaigns")
        #expect(try await browser.script(#"return document.querySelectorAll('a[href="/app/campaigns/new"]').length"#) as? Int == 0)
        let viewerErrors = try await browser.consoleErrors()
        #expect(viewerErrors.isEmpty, "the browser console reported errors: \(viewerErrors)")
        func post(_ token: String) async throws -> Int? {
            try await browser.script("""
                var x = new XMLHttpRequest(); x.open('POST', '/app/campaigns/spring-news/move', false);
                x.setRequestHeader('Content-Type', 'application/x-www-form-urlencoded');
                x.send('move=cancel&csrf_token=' + encodeURIComponent(\(token))); return x.status;
                """) as? Int
        }
        #expect(try await post("'forged'") == 403)
        #expect(try await post("document.querySelector('input[name=csrf_token]').value") == 403)
        #expect(try await api(base + "/v1/campaigns/spring-news")["state"] as? String == "sent")
        _ = try await browser.consoleErrors()  // the two refusals just asked for
        try await browser.go(base + "/app/overview")
        try await shoot("overview-viewer")
        let overviewErrors = try await browser.consoleErrors()
        #expect(overviewErrors.isEmpty, "the browser console reported errors: \(overviewErrors)")
    }
}
