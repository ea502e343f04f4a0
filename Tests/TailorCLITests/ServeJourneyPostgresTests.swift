import Foundation
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// Two `tailor serve` processes on one PostgreSQL database share the journeys' work: carts sent to either
/// server are each mailed once, by one of them, after the wait. Runs when `TAILOR_TEST_POSTGRES_URL` names a
/// server (`scripts/test` starts one); under `CI=true` a missing server fails.
@Suite("two servers run journeys on one PostgreSQL", .enabled(if: FileManager.default.isExecutableFile(atPath: tailorBinary)))
struct ServeJourneyPostgresTests {
    /// Runs psql with a statement against the server's maintenance database.
    func psql(_ url: String, _ statement: String) throws {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["psql", url, "-qc", statement]
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try launch(process)
        process.waitUntilExit()
        try #require(process.terminationStatus == 0, "psql \(statement)")
    }

    @Test func eachCartIsMailedOnceWhicheverServerTookIt() async throws {
        let environment = ProcessInfo.processInfo.environment
        guard let base = environment["TAILOR_TEST_POSTGRES_URL"], !base.isEmpty else {
            try #require(environment["CI"] != "true", "TAILOR_TEST_POSTGRES_URL is not set")
            print("skipped: TAILOR_TEST_POSTGRES_URL is not set")
            return
        }
        let name = "tailor_cli_journeys_\(UInt32.random(in: 0..<UInt32.max))"
        try psql(base, "CREATE DATABASE \(name)")
        defer { try? psql(base, "DROP DATABASE IF EXISTS \(name) WITH (FORCE)") }
        let url = String(base[..<base.lastIndex(of: "/")!]) + "/" + name
        let dir = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let env = ["TAILOR_DATABASE_URL": url, "TAILOR_KEY_FILE": dir.appendingPathComponent("key").path]
        let created = try await tailor(["journey", "create", "Carts", "--from-template", "abandoned-cart", "--param", "wait=3s"], in: dir, environment: env)
        try #require(created.status == 0, "\(created.stderr)")

        var servers: [(process: Process, base: String, sink: URL)] = []
        defer { for s in servers where s.process.isRunning { kill(s.process.processIdentifier, SIGKILL) } }
        for i in 0..<2 {
            let port = 20_000 + Int.random(in: 0..<10_000)
            let sink = dir.appendingPathComponent("sink\(i)")
            let process = tailorProcess(["serve", "--port", String(port)], in: dir, environment: env.merging([
                "TAILOR_ADMIN_KEY": "ak", "TAILOR_WRITE_KEY": "wk", "TAILOR_MAIL_FROM": "Shop <news@shop.test>", "TAILOR_MAIL_URL": "file://\(sink.path)",
            ]) { $1 })
            process.standardOutput = FileHandle.nullDevice
            process.standardError = FileHandle.nullDevice
            try launch(process)
            servers.append((process, "http://127.0.0.1:\(port)", sink))
        }
        for s in servers {
            var healthy = false
            for _ in 0..<300 where !healthy {
                try await Task.sleep(for: .milliseconds(100))
                healthy = (try? await http("GET", s.base + "/healthz"))?.status == 200
            }
            try #require(healthy)
        }
        let write = ["Authorization: Basic " + Data("wk:".utf8).base64EncodedString()]
        let people = (0..<24).map { "p\($0)" }
        for (i, p) in people.enumerated() {
            let body = #"{"batch":[{"type":"identify","userId":"\#(p)","traits":{"email":"\#(p)@example.test"}},"#
                + #"{"type":"track","userId":"\#(p)","event":"Product Added","properties":{"product_id":"sku-\#(p)","name":"Item of \#(p)","price":5,"quantity":1}}]}"#
            #expect(try await http("POST", servers[i % 2].base + "/v1/batch", headers: write, body: body).status == 200)
        }
        var files: [URL] = []
        for _ in 0..<200 where files.count < people.count {
            try await Task.sleep(for: .milliseconds(100))
            files = servers.flatMap { emlFiles($0.sink) }
        }
        try await Task.sleep(for: .seconds(2))
        files = servers.flatMap { emlFiles($0.sink) }
        var recipients: [String] = []
        for f in files {
            let mail = try String(contentsOf: f, encoding: .utf8)
            let to = header("X-Envelope-To", mail) ?? ""
            recipients.append(to)
            #expect(mail.contains("Item of \(to.prefix { $0 != "@" })"))
        }
        #expect(recipients.sorted() == people.map { "\($0)@example.test" }.sorted(), "\(recipients.count) emails")
        for s in servers { kill(s.process.processIdentifier, SIGTERM) }
        for s in servers { for _ in 0..<100 where s.process.isRunning { try await Task.sleep(for: .milliseconds(100)) } }
        #expect(servers.allSatisfy { !$0.process.isRunning && $0.process.terminationStatus == 0 })
    }
}
