import Foundation
import Liquid
import Testing

/// Random and mutated templates must never crash or hang the engine: each either renders or
/// throws a ``LiquidError``, within the resource limits.
@Suite("Fuzzing")
struct FuzzTests {
    /// SplitMix64: deterministic, so a failure can be replayed from its seed.
    struct Rng {
        var state: UInt64
        mutating func next() -> UInt64 {
            state &+= 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
        mutating func int(_ n: Int) -> Int { Int(next() % UInt64(max(1, n))) }
        mutating func pick<T>(_ items: [T]) -> T { items[int(items.count)] }
    }

    static let fragments = [
        "{{", "}}", "{%", "%}", "{%-", "-%}", "{{-", "-}}", " ", "\n", "x", "y.z", "a[0]", "a[-1]", "(1..3)", "(x..y)", "'s'", "\"q\"", "42", "-7",
        "3.14", "|", ":", ",", "upcase", "append: 'x'", "split: ','", "join", "times: 99999999999", "divided_by: 0", "slice: -9999999999999, 9999999999",
        "truncate: -5", "default: x, allow_false: true", "where: 'a', 1", "sort", "map: 'b'", "date: '%Y %-d %^a %%'", "round: -99", "plus: 1e308",
        "if", "elsif", "else", "endif", "for i in", "endfor", "limit: 9223372036854775807", "offset: continue", "reversed", "case", "when", "endcase",
        "unless", "endunless", "capture c", "endcapture", "assign v =", "cycle 1, 2", "increment n", "decrement n", "tablerow t in", "cols: 0",
        "endtablerow", "raw", "endraw", "comment", "endcomment", "liquid", "echo", "#", "break", "continue", "include 'p'", "render 'p'",
        "with", "as", "ifchanged", "endifchanged", "doc", "enddoc", "contains", "==", "!=", "<", ">=", "and", "or", "blank", "empty", "nil",
        "forloop.index", "forloop.parentloop.name", "tablerowloop.col", "[", "]", "(", ")", "..", ".", "'", "\"", "\u{0}", "é", "🇫🇷",
    ]

    static let environment = Environment(
        loader: InMemoryLoader(["p": "{{ v }}{% include 'p' %}", "q": "{% render 'q' %}"]),
        limits: ResourceLimits(loopIterations: 5_000, outputBytes: 64 * 1024, nestingDepth: 50, partialDepth: 10)
    )
    static let data: Value = [
        "x": 1, "y": ["z": "zed"], "a": ["first", 2, 3.5, ["b": "c"], [1, [2]]], "s": "hello, world", "n": 9_223_372_036_854_775_807,
        "v": "<v>", "items": .array((0..<20).map { ["a": .int($0), "b": .string("b\($0)")] as Value }),
    ]

    /// Renders `source`; returns false if it failed with anything but a `LiquidError`.
    static func survives(_ source: String) -> Bool {
        do {
            _ = try environment.parse(source).render(data)
            return true
        } catch is LiquidError {
            return true
        } catch {
            return false
        }
    }

    @Test func randomTokenSoup() {
        var rng = Rng(state: 0xC0FFEE)
        var bad: [String] = []
        for _ in 0..<10_000 {
            var s = ""
            for _ in 0..<(1 + rng.int(40)) { s += rng.pick(Self.fragments) + (rng.int(3) == 0 ? " " : "") }
            if !Self.survives(s) { bad.append(s) }
        }
        #expect(bad.isEmpty, "\(bad.prefix(5))")
    }

    @Test(.enabled(if: TestData.goldenAvailable))
    func mutatedGoldenTemplates() throws {
        let cases = try GoldenLiquidTests.loadCases()
        var rng = Rng(state: 42)
        var bad: [String] = []
        var rendered = 0
        for _ in 0..<10_000 {
            var bytes = Array(rng.pick(cases).template.utf8)
            for _ in 0..<(1 + rng.int(4)) {
                let at = rng.int(bytes.count + 1)
                switch rng.int(5) {
                case 0 where !bytes.isEmpty: bytes.remove(at: min(at, bytes.count - 1))
                case 1: bytes.insert(contentsOf: Array(rng.pick(Self.fragments).utf8), at: at)
                case 2 where bytes.count > 2:
                    let a = rng.int(bytes.count), b = min(bytes.count, a + rng.int(12))
                    bytes.insert(contentsOf: bytes[a..<b], at: at)
                case 3: bytes.insert(UInt8(truncatingIfNeeded: rng.next()), at: at)
                default: bytes.insert(contentsOf: Array(rng.pick(Self.fragments).utf8), at: at)
                }
            }
            let source = String(decoding: bytes, as: UTF8.self)
            if Self.survives(source) { rendered += 1 } else { bad.append(source) }
        }
        #expect(rendered == 10_000)
        #expect(bad.isEmpty, "\(bad.prefix(5))")
    }

    @Test func hostileTemplatesStopWithinLimits() {
        let hostile = [
            "{% for a in (1..1000000) %}{% for b in (1..1000000) %}{{ a }}{% endfor %}{% endfor %}",
            "{% assign s = 'xx' %}{% for i in (1..100) %}{% assign s = s | append: s %}{% endfor %}",
            "{% capture c %}{% for i in (1..1000000) %}0123456789{% endfor %}{% endcapture %}",
            "{% include 'p' %}", "{% render 'q' %}",
            String(repeating: "{% if true %}", count: 10_000),
            String(repeating: "[", count: 100_000) + "x",
            "{{ " + String(repeating: "a and ", count: 50_000) + "b }}",
            "{% if " + String(repeating: "a or ", count: 50_000) + "b %}{% endif %}",
            "{{ (1..9223372036854775807) | join }}", "{{ (-9223372036854775807..9223372036854775807).size }}",
            "{% for i in (1..9223372036854775807) limit: 9223372036854775807 offset: 9223372036854775807 %}{% endfor %}",
            "{{ 'x' | slice: 9223372036854775807, 9223372036854775807 }}{{ 'x' | slice: -9223372036854775807 }}",
            "{{ 9223372036854775807 | plus: 1 | times: 9223372036854775807 | round: -9223372036854775807 }}",
        ]
        let clock = ContinuousClock()
        for source in hostile {
            let elapsed = clock.measure { #expect(Self.survives(source), "\(source.prefix(80))") }
            #expect(elapsed < .seconds(30), "\(source.prefix(80)) took \(elapsed)")
        }
    }
}
