import Foundation
import Liquid
import Testing
import TailorTestLaunch

/// Renders realistic email templates (Fixtures/email) with python-liquid (through `TAILOR_PYTHON`)
/// and with this engine, and requires identical output.
@Suite("Differential: python-liquid")
struct DifferentialTests {
    static var fixtures: URL { URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Fixtures/email") }
    static var python: String? { ProcessInfo.processInfo.environment["TAILOR_PYTHON"] }

    /// Our renders, in the order the peer script uses: each template, then each context.
    static func ours() throws -> [String] {
        var sources: [String: String] = [:]
        for file in try FileManager.default.contentsOfDirectory(atPath: fixtures.path) where file.hasSuffix(".liquid") {
            sources[String(file.dropLast(7))] = try String(contentsOf: fixtures.appendingPathComponent(file), encoding: .utf8)
        }
        let spec = try Value(json: String(contentsOf: fixtures.appendingPathComponent("contexts.json"), encoding: .utf8))
        guard case .object(let o) = spec, case .array(let names)? = o["templates"], case .array(let contexts)? = o["contexts"] else {
            throw FilterError("bad contexts.json")
        }
        let environment = Environment(loader: InMemoryLoader(sources))
        var outputs: [String] = []
        for name in names {
            let template = try environment.parse(sources[name.liquidString]!, name: name.liquidString)
            for data in contexts { outputs.append(try template.render(data)) }
        }
        return outputs
    }

    @Test func fixturesRenderWithoutPeer() throws {
        let outputs = try Self.ours()
        #expect(outputs.count == 30)
        // Spot checks that hold regardless of the peer.
        #expect(outputs[0].contains("<h1>Welcome to Maison Lune, Amélie!</h1>"))
        #expect(outputs[0].contains("bed-%26-bath"))
        #expect(outputs[24] == "Amélie, Linen Duvet Cover — Sage Gr... is waiting 🇫🇷")
    }

    @Test(.enabled(if: python != nil))
    func identicalToPythonLiquid() async throws {
        let script = Self.fixtures.deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("Peers/render_python_liquid.py")
        let python = Self.python!
        let fixtures = Self.fixtures.path
        // The peer is waited for on a Dispatch thread, not on the concurrency pool the other tests share.
        let (status, data) = try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<(Int32, Data), any Error>) in
            DispatchQueue.global().async {
                continuation.resume(with: Result {
                    let process = Process()
                    process.executableURL = URL(fileURLWithPath: python)
                    process.arguments = [script.path, fixtures]
                    let pipe = Pipe()
                    process.standardOutput = pipe
                    try ProcessLaunch.run(process)
                    let data = ProcessLaunch.readToEnd(pipe.fileHandleForReading)
                    process.waitUntilExit()
                    return (process.terminationStatus, data)
                })
            }
        }
        #expect(status == 0)
        guard case .array(let theirs) = try Value(jsonBytes: Array(data)) else {
            Issue.record("peer output is not an array")
            return
        }
        let ours = try Self.ours()
        #expect(theirs.count == ours.count)
        var identical = 0
        for (i, (mine, peer)) in zip(ours, theirs).enumerated() {
            guard case .object(let r) = peer, case .string(let expected)? = r["output"] else {
                Issue.record("peer failed on render \(i): \(peer)")
                continue
            }
            if mine == expected {
                identical += 1
            } else {
                Issue.record("render \(i) differs:\n--- python-liquid\n\(expected)\n--- ours\n\(mine)")
            }
        }
        print("differential: \(identical)/\(ours.count) renders identical to python-liquid")
    }
}
