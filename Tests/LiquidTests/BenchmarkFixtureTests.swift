import Foundation
import Liquid
import Testing

/// The golden-liquid benchmark fixtures render their expected output (so the benchmark measures
/// correct work).
@Suite("Benchmark fixtures")
struct BenchmarkFixtureTests {
    @Test(.enabled(if: TestData.goldenAvailable), arguments: ["001", "002", "004", "005", "006"])
    func rendersExpectedResult(fixture: String) throws {
        let dir = TestData.goldenLiquid.appendingPathComponent("benchmark_fixtures/\(fixture)")
        let templates = dir.appendingPathComponent("templates")
        let env = Environment(loader: DirectoryLoader(directory: templates))
        let source = try String(contentsOf: templates.appendingPathComponent("index.liquid"), encoding: .utf8)
        let data = try Value(json: String(contentsOf: dir.appendingPathComponent("data.json"), encoding: .utf8))
        let expected = try String(contentsOf: dir.appendingPathComponent("expected_result.txt"), encoding: .utf8)
        let output = try env.parse(source, name: "index.liquid").render(data)
        // The expected files were recorded in 2025 with `'now' | date: '%Y'`, and end with a newline.
        let year = try env.render("{{ 'now' | date: '%Y' }}")
        func normalized(_ s: String) -> String {
            var t = s.replacingOccurrences(of: "&copy; \(year)", with: "&copy; 2025")
            while t.hasSuffix("\n") { t.removeLast() }
            return t
        }
        #expect(normalized(output) == normalized(expected))
    }
}
