import Foundation
import Liquid
import Testing

/// The golden-liquid conformance suite (github.com/jg-rp/golden-liquid, MIT), run from
/// `shared/data/golden-liquid`. Cases tagged `strict` run in strict mode; `invalid` cases must throw.
@Suite("Golden Liquid conformance")
struct GoldenLiquidTests {
    /// Cases we skip, each with the reason. At most 10.
    static let skipped: [String: String] = [:]

    struct Case {
        var name: String
        var template: String
        var data: Value
        var results: [String]
        var invalid: Bool
        var strict: Bool
        var templates: [String: String]
    }

    static func loadCases() throws -> [Case] {
        let text = try String(contentsOf: TestData.goldenLiquid.appendingPathComponent("golden_liquid.json"), encoding: .utf8)
        guard case .object(let root) = try Value(json: text), case .array(let tests)? = root["tests"] else { return [] }
        return tests.compactMap { item -> Case? in
            guard case .object(let o) = item, case .string(let name)? = o["name"], case .string(let template)? = o["template"] else { return nil }
            var results: [String] = []
            if case .string(let r)? = o["result"] { results.append(r) }
            if case .array(let rs)? = o["results"] { results += rs.compactMap { if case .string(let s) = $0 { s } else { nil } } }
            var tags: [String] = []
            if case .array(let ts)? = o["tags"] { tags = ts.compactMap { if case .string(let s) = $0 { s } else { nil } } }
            var templates: [String: String] = [:]
            if case .object(let t)? = o["templates"] {
                for (k, v) in t.entries { if case .string(let s) = v { templates[k] = s } }
            }
            var invalid = false
            if case .bool(let b)? = o["invalid"] { invalid = b }
            return Case(
                name: name, template: template, data: o["data"] ?? [:], results: results, invalid: invalid,
                strict: tags.contains("strict") || tags.contains("strict2"), templates: templates)
        }
    }

    /// Runs one case; returns a failure description or nil.
    static func run(_ c: Case) -> String? {
        let environment = Environment(mode: c.strict ? .strict : .lax, loader: InMemoryLoader(c.templates))
        do {
            let output = try environment.parse(c.template, name: "golden").render(c.data)
            if c.invalid { return "expected an error, got \(output.debugDescription)" }
            if !c.results.contains(output) {
                return "expected \(c.results.first.debugDescription), got \(output.debugDescription)"
            }
            return nil
        } catch {
            if c.invalid { return nil }
            return "unexpected error: \(error)"
        }
    }

    @Test(.enabled(if: TestData.goldenAvailable))
    func conformance() throws {
        let cases = try Self.loadCases()
        #expect(cases.count == 1054)
        #expect(Self.skipped.count <= 10)
        var passed = 0
        var failures: [String] = []
        for c in cases {
            if Self.skipped[c.name] != nil { continue }
            if let failure = Self.run(c) {
                failures.append("\(c.name): \(failure)\n    template: \(c.template.debugDescription)")
            } else {
                passed += 1
            }
        }
        print("golden-liquid: \(passed)/\(cases.count) passed, \(Self.skipped.count) skipped, \(failures.count) failed")
        for f in failures { print("FAIL " + f) }
        #expect(failures.count == 0, "see FAIL lines above")
    }
}
