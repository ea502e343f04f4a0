import Foundation
import TailorTestLaunch

/// Runs the Python peers in `Peers/` through `TAILOR_PYTHON`.
enum PythonPeer {
    static var python: String? { ProcessInfo.processInfo.environment["TAILOR_PYTHON"] }
    static var isAvailable: Bool { python != nil }
    static var peersDirectory: URL { URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Peers") }

    static func temporaryDirectory(_ label: String) -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("tailor-mail-\(label)-\(UUID().uuidString)")
        try? FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }

    /// Runs `body` on a Dispatch thread and waits for it without holding a thread of the
    /// cooperative pool: the peers block (reading pipes, waiting for processes) while other tests run.
    static func offPool<T: Sendable>(_ body: @escaping @Sendable () throws -> T) async throws -> T {
        try await withCheckedThrowingContinuation { continuation in
            DispatchQueue.global().async { continuation.resume(with: Result { try body() }) }
        }
    }

    /// A running `smtp_server.py`.
    ///
    /// `@unchecked Sendable`: made on a Dispatch thread and handed to the one test that uses it;
    /// `port` is set before it is handed over and never changes afterwards.
    final class SMTPServer: @unchecked Sendable {
        let process = Process()
        let input = Pipe()
        let output = Pipe()
        let directory: URL
        private(set) var port = 0

        /// Starts a server and waits (off the cooperative pool) until it listens.
        static func start(arguments: [String] = []) async throws -> SMTPServer {
            try await PythonPeer.offPool { try SMTPServer(arguments: arguments) }
        }

        private init(arguments: [String]) throws {
            directory = PythonPeer.temporaryDirectory("aiosmtpd")
            process.executableURL = URL(fileURLWithPath: PythonPeer.python!)
            process.arguments = [PythonPeer.peersDirectory.appendingPathComponent("smtp_server.py").path, "--out", directory.path] + arguments
            process.standardInput = input
            process.standardOutput = output
            try ProcessLaunch.run(process)
            var buffer = Data()
            let deadline = Date().addingTimeInterval(30)
            while Date() < deadline {
                let chunk = ProcessLaunch.readAvailable(output.fileHandleForReading)
                guard !chunk.isEmpty else { break }
                buffer += chunk
                if let line = String(data: buffer, encoding: .utf8), let range = line.range(of: "READY ") {
                    let rest = line[range.upperBound...].prefix { $0.isNumber }
                    if let port = Int(rest), line.contains("\n") {
                        self.port = port
                        return
                    }
                }
            }
            stop()
            throw PeerError(description: "aiosmtpd did not start")
        }

        /// Received messages (raw bytes) and envelopes, in arrival order.
        func messages() throws -> [(eml: URL, envelope: [String: Any])] {
            let files = try FileManager.default.contentsOfDirectory(atPath: directory.path).filter { $0.hasSuffix(".eml") }.sorted()
            return try files.map { name in
                let eml = directory.appendingPathComponent(name)
                let json = directory.appendingPathComponent(name.replacingOccurrences(of: ".eml", with: ".json"))
                let envelope = try JSONSerialization.jsonObject(with: Data(contentsOf: json)) as! [String: Any]
                return (eml, envelope)
            }
        }

        var certificatePEM: String { (try? String(contentsOf: directory.appendingPathComponent("cert.pem"), encoding: .utf8)) ?? "" }

        /// Ends the server (its input closes, then SIGTERM) and removes its folder. Does not wait for
        /// the process to exit, so it can run in a `defer` on the cooperative pool; Foundation reaps it.
        func stop() {
            try? input.fileHandleForWriting.close()
            if process.isRunning { process.terminate() }
            try? FileManager.default.removeItem(at: directory)
        }

        deinit { if process.isRunning { stop() } }
    }

    /// Runs `inspect_message.py` on a message file, waiting for it on a Dispatch thread.
    static func inspect(_ file: URL, dkimTXT: String? = nil) async throws -> [String: Any] {
        let python = python!
        let script = peersDirectory.appendingPathComponent("inspect_message.py").path
        let data = try await offPool {
            let process = Process()
            let output = Pipe()
            process.executableURL = URL(fileURLWithPath: python)
            process.arguments = [script, file.path] + (dkimTXT.map { ["--dkim-txt", $0] } ?? [])
            process.standardOutput = output
            try ProcessLaunch.run(process)
            let data = ProcessLaunch.readToEnd(output.fileHandleForReading)
            process.waitUntilExit()
            guard process.terminationStatus == 0 else { throw PeerError(description: "inspect_message.py failed") }
            return data
        }
        return try JSONSerialization.jsonObject(with: data) as! [String: Any]
    }

    struct PeerError: Error, CustomStringConvertible { let description: String }
}
