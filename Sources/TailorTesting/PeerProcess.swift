public import Foundation
import TailorTestLaunch

/// Runs a peer program (a Python script through `TAILOR_PYTHON`) and returns its exit status and standard
/// output. The process is waited for on a Dispatch thread, never on the concurrency pool the tests share.
public enum PeerProcess {
    public static func run(_ executable: String, _ arguments: [String]) async throws -> (status: Int32, output: Data) {
        try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<(Int32, Data), any Error>) in
            DispatchQueue.global().async {
                continuation.resume(with: Result {
                    let process = Process()
                    process.executableURL = URL(fileURLWithPath: executable)
                    process.arguments = arguments
                    let output = Pipe()
                    process.standardOutput = output
                    try ProcessLaunch.run(process)
                    let data = ProcessLaunch.readToEnd(output.fileHandleForReading)
                    process.waitUntilExit()
                    return (process.terminationStatus, data)
                })
            }
        }
    }
}
