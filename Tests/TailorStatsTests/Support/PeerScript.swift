import Foundation
import TailorTestLaunch

/// Runs the Python peer scripts of the interop tests (Peers/, through `TAILOR_PYTHON`).
///
/// A few lines of our own rather than TailorTesting's runner: this target depends on TailorStats alone.
enum PeerScript {
    /// The interpreter the interop tests use; they are skipped when it is not set.
    static var python: String? { ProcessInfo.processInfo.environment["TAILOR_PYTHON"] }

    static var directory: URL {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("Peers")
    }

    struct Failure: Error, CustomStringConvertible {
        let description: String
    }

    /// Runs `script` with `TAILOR_PYTHON` and decodes its standard output, a JSON document.
    ///
    /// The process is waited for on a Dispatch thread: blocking the concurrency pool (two threads on the build
    /// machine) would stall every other test running in parallel.
    static func run<Output: Decodable>(_ script: String, _ arguments: [String] = [], as type: Output.Type) async throws -> Output {
        guard let python else { throw Failure(description: "TAILOR_PYTHON is not set") }
        let path = directory.appendingPathComponent(script).path
        let output: Data = try await withCheckedThrowingContinuation { continuation in
            DispatchQueue.global().async {
                continuation.resume(
                    with: Result {
                        let process = Process()
                        process.executableURL = URL(fileURLWithPath: python)
                        process.arguments = [path] + arguments
                        let pipe = Pipe()
                        process.standardOutput = pipe
                        try ProcessLaunch.run(process)
                        let data = ProcessLaunch.readToEnd(pipe.fileHandleForReading)
                        process.waitUntilExit()
                        guard process.terminationStatus == 0 else {
                            throw Failure(description: "peer \(script) exited with status \(process.terminationStatus)")
                        }
                        return data
                    }
                )
            }
        }
        let decoder = JSONDecoder()
        decoder.keyDecodingStrategy = .convertFromSnakeCase
        return try decoder.decode(Output.self, from: output)
    }
}
