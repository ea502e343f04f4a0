import Foundation

@testable import TailorML
import TailorTestLaunch

/// Deterministic synthetic data for the model tests.
enum Fixtures {
    /// Gaussian blobs: `centres` rows of `dimension` values, `perCluster` points each, row-major.
    static func blobs(centres: [[Double]], perCluster: Int, spread: Double, seed: UInt64) -> (values: [Double], labels: [Int]) {
        var g = SeededGenerator(seed: seed)
        var values: [Double] = []
        var labels: [Int] = []
        for (c, centre) in centres.enumerated() {
            for _ in 0..<perCluster {
                for x in centre { values.append(x + spread * normal(&g)) }
                labels.append(c)
            }
        }
        return (values, labels)
    }

    /// A standard normal deviate (Box–Muller).
    static func normal(_ g: inout SeededGenerator) -> Double {
        let u = max(g.nextUnit(), 1e-300)
        let v = g.nextUnit()
        return (-2 * log(u)).squareRoot() * cos(2 * .pi * v)
    }

    /// Writes row-major values as a CSV with a header, returns its path.
    static func writeCSV(_ values: [Double], dimension: Int, name: String) throws -> String {
        let header = (0..<dimension).map { "f\($0)" }.joined(separator: ",")
        var text = header + "\n"
        for row in 0..<(values.count / dimension) {
            text += (0..<dimension).map { String(values[row * dimension + $0]) }.joined(separator: ",") + "\n"
        }
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("tailorml-\(name)-\(UUID().uuidString).csv")
        try text.write(to: url, atomically: true, encoding: .utf8)
        return url.path
    }

    static var peersDirectory: URL { URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Peers") }

    /// Runs a Python peer script with `TAILOR_PYTHON`, returns its standard output parsed as JSON.
    static func runPeer(_ script: String, _ arguments: [String]) async throws -> [String: Any] {
        try JSONSerialization.jsonObject(with: await runPeerScript(script, arguments)) as! [String: Any]
    }

    /// Runs a Python peer script with `TAILOR_PYTHON`, returns its standard output.
    /// The wait happens on a Dispatch thread: blocking the concurrency pool (two threads here) would stall
    /// every other test running in parallel.
    @discardableResult
    static func runPeerScript(_ script: String, _ arguments: [String]) async throws -> Data {
        try await withCheckedThrowingContinuation { continuation in
            DispatchQueue.global().async {
                continuation.resume(with: Result { try runPeerScriptBlocking(script, arguments) })
            }
        }
    }

    static func runPeerScriptBlocking(_ script: String, _ arguments: [String]) throws -> Data {
        let python = ProcessInfo.processInfo.environment["TAILOR_PYTHON"]!
        let process = Process()
        process.executableURL = URL(fileURLWithPath: python)
        process.arguments = [peersDirectory.appendingPathComponent(script).path] + arguments
        let out = Pipe()
        process.standardOutput = out
        try ProcessLaunch.run(process)
        let data = ProcessLaunch.readToEnd(out.fileHandleForReading)
        process.waitUntilExit()
        guard process.terminationStatus == 0 else { throw MLError(.io, "peer \(script) exited with \(process.terminationStatus)") }
        return data
    }
}
