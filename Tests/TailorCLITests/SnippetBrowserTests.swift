import Foundation
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// The tracking snippet in a real browser: a plain HTML shop page served by Python's http.server on another
/// origin (`http://localhost:B`) than `tailor serve` (`http://127.0.0.1:A`), with the copy-paste snippet of
/// docs/TRACKING.md as it is written there, driven in headless Chromium; what arrives is read back through the
/// admin API.
@Suite("tailor.js in Chromium", .enabled(if: browserTestEnabled, "chromium and chromium-driver are not installed (scripts/test installs them)"))
struct SnippetBrowserTests {
    static let output = DashboardBrowserTests.output.deletingLastPathComponent().appendingPathComponent("snippet")
    static let adminKey = "ak_snippet"
    static let writeKey = "wk_snippet"

    /// The first ```html block after the snippet marker in docs/TRACKING.md.
    static func documentedSnippet() throws -> String {
        let doc = try String(contentsOf: repositoryRoot.appendingPathComponent("docs/TRACKING.md"), encoding: .utf8)
        guard let marker = doc.range(of: "<!-- snippet:"), let open = doc.range(of: "```html\n", range: marker.upperBound..<doc.endIndex),
              let close = doc.range(of: "\n```", range: open.upperBound..<doc.endIndex) else {
            throw WebDriver.Failure(description: "docs/TRACKING.md has no snippet block")
        }
        return String(doc[open.upperBound..<close.lowerBound])
    }

    /// The shop's page: the snippet, then calls made at once (before tailor.js can have loaded). With `?nobeacon`
    /// the browser has no sendBeacon, so leaving the page must go through fetch(keepalive). Each beacon is counted
    /// in sessionStorage, which the next page of the same origin can read.
    static func shopPage(snippet: String) -> String {
        """
        <!doctype html>
        <html lang="en"><head><meta charset="utf-8"><title>Snippet shop</title><link rel="icon" href="data:,">
        <script>
        if (location.search == '?nobeacon') Object.defineProperty(navigator, 'sendBeacon', { value: undefined });
        else (function (send) {
          navigator.sendBeacon = function (url, data) {
            sessionStorage.setItem('beacons', String(Number(sessionStorage.getItem('beacons') || 0) + 1));
            return send(url, data);
          };
        })(navigator.sendBeacon.bind(navigator));
        </script>
        \(snippet)
        <script>
        window.queuedBeforeLoad = !tailor.ready;
        tailor.track('Queued Before Load', { step: 1 });
        </script>
        </head><body><h1>Snippet shop</h1><p><a id="away" href="away.html">Leave</a></p></body></html>
        """
    }

    static let awayPage = """
        <!doctype html>
        <html lang="en"><head><meta charset="utf-8"><title>Away</title><link rel="icon" href="data:,"></head><body><h1>Away</h1></body></html>
        """

    @Test func pageViewsIdentifyTrackAndABeaconArriveFromAnotherOrigin() async throws {
        try #require(WebDriver.isInstalled, "CI=true and chromium or chromedriver is missing: install Debian's chromium and chromium-driver")
        let dir = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        try FileManager.default.createDirectory(at: Self.output, withIntermediateDirectories: true)

        let tailorPort = 20_000 + Int.random(in: 0..<10_000)
        let shopPort = tailorPort + 2
        let tailorBase = "http://127.0.0.1:\(tailorPort)"
        let shopBase = "http://localhost:\(shopPort)"

        // The shop's site: two static pages on their own origin.
        let site = dir.appendingPathComponent("site")
        try FileManager.default.createDirectory(at: site, withIntermediateDirectories: true)
        let snippet = try Self.documentedSnippet()
            .replacingOccurrences(of: "YOUR_WRITE_KEY", with: Self.writeKey)
            .replacingOccurrences(of: "https://tailor.example.com", with: tailorBase)
        try Self.shopPage(snippet: snippet).write(to: site.appendingPathComponent("index.html"), atomically: true, encoding: .utf8)
        try Self.awayPage.write(to: site.appendingPathComponent("away.html"), atomically: true, encoding: .utf8)
        let python = ProcessInfo.processInfo.environment["TAILOR_PYTHON"] ?? "/usr/bin/python3"
        let shop = Process()
        shop.executableURL = URL(fileURLWithPath: python)
        shop.arguments = ["-m", "http.server", String(shopPort), "--bind", "127.0.0.1", "--directory", site.path]
        shop.standardOutput = FileHandle.nullDevice
        shop.standardError = FileHandle.nullDevice
        try launch(shop)
        defer { if shop.isRunning { kill(shop.processIdentifier, SIGKILL) } }

        // Only the shop's origin may call the tracking API from a browser.
        let server = tailorProcess(["serve", "--port", String(tailorPort)], in: dir, environment: [
            "TAILOR_ADMIN_KEY": Self.adminKey, "TAILOR_WRITE_KEY": Self.writeKey, "TAILOR_TRACKING_ORIGINS": shopBase,
        ])
        server.standardError = FileHandle.nullDevice
        server.standardOutput = FileHandle.nullDevice
        try launch(server)
        defer { if server.isRunning { server.terminate() } }
        var ready = false
        for _ in 0..<200 where !ready {
            try await Task.sleep(for: .milliseconds(100))
            let healthy = (try? await http("GET", tailorBase + "/healthz"))?.status == 200
            let shopUp = (try? await http("GET", "http://127.0.0.1:\(shopPort)/away.html"))?.status == 200
            ready = healthy && shopUp
        }
        try #require(ready, "tailor serve or the shop's http.server did not start")
        // The customer is known already, from the shop's backend: identify in the browser merges the visitor into them.
        let order = try await http("POST", tailorBase + "/v1/track", headers: ["Authorization: Basic " + Data("\(Self.writeKey):".utf8).base64EncodedString()],
                                   body: #"{"userId": "u-web-1", "event": "Order Completed", "properties": {"revenue": 30}, "messageId": "srv-1"}"#)
        #expect(order.status == 200, "\(order.body)")

        let (driverProcess, browser) = try await WebDriver.start(port: tailorPort + 1)
        do {
            try await run(browser, shop: shopBase, tailor: tailorBase)
        } catch {
            try? await browser.screenshot(to: Self.output.appendingPathComponent("failure.png"))
            await browser.quit()
            await WebDriver.stop(driverProcess, base: browser.base)
            throw error
        }
        await browser.quit()
        await WebDriver.stop(driverProcess, base: browser.base)
    }

    func run(_ browser: WebDriver, shop: String, tailor: String) async throws {
        var consoleErrors: [String] = []

        // The page loads: the snippet queues a call, tailor.js arrives, replays it and sends the automatic page view.
        try await browser.go(shop + "/index.html")
        try await browser.wait("tailor.js to load") { try await browser.script("return window.tailor.ready === true") as? Bool == true }
        #expect(try await browser.script("return window.queuedBeforeLoad") as? Bool == true, "the call was made before tailor.js loaded")
        let anonymousId = try #require(try await browser.script("return tailor.anonymousId()") as? String)
        #expect(anonymousId.count == 36)
        #expect(try await browser.script("return localStorage.getItem('tailor_aid')") as? String == anonymousId)
        let cookie = try #require(try await browser.command("GET", "/cookie/tailor_aid") as? [String: Any])
        #expect(cookie["value"] as? String == anonymousId)
        #expect(cookie["sameSite"] as? String == "Lax" && cookie["path"] as? String == "/")
        let expiry = (cookie["expiry"] as? NSNumber)?.doubleValue ?? 0
        #expect(abs(expiry - Date().addingTimeInterval(365 * 86_400).timeIntervalSince1970) < 3_600, "the cookie lasts a year")
        try await shoot(browser, "shop-page")

        let anonymous = "anonymous:\(anonymousId)"
        var events = try await waitForEvents(of: anonymous, tailor: tailor) { events in
            events.contains { $0["type"] as? String == "page" } && events.contains { $0["event"] as? String == "Queued Before Load" }
        }
        let page = try #require(events.first { $0["type"] as? String == "page" })
        let context = page["context"] as? [String: Any] ?? [:]
        #expect((context["library"] as? [String: Any])?["name"] as? String == "tailor.js")
        #expect((context["page"] as? [String: Any])?["url"] as? String == shop + "/index.html")
        #expect((context["page"] as? [String: Any])?["title"] as? String == "Snippet shop")
        #expect((context["userAgent"] as? String)?.contains("Chrome") == true && context["locale"] is String)
        #expect((page["properties"] as? [String: Any])?["path"] as? String == "/index.html")
        #expect((page["messageId"] as? String)?.count == 36 && page["timestamp"] is String)
        let queued = try #require(events.first { $0["event"] as? String == "Queued Before Load" })
        #expect((queued["properties"] as? [String: Any])?["step"] as? Int == 1)
        // A queued call keeps the time it was made, before the page view that tailor.js sends once loaded.
        let queuedAt = try #require(queued["timestamp"] as? String), pageAt = try #require(page["timestamp"] as? String)
        #expect(queuedAt <= pageAt, "\(queuedAt) then \(pageAt)")
        consoleErrors += try await browser.consoleErrors()

        // A reload keeps the anonymous id: a second page view for the same profile.
        try await browser.script("location.reload()")
        try await browser.wait("the reloaded page") { try await browser.script("return window.tailor.ready === true") as? Bool == true }
        #expect(try await browser.script("return tailor.anonymousId()") as? String == anonymousId)
        events = try await waitForEvents(of: anonymous, tailor: tailor) { events in events.filter { $0["type"] as? String == "page" }.count == 2 }

        // Identify and track: the visitor's profile is merged into the customer's, with its history.
        try await browser.script("tailor.identify('u-web-1', { email: 'wen@shop.test', first_name: 'Wen' }); tailor.track('Product Viewed', { product_id: 'p1', price: 12.5 });")
        events = try await waitForEvents(of: "user:u-web-1", tailor: tailor) { events in
            events.contains { $0["type"] as? String == "identify" } && events.contains { $0["event"] as? String == "Product Viewed" }
        }
        #expect(events.filter { $0["type"] as? String == "page" }.count == 2, "the page views made before identify are the user's")
        #expect(events.contains { $0["event"] as? String == "Queued Before Load" })
        #expect(events.contains { $0["event"] as? String == "Order Completed" }, "the customer's own history is kept")
        let fromBrowser = events.filter { (($0["context"] as? [String: Any])?["library"] as? [String: Any])?["name"] as? String == "tailor.js" }
        // Two loads of the page (each a page view and a queued call), the identify and the track.
        #expect(fromBrowser.count == 6 && fromBrowser.allSatisfy { $0["anonymousId"] as? String == anonymousId }, "\(events)")
        let viewed = try #require(events.first { $0["event"] as? String == "Product Viewed" })
        #expect(viewed["userId"] as? String == "u-web-1")
        let (status, body) = try await http("GET", tailor + "/v1/profiles/user:u-web-1", headers: ["Authorization: Bearer \(Self.adminKey)"])
        #expect(status == 200)
        let profile = try JSONSerialization.jsonObject(with: Data(body.utf8)) as? [String: Any] ?? [:]
        let identities = profile["identities"] as? [String: Any] ?? [:]
        #expect(identities["anonymous_ids"] as? [String] == [anonymousId] && identities["user_ids"] as? [String] == ["u-web-1"])
        #expect((profile["traits"] as? [String: Any])?["email"] as? String == "wen@shop.test")
        #expect((profile["merges"] as? [Any])?.count == 1, "the visitor's profile was merged into the customer's")
        let (_, byAnonymous) = try await http("GET", tailor + "/v1/profiles/\(anonymous)", headers: ["Authorization: Bearer \(Self.adminKey)"])
        let survivor = try JSONSerialization.jsonObject(with: Data(byAnonymous.utf8)) as? [String: Any] ?? [:]
        #expect(survivor["id"] as? String == profile["id"] as? String, "the anonymous id leads to the merged profile")
        consoleErrors += try await browser.consoleErrors()

        // Leaving right after a call: the beacon on page hide delivers it.
        let beaconsBefore = Int(try await browser.script("return sessionStorage.getItem('beacons')") as? String ?? "") ?? 0
        try await browser.script("tailor.track('Checkout Started', { items: 2 }); location.href = 'away.html';")
        try await browser.wait("the next page") { try await browser.currentURL().hasSuffix("/away.html") }
        _ = try await waitForEvents(of: "user:u-web-1", tailor: tailor) { events in events.contains { $0["event"] as? String == "Checkout Started" } }
        let beacons = Int(try await browser.script("return sessionStorage.getItem('beacons')") as? String ?? "") ?? 0
        #expect(beacons == beaconsBefore + 1, "the call left with a beacon")
        consoleErrors += try await browser.consoleErrors()

        // Without sendBeacon, fetch(keepalive) carries it; the user id was remembered across pages.
        try await browser.go(shop + "/index.html?nobeacon")
        try await browser.wait("tailor.js to load") { try await browser.script("return window.tailor.ready === true") as? Bool == true }
        #expect(try await browser.script("return tailor.userId()") as? String == "u-web-1")
        try await browser.script("tailor.track('Left Without Beacon'); location.href = 'away.html';")
        try await browser.wait("the next page") { try await browser.currentURL().hasSuffix("/away.html") }
        events = try await waitForEvents(of: "user:u-web-1", tailor: tailor) { events in
            events.contains { $0["event"] as? String == "Left Without Beacon" }
        }
        #expect(events.filter { $0["type"] as? String == "page" }.count == 3, "the page views of the three loads of the shop's page")
        consoleErrors += try await browser.consoleErrors()

        // reset (a sign-out): a new anonymous id, no user id; what follows is another profile.
        try await browser.go(shop + "/index.html")
        try await browser.wait("tailor.js to load") { try await browser.script("return window.tailor.ready === true") as? Bool == true }
        let afterReset = try await browser.script("tailor.reset(); tailor.track('After Reset'); return [tailor.anonymousId(), tailor.userId()]") as? [Any]
        let newId = try #require(afterReset?.first as? String)
        #expect(newId != anonymousId && afterReset?.last is NSNull)
        #expect(try await browser.script("return document.cookie") as? String == "tailor_aid=\(newId)")
        _ = try await waitForEvents(of: "anonymous:\(newId)", tailor: tailor) { events in events.contains { $0["event"] as? String == "After Reset" } }
        consoleErrors += try await browser.consoleErrors()

        #expect(consoleErrors.isEmpty, "the browser console reported errors: \(consoleErrors)")
    }

    /// Polls `GET /v1/profiles/{id}/events` until `done` holds for them (15 s at most).
    func waitForEvents(of profile: String, tailor: String, _ done: ([[String: Any]]) -> Bool) async throws -> [[String: Any]] {
        let deadline = Date().addingTimeInterval(15)
        var last: [[String: Any]] = []
        while Date() < deadline {
            let (status, body) = try await http("GET", tailor + "/v1/profiles/\(profile)/events?limit=100", headers: ["Authorization: Bearer \(Self.adminKey)"])
            if status == 200, let json = try? JSONSerialization.jsonObject(with: Data(body.utf8)) as? [String: Any] {
                last = json["events"] as? [[String: Any]] ?? []
                if done(last) { return last }
            }
            try await Task.sleep(for: .milliseconds(200))
        }
        throw WebDriver.Failure(description: "the events of \(profile) did not arrive: \(last.map { ($0["type"] as? String ?? "") + " " + ($0["event"] as? String ?? "") })")
    }

    /// The page at a phone's width and a laptop's.
    func shoot(_ browser: WebDriver, _ name: String) async throws {
        try await browser.resize(width: 390, height: 844)
        try await browser.screenshot(to: Self.output.appendingPathComponent("\(name)-phone.png"))
        try await browser.resize(width: 1280, height: 900)
        try await browser.screenshot(to: Self.output.appendingPathComponent("\(name)-laptop.png"))
    }
}

/// `tailor serve` refuses an origins setting it cannot read, naming the setting and the entry.
@Suite("tailor serve settings", .enabled(if: FileManager.default.isExecutableFile(atPath: tailorBinary)))
struct TrackingOriginsCLITests {
    @Test func aBadTrackingOriginIsRefusedAtStart() async throws {
        let dir = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let run = try await tailor(["serve", "--port", "0"], in: dir, environment: ["TAILOR_TRACKING_ORIGINS": "https://shop.test,shop.test/cart"], timeout: 60)
        #expect(run.status != 0)
        #expect(run.stderr.contains("TAILOR_TRACKING_ORIGINS") && run.stderr.contains("\"shop.test/cart\" is not an origin"), "\(run.stderr)")
    }
}
