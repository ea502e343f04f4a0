import Foundation
import Liquid

/// Locations of shared test data: `<repo>/../shared/data`, or `TAILOR_SHARED_DATA`.
enum TestData {
    static var repoRoot: URL {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    }

    static var shared: URL {
        if let env = ProcessInfo.processInfo.environment["TAILOR_SHARED_DATA"] { return URL(fileURLWithPath: env) }
        return repoRoot.deletingLastPathComponent().appendingPathComponent("shared/data")
    }

    static var goldenLiquid: URL { shared.appendingPathComponent("golden-liquid") }

    static var goldenAvailable: Bool {
        FileManager.default.fileExists(atPath: goldenLiquid.appendingPathComponent("golden_liquid.json").path)
    }
}

/// Renders `source` with `data` in a default environment.
func render(_ source: String, _ data: Value = [:], environment: Environment = Environment()) throws -> String {
    try environment.parse(source).render(data)
}
