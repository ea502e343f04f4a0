import Foundation
import TailorTestLaunch

#if canImport(Glibc)
import Glibc
#endif

/// A W3C WebDriver client over plain HTTP (curl) to Debian's chromedriver driving headless Chromium.
/// Just what the dashboard's browser test needs: pages, elements, keys, scripts, window sizes, screenshots.
struct WebDriver: Sendable {
    static let chromium = "/usr/bin/chromium"
    static let chromedriver = "/usr/bin/chromedriver"
    static var isInstalled: Bool {
        FileManager.default.isExecutableFile(atPath: chromium) && FileManager.default.isExecutableFile(atPath: chromedriver)
    }

    struct Failure: Error, CustomStringConvertible {
        var description: String
    }

    /// The W3C key of an element reference in JSON.
    static let elementKey = "element-6066-11e4-a52e-4f735466cecf"
    static let tab = "\u{E004}"
    static let enter = "\u{E007}"

    let base: String
    let session: String

    /// Starts chromedriver on `port` and a headless Chromium session; returns the driver process to stop.
    static func start(port: Int) async throws -> (Process, WebDriver) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: chromedriver)
        process.arguments = ["--port=\(port)"]
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try launch(process)
        let base = "http://127.0.0.1:\(port)"
        var ready = false
        for _ in 0..<100 where !ready {
            try await Task.sleep(for: .milliseconds(100))
            ready = (try? await request("GET", base + "/status"))?.0 == 200
        }
        guard ready else {
            process.terminate()
            throw Failure(description: "chromedriver did not start on port \(port)")
        }
        let capabilities: [String: Any] = ["capabilities": ["alwaysMatch": [
            "browserName": "chrome",
            "goog:loggingPrefs": ["browser": "ALL"],
            "goog:chromeOptions": ["binary": chromium,
                                   "args": ["--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--window-size=1280,900"]],
        ]]]
        let (status, value) = try await request("POST", base + "/session", capabilities)
        guard status == 200, let id = (value as? [String: Any])?["sessionId"] as? String else {
            process.terminate()
            throw Failure(description: "no browser session: \(value ?? "nothing")")
        }
        return (process, WebDriver(base: base, session: id))
    }

    /// One command; its `value`. Errors (a status other than 200) throw with WebDriver's message.
    @discardableResult
    func command(_ method: String, _ path: String, _ body: [String: Any]? = nil) async throws -> Any? {
        let (status, value) = try await Self.request(method, base + "/session/\(session)" + path, body ?? (method == "POST" ? [:] : nil))
        guard status == 200 else { throw Failure(description: "\(method) \(path): \(status) \(value ?? "")") }
        return value
    }

    func go(_ url: String) async throws { try await command("POST", "/url", ["url": url]) }
    func currentURL() async throws -> String { try await command("GET", "/url") as? String ?? "" }

    func find(_ css: String) async throws -> String {
        let found = try await command("POST", "/element", ["using": "css selector", "value": css]) as? [String: Any]
        guard let id = found?[Self.elementKey] as? String else { throw Failure(description: "no element \(css)") }
        return id
    }

    func active() async throws -> String {
        (try await command("GET", "/element/active") as? [String: Any])?[Self.elementKey] as? String ?? ""
    }

    /// The `id` of the focused element.
    func activeID() async throws -> String { try await script("return document.activeElement ? document.activeElement.id : ''") as? String ?? "" }

    func type(_ element: String, _ text: String) async throws { try await command("POST", "/element/\(element)/value", ["text": text]) }
    func click(_ element: String) async throws { try await command("POST", "/element/\(element)/click") }
    func clear(_ element: String) async throws { try await command("POST", "/element/\(element)/clear") }

    /// Keys sent to whatever has focus, as a person types.
    func keys(_ text: String) async throws { try await type(try await active(), text) }

    func script(_ source: String) async throws -> Any? { try await command("POST", "/execute/sync", ["script": source, "args": [Any]()]) }
    func bodyText() async throws -> String { try await script("return document.body.innerText") as? String ?? "" }

    func resize(width: Int, height: Int) async throws { try await command("POST", "/window/rect", ["width": width, "height": height]) }

    func screenshot(to file: URL) async throws {
        guard let base64 = try await command("GET", "/screenshot") as? String, let data = Data(base64Encoded: base64) else {
            throw Failure(description: "no screenshot")
        }
        try data.write(to: file)
    }

    /// The browser console's messages at SEVERE level (errors: a failed script, a refused resource, a CSP violation).
    func consoleErrors() async throws -> [String] {
        let entries = try await command("POST", "/se/log", ["type": "browser"]) as? [[String: Any]] ?? []
        return entries.filter { ($0["level"] as? String) == "SEVERE" }.compactMap { $0["message"] as? String }
    }

    /// Waits until `condition` holds, checking every 100 ms for up to `seconds`.
    func wait(_ what: String, seconds: Double = 15, _ condition: () async throws -> Bool) async throws {
        let deadline = Date().addingTimeInterval(seconds)
        while Date() < deadline {
            if (try? await condition()) == true { return }
            try await Task.sleep(for: .milliseconds(100))
        }
        throw Failure(description: "waited \(Int(seconds)) s for \(what); the page says: \((try? await bodyText())?.prefix(500) ?? "")")
    }

    func quit() async { _ = try? await command("DELETE", "") }

    /// Stops a chromedriver started by ``start(port:)``: its shutdown command, then SIGKILL if it is still there
    /// (a child of the test process inherits its blocked signals, so SIGTERM may never arrive).
    static func stop(_ process: Process, base: String) async {
        _ = try? await request("GET", base + "/shutdown")
        for _ in 0..<20 where process.isRunning { try? await Task.sleep(for: .milliseconds(100)) }
        if process.isRunning { kill(process.processIdentifier, SIGKILL) }
    }

    /// An HTTP request through curl (no URLSession on every Linux toolchain): status and the JSON `value`.
    static func request(_ method: String, _ url: String, _ body: [String: Any]? = nil) async throws -> (Int, Any?) {
        let payload = try body.map { String(decoding: try JSONSerialization.data(withJSONObject: $0), as: UTF8.self) }
        let (status, text) = try await curl(method, url, payload)
        let json = text.isEmpty ? nil : try? JSONSerialization.jsonObject(with: Data(text.utf8))
        return (status, (json as? [String: Any])?["value"] ?? json)
    }

    static func curl(_ method: String, _ url: String, _ body: String?) async throws -> (Int, String) {
        try await withCheckedThrowingContinuation { continuation in
            DispatchQueue.global().async {
                let process = Process()
                process.executableURL = URL(fileURLWithPath: "/usr/bin/curl")
                var arguments = ["-s", "--max-time", "60", "-X", method, "-w", "\n%{http_code}"]
                if let body { arguments += ["-H", "Content-Type: application/json", "--data-binary", body] }
                process.arguments = arguments + [url]
                let pipe = Pipe()
                process.standardOutput = pipe
                process.standardError = FileHandle.nullDevice
                do {
                    try launch(process)
                    let text = String(decoding: ProcessLaunch.readToEnd(pipe.fileHandleForReading), as: UTF8.self)
                    process.waitUntilExit()
                    let lines = text.split(separator: "\n", omittingEmptySubsequences: false)
                    continuation.resume(returning: (Int(lines.last ?? "") ?? 0, lines.dropLast().joined(separator: "\n")))
                } catch {
                    continuation.resume(throwing: error)
                }
            }
        }
    }
}
