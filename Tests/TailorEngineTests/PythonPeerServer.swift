import Foundation
import TailorStore
import TailorTestLaunch

/// A Python peer server started with `TAILOR_PYTHON` that prints `READY <port>` once it listens and stops
/// when its standard input closes (the SMTP server of TailorMailTests, the webhook receiver in `Peers/`).
struct PythonPeerServer {
    let process: Process
    let input: Pipe
    let port: Int

    /// Starts `script` on a Dispatch thread and waits there, not on the cooperative pool, until it listens.
    static func start(_ script: URL, arguments: [String]) async throws -> PythonPeerServer {
        try await withCheckedThrowingContinuation { continuation in
            DispatchQueue.global().async {
                do {
                    let process = Process()
                    let output = Pipe()
                    let input = Pipe()
                    process.executableURL = URL(fileURLWithPath: ProcessInfo.processInfo.environment["TAILOR_PYTHON"]!)
                    process.arguments = [script.path] + arguments
                    process.standardInput = input
                    process.standardOutput = output
                    try ProcessLaunch.run(process)
                    var text = ""
                    while !text.contains("\n") {
                        let chunk = ProcessLaunch.readAvailable(output.fileHandleForReading)
                        if chunk.isEmpty { break }
                        text += String(decoding: chunk, as: UTF8.self)
                    }
                    guard let range = text.range(of: "READY "), let port = Int(text[range.upperBound...].prefix { $0.isNumber }) else {
                        process.terminate()
                        throw StoreError(.backend, "\(script.lastPathComponent) did not start")
                    }
                    continuation.resume(returning: PythonPeerServer(process: process, input: input, port: port))
                } catch {
                    continuation.resume(throwing: error)
                }
            }
        }
    }

    /// Closes its input (it stops) and waits for it to exit.
    func stop() {
        try? input.fileHandleForWriting.close()
        process.waitUntilExit()
    }
}
