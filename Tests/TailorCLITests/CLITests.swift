import Foundation
import Testing
import TailorTestLaunch

/// The repository root, from this file's place in it.
let repositoryRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

/// The `tailor` binary `swift build --build-tests` made (or `TAILOR_BIN`).
let tailorBinary: String = {
    if let path = ProcessInfo.processInfo.environment["TAILOR_BIN"] { return path }
    return repositoryRoot.appendingPathComponent(".build/debug/tailor").path
}()

struct Run {
    var status: Int32
    var stdout: String
    var stderr: String
}

/// Starts a process, one launch at a time in the whole test run (``ProcessLaunch``).
func launch(_ process: Process) throws {
    try ProcessLaunch.run(process)
}

/// A `tailor` process (not started) with arguments, in a directory, with `environment` added to this one's.
func tailorProcess(_ arguments: [String], in directory: URL, environment: [String: String] = [:]) -> Process {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: tailorBinary)
    process.arguments = arguments
    process.currentDirectoryURL = directory
    var env = ProcessInfo.processInfo.environment
    for (k, v) in environment { env[k] = v }
    process.environment = env
    return process
}

/// Waits (up to 20 s) until the `tailor serve` at `base` answers `/healthz`; fails the test if it never does.
func waitUntilHealthy(_ base: String) async throws {
    var healthy = false
    for _ in 0..<200 where !healthy {
        try await Task.sleep(for: .milliseconds(100))
        healthy = (try? await http("GET", base + "/healthz"))?.status == 200
    }
    try #require(healthy)
}

/// Runs `tailor` with arguments in a directory; waits on a Dispatch thread, never on the concurrency pool.
func tailor(_ arguments: [String], in directory: URL, environment: [String: String] = [:], timeout: Double = 300) async throws -> Run {
    try await withCheckedThrowingContinuation { continuation in
        DispatchQueue.global().async {
            do {
                let process = tailorProcess(arguments, in: directory, environment: environment)
                let outURL = directory.appendingPathComponent("out-\(UUID().uuidString)")
                let errURL = directory.appendingPathComponent("err-\(UUID().uuidString)")
                FileManager.default.createFile(atPath: outURL.path, contents: nil)
                FileManager.default.createFile(atPath: errURL.path, contents: nil)
                process.standardOutput = try FileHandle(forWritingTo: outURL)
                process.standardError = try FileHandle(forWritingTo: errURL)
                try launch(process)
                let deadline = Date().addingTimeInterval(timeout)
                while process.isRunning && Date() < deadline { Thread.sleep(forTimeInterval: 0.05) }
                if process.isRunning { process.terminate() }
                process.waitUntilExit()
                let run = Run(status: process.terminationStatus,
                              stdout: (try? String(contentsOf: outURL, encoding: .utf8)) ?? "",
                              stderr: (try? String(contentsOf: errURL, encoding: .utf8)) ?? "")
                try? FileManager.default.removeItem(at: outURL)
                try? FileManager.default.removeItem(at: errURL)
                continuation.resume(returning: run)
            } catch {
                continuation.resume(throwing: error)
            }
        }
    }
}

func temporaryDirectory() throws -> URL {
    let dir = FileManager.default.temporaryDirectory.appendingPathComponent("tailor-cli-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
    return dir
}

@Suite("tailor CLI", .enabled(if: FileManager.default.isExecutableFile(atPath: tailorBinary)))
struct CLITests {
    @Test func demoLoadsASmallShopAndRebuildAgrees() async throws {
        let dir = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let env = ["TAILOR_NOW": "2026-11-01T12:00:00Z"]
        let demo = try await tailor(["demo", "--customers", "150", "--seed", "7"], in: dir, environment: env)
        #expect(demo.status == 0, "\(demo.stderr)")
        #expect(demo.stdout.contains("150 customers, 300 products"))
        #expect(demo.stdout.contains("database: 150 profiles"))
        // It closes the loop: a campaign to the seed segments, delivered into a file sink, counted by segment.
        let campaignLine = try #require(demo.stdout.split(separator: "\n").first { $0.hasPrefix("campaign \"Demo Picks\"") }, "\(demo.stdout)")
        let delivered = try #require(campaignLine.firstRange(of: "delivered ").map { Int(campaignLine[$0.upperBound...].prefix { $0.isNumber }) } ?? nil)
        let mail = dir.appendingPathComponent("tailor-demo-mail")
        #expect(delivered > 0 && emlFiles(mail).count == delivered, "\(campaignLine)")
        // The seed journeys ran over the shop's last day: their emails in their own folder, each journey counted.
        let journeyLine = try #require(demo.stdout.split(separator: "\n").first { $0.hasPrefix("journeys (") }, "\(demo.stdout)")
        let journeyMail = try #require(journeyLine.firstRange(of: "steps ran, ").map { Int(journeyLine[$0.upperBound...].prefix { $0.isNumber }) } ?? nil)
        #expect(emlFiles(mail.appendingPathComponent("journeys")).count == journeyMail, "\(journeyLine)")
        #expect(["abandoned-cart", "welcome", "post-purchase"].allSatisfy { id in
            demo.stdout.split(separator: "\n").contains { $0.hasPrefix("  \(id) ") && $0.contains("waiting per step") }
        }, "\(demo.stdout)")
        let bySegment = demo.stdout.split(separator: "\n").filter { $0.hasSuffix(" members") }
        #expect(bySegment.count == 7 && bySegment.contains { $0.contains("lapsed") }, "\(demo.stdout)")
        let opened = try #require(demo.stdout.split(separator: "\n").first { $0.hasPrefix("Open one: ") })
        let path = String(opened.dropFirst("Open one: ".count).prefix { $0 != " " })
        let eml = try String(contentsOf: dir.appendingPathComponent(path), encoding: .utf8)
        #expect(header("List-Unsubscribe-Post", eml) == "List-Unsubscribe=One-Click" && eml.contains("Demo Shop"))
        #expect(eml.contains("text/plain") && eml.contains("text/html"))
        let key = dir.appendingPathComponent("tailor-demo.db.key").path
        let attributes = try FileManager.default.attributesOfItem(atPath: key)
        #expect((attributes[.posixPermissions] as? NSNumber)?.intValue == 0o600)
        let rebuild = try await tailor(["rebuild", "--database-url", "sqlite:tailor-demo.db"], in: dir, environment: env)
        #expect(rebuild.status == 0, "\(rebuild.stderr)")
        #expect(rebuild.stdout.contains("rebuilt 150 profiles"))
        // Running the demo again gives the same shop: same counts.
        let again = try await tailor(["demo", "--customers", "150", "--seed", "7"], in: dir, environment: env)
        #expect(again.stdout.components(separatedBy: "\n").filter { $0.hasPrefix("database:") }
                == demo.stdout.components(separatedBy: "\n").filter { $0.hasPrefix("database:") })
        #expect(emlFiles(mail).count == delivered, "the second run starts its mail folder anew")
    }

    @Test func importReportsBadRowsWithFileAndLineAndKeepsTheGoodOnes() async throws {
        let dir = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let csv = "order,customer,when,amount\no1,c1,2024-01-02,10\no2,,2024-01-03,5\no3,c2,someday,7\no4,c1,2024-01-05,oops\n"
        try csv.write(to: dir.appendingPathComponent("orders.csv"), atomically: true, encoding: .utf8)
        let args = ["import", "orders", "orders.csv", "--map", "order=order_id", "--map", "customer=user_id", "--map", "when=timestamp",
                    "--map", "amount=revenue", "--report", "report.csv"]
        let first = try await tailor(args, in: dir)
        #expect(first.status == 0, "\(first.stderr)")
        #expect(first.stderr.contains("orders.csv:3: column customer: missing customer id"))
        #expect(first.stderr.contains("orders.csv:4: column when: not a date"))
        #expect(first.stderr.contains("orders.csv:5: column amount: not a number"))
        #expect(first.stdout.contains("4 rows read, 1 accepted, 3 refused"))
        let report = try String(contentsOf: dir.appendingPathComponent("report.csv"), encoding: .utf8)
        #expect(report.hasPrefix("line,column,reason\n3,customer,"))
        let second = try await tailor(args, in: dir)
        #expect(second.stdout.contains("0 stored, 1 already there"))
        let wrongKind = try await tailor(["import", "invoices", "orders.csv"], in: dir)
        #expect(wrongKind.status != 0)
        #expect(wrongKind.stderr.contains("unknown kind 'invoices'"))
        let badMap = try await tailor(["import", "orders", "orders.csv", "--map", "nope=user_id"], in: dir)
        #expect(badMap.status != 0)
        #expect(badMap.stderr.contains("orders.csv: the file has no column 'nope'"))
    }

    @Test func serveAnswersAndStopsGracefullyOnSIGTERM() async throws {
        let dir = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let port = 20_000 + Int.random(in: 0..<10_000)
        let process = tailorProcess(["serve", "--port", String(port)], in: dir)
        let errURL = dir.appendingPathComponent("serve.err")
        FileManager.default.createFile(atPath: errURL.path, contents: nil)
        process.standardError = try FileHandle(forWritingTo: errURL)
        process.standardOutput = FileHandle.nullDevice
        try launch(process)
        defer { if process.isRunning { process.terminate() } }
        var healthy = false
        for _ in 0..<200 where !healthy {
            try await Task.sleep(for: .milliseconds(100))
            if let data = try? await fetch("http://127.0.0.1:\(port)/healthz"), String(decoding: data, as: UTF8.self).contains("ok") { healthy = true }
        }
        #expect(healthy)
        let log = try String(contentsOf: errURL, encoding: .utf8)
        #expect(log.contains("admin key (secret, shown once"))
        #expect(log.contains("write key (public"))
        let adminKey = try #require(Self.key(after: "admin key (secret, shown once; Tailor keeps only its hash): ", in: log), "\(log)")
        let writeKey = try #require(Self.key(after: "write key (public, for the tracking API and tailor.js): ", in: log))
        #expect(adminKey.hasPrefix("ak_") && writeKey.hasPrefix("wk_"))
        kill(process.processIdentifier, SIGTERM)
        for _ in 0..<100 where process.isRunning { try await Task.sleep(for: .milliseconds(100)) }
        #expect(!process.isRunning)
        #expect(process.terminationStatus == 0)

        // A second start reuses the stored keys: the admin key is not printed again (Tailor kept only its hash),
        // the one printed first still opens the admin API, and the write key is the same.
        let second = tailorProcess(["serve", "--port", String(port)], in: dir)
        let secondErrURL = dir.appendingPathComponent("serve2.err")
        FileManager.default.createFile(atPath: secondErrURL.path, contents: nil)
        second.standardError = try FileHandle(forWritingTo: secondErrURL)
        second.standardOutput = FileHandle.nullDevice
        try launch(second)
        defer { if second.isRunning { second.terminate() } }
        var secondHealthy = false
        for _ in 0..<200 where !secondHealthy {
            try await Task.sleep(for: .milliseconds(100))
            if let data = try? await fetch("http://127.0.0.1:\(port)/healthz"), String(decoding: data, as: UTF8.self).contains("ok") { secondHealthy = true }
        }
        #expect(secondHealthy)
        let admin = try await fetch("http://127.0.0.1:\(port)/v1/segments", headers: ["Authorization: Bearer \(adminKey)"])
        #expect(!admin.isEmpty, "the first admin key no longer opens the admin API")
        let wrong = try await fetch("http://127.0.0.1:\(port)/v1/segments", headers: ["Authorization: Bearer ak_wrong"])
        #expect(wrong.isEmpty)
        kill(second.processIdentifier, SIGTERM)
        for _ in 0..<100 where second.isRunning { try await Task.sleep(for: .milliseconds(100)) }
        #expect(!second.isRunning && second.terminationStatus == 0)
        let secondLog = try String(contentsOf: secondErrURL, encoding: .utf8)
        #expect(secondLog.contains("tailor is listening on"), "\(secondLog)")
        #expect(!secondLog.contains("admin key"), "\(secondLog)")
        #expect(!secondLog.contains(adminKey))
        if let again = Self.key(after: "write key (public, for the tracking API and tailor.js): ", in: secondLog) { #expect(again == writeKey) }
    }

    /// The word printed after `prefix` in a log, if any.
    static func key(after prefix: String, in log: String) -> String? {
        guard let range = log.range(of: prefix) else { return nil }
        let word = log[range.upperBound...].prefix { !$0.isWhitespace }
        return word.isEmpty ? nil : String(word)
    }
}

@Suite("tailor template", .enabled(if: FileManager.default.isExecutableFile(atPath: tailorBinary)))
struct TemplateCLITests {
    @Test func rendersWithDataPartialsAndAutoescape() async throws {
        let dir = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        try "Hi {{ profile.first_name | default: 'there' }}! {% render 'footer', shop: shop %}".write(
            to: dir.appendingPathComponent("mail.liquid"), atomically: true, encoding: .utf8)
        try "-- {{ shop }}".write(to: dir.appendingPathComponent("footer.liquid"), atomically: true, encoding: .utf8)
        try #"{"profile": {"first_name": "<b>Ann</b>"}, "shop": "Tailor & Co"}"#.write(
            to: dir.appendingPathComponent("data.json"), atomically: true, encoding: .utf8)
        let plain = try await tailor(["template", "render", "mail.liquid", "--data", "data.json"], in: dir)
        #expect(plain.status == 0, "\(plain.stderr)")
        #expect(plain.stdout == "Hi <b>Ann</b>! -- Tailor & Co")
        let escaped = try await tailor(["template", "render", "mail.liquid", "--data", "data.json", "--autoescape"], in: dir)
        #expect(escaped.stdout == "Hi &lt;b&gt;Ann&lt;/b&gt;! -- Tailor &amp; Co")
    }

    @Test func errorsGoToStderrWithLineColumnAndExit1() async throws {
        let dir = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        try "line one\n{% if x %}never closed".write(to: dir.appendingPathComponent("bad.liquid"), atomically: true, encoding: .utf8)
        let bad = try await tailor(["template", "render", "bad.liquid"], in: dir)
        #expect(bad.status == 1)
        #expect(bad.stdout.isEmpty)
        #expect(bad.stderr.contains("bad.liquid:2:"))
        #expect(bad.stderr.contains("^"))
        try "{{ missing }}".write(to: dir.appendingPathComponent("strict.liquid"), atomically: true, encoding: .utf8)
        let strict = try await tailor(["template", "render", "strict.liquid", "--strict"], in: dir)
        #expect(strict.status == 1)
        #expect(strict.stderr.contains("strict.liquid:1:"))
    }
}

/// A minimal HTTP GET over a socket-free path: URLSession is in FoundationNetworking on Linux.
/// `headers` are curl `-H` values.
func fetch(_ url: String, headers: [String] = [], maxTime: Int = 2) async throws -> Data {
    try await withCheckedThrowingContinuation { continuation in
        DispatchQueue.global().async {
            let process = Process()
            process.executableURL = URL(fileURLWithPath: "/usr/bin/curl")
            process.arguments = ["-sf", "--max-time", String(maxTime)] + headers.flatMap { ["-H", $0] } + [url]
            let pipe = Pipe()
            process.standardOutput = pipe
            process.standardError = FileHandle.nullDevice
            do {
                try launch(process)
                let data = ProcessLaunch.readToEnd(pipe.fileHandleForReading)
                process.waitUntilExit()
                continuation.resume(returning: data)
            } catch {
                continuation.resume(throwing: error)
            }
        }
    }
}
