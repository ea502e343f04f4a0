import Foundation
import Liquid
import Testing

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Hostile templates (growth by doubling, multiplying filter chains, self-rendering partials,
/// heavy filters in loops) stop with ``LiquidError/Kind/limitExceeded`` naming the limit, within a
/// second of wall time and without allocating more than a few tens of megabytes.
///
/// No clock may be needed to stop them: the wall-clock backstop is off here (it has its own test),
/// so each stops by a deterministic limit. Release builds run with the default limits. A debug build runs this engine's own code many
/// times slower, so there the work budget is scaled down by ``debugSlowdown`` to keep the same
/// time bound; byte-heavy work, done in the (optimized) standard library, is not slower.
@Suite("Resource limits", .serialized)
struct ResourceLimitTests {
    #if DEBUG
    static let debugSlowdown = 10
    #else
    static let debugSlowdown = 1
    #endif

    static let limits: ResourceLimits = {
        var limits = ResourceLimits()
        limits.workUnits /= debugSlowdown
        limits.renderTime = nil
        return limits
    }()

    /// Partials that call themselves: in two branches each, so the renders double with each level
    /// of a depth counter that stays below ``ResourceLimits/partialDepth`` (2^20 renders in all).
    static let partials: [String: String] = [
        "fan": "{% if d < 20 %}{% assign e = d | plus: 1 %}{% render 'fan', d: e %}{% render 'fan', d: e %}{% endif %}",
        // `include` shares the scope: each call puts the counter back as it found it.
        "fan_include": "{% assign d = d | plus: 1 %}{% if d < 20 %}{% include 'fan_include' %}{% include 'fan_include' %}{% endif %}{% assign d = d | minus: 1 %}",
        "fan_for": "{% if d < 6 %}{% assign e = d | plus: 1 %}{% render 'fan_for' for (1..10) as i, d: e %}{% endif %}",
        "deep": "{% render 'deep' %}",
        "echo": "{{ s }}{{ s }}",
    ]

    static let environment = Environment(loader: InMemoryLoader(partials), limits: limits)

    /// An 8 MiB string from the data (data may be large; templates must not make it expensive).
    static let data: Value = [
        "big": .string(String(repeating: "abcdefgh", count: 1 << 20)), "mb": .string(String(repeating: "abcdefgh", count: 1 << 17)),
        "objects": .array((0..<100_000).map { ["id": .int($0)] as Value }),
    ]

    static let hostile: [(name: String, source: String)] = [
        // Doubling a string, then multiplying it with replace (reached 5.3 GB).
        ("append doubling then replace", "{% assign s = 'x' %}{% for i in (1..40) %}{% assign s = s | append: s %}{% endfor %}{% assign t = s | replace: 'x', s %}"),
        // A value built by filters and never output (built 255 MB under a 16 MiB output limit).
        ("append doubling, never output", "{% assign s = 'x' %}{% for i in (1..40) %}{% assign s = s | append: s %}{% endfor %}"),
        ("prepend doubling", "{% assign s = 'x' %}{% for i in (1..40) %}{% assign s = s | prepend: s %}{% endfor %}"),
        ("one multiplying chain", "{{ 'xxxxxxxxxx' | replace: 'x', 'xxxxxxxxxx' | replace: 'x', 'xxxxxxxxxx' | replace: 'x', 'xxxxxxxxxx' | replace: 'x', 'xxxxxxxxxx' | replace: 'x', 'xxxxxxxxxx' | replace: 'x', 'xxxxxxxxxx' | replace: 'x', 'xxxxxxxxxx' | size }}"),
        ("capture doubling", "{% assign s = 'x' %}{% for i in (1..40) %}{% capture s %}{{ s }}{{ s }}{% endcapture %}{% endfor %}"),
        ("capture doubling through a partial", "{% assign s = 'x' %}{% for i in (1..40) %}{% capture s %}{% render 'echo', s: s %}{% endcapture %}{% endfor %}"),
        ("replace_first growth", "{% assign s = 'xx' %}{% for i in (1..40) %}{% assign s = s | replace_first: 'x', s %}{% endfor %}"),
        ("replace_last growth", "{% assign s = 'xx' %}{% for i in (1..40) %}{% assign s = s | replace_last: 'x', s %}{% endfor %}"),
        ("replace with an empty pattern", "{% assign s = 'xx' %}{% for i in (1..40) %}{% assign s = s | replace: '', s %}{% endfor %}"),
        ("split and join growth", "{% assign s = 'abc' %}{% for i in (1..40) %}{% assign s = s | split: '' | join: s %}{% endfor %}"),
        ("join with a growing separator", "{% assign s = 'ab' %}{% for i in (1..40) %}{% assign s = (1..100) | join: s %}{% endfor %}"),
        ("concat doubling", "{% assign a = '1,2,3' | split: ',' %}{% for i in (1..40) %}{% assign a = a | concat: a %}{% endfor %}"),
        ("a huge range from times", "{% assign n = 10 | times: 100000000 %}{{ (1..n) | join: ',' }}"),
        ("a huge range reversed", "{% assign n = 10 | times: 100000000 %}{{ (1..n) | reverse | first }}"),
        ("loops over a range from times", "{% assign n = 10 | times: 100000000 %}{% for i in (1..n) %}{% for j in (1..n) %}{{ i }}{% endfor %}{% endfor %}"),
        ("self-rendering partial with a depth counter", "{% render 'fan', d: 0 %}"),
        ("self-including partial with a depth counter", "{% assign d = 0 %}{% include 'fan_include' %}"),
        ("partial rendering itself for a range", "{% render 'fan_for', d: 0 %}"),
        ("partial rendering itself without end", "{% render 'deep' %}"),
        ("replace on an 8 MB string in a loop", "{% for i in (1..1000000) %}{% assign t = big | replace: 'a', 'b' %}{% endfor %}"),
        ("replace on a 1 MB string in a loop", "{% for i in (1..1000000) %}{% assign t = mb | replace: 'a', 'b' %}{% endfor %}"),
        ("remove (shrinking) on a 1 MB string in a loop", "{% for i in (1..1000000) %}{% assign t = mb | remove: 'a' %}{% endfor %}"),
        ("contains on an 8 MB string in a loop", "{% for i in (1..1000000) %}{% if big contains 'zz' %}x{% endif %}{% endfor %}"),
        ("size of a 1 MB string in a loop", "{% for i in (1..1000000) %}{% assign n = mb.size %}{% assign m = mb | size %}{% endfor %}"),
        ("split of a 1 MB string in a loop", "{% for i in (1..1000000) %}{% assign w = mb | split: 'a' %}{% endfor %}"),
        ("sort of a big array in a loop", "{% assign a = mb | slice: 0, 200000 | split: '' %}{% for i in (1..1000000) %}{% assign b = a | sort %}{% endfor %}"),
        ("uniq of strings in a loop", "{% assign a = mb | slice: 0, 200000 | split: '' %}{% for i in (1..1000000) %}{% assign b = a | uniq %}{% endfor %}"),
        ("uniq of objects", "{{ objects | uniq | size }}"),
        ("nested loops of cheap filters", "{% for a in (1..1000) %}{% for b in (1..1000) %}{{ a | plus: b | minus: 1 | times: 2 | modulo: 7 | at_least: 0 | abs | ceil }}{% endfor %}{% endfor %}"),
        ("nested loops of cheap filters, never output", "{% for a in (1..1000) %}{% for b in (1..999) %}{% assign c = a | plus: b | minus: 1 | times: 2 | modulo: 7 | at_least: 0 | abs | ceil | append: 'x' | upcase | size %}{% endfor %}{% endfor %}"),
        ("strip_html on unclosed tags in a loop", "{% assign s = mb | replace: 'a', '<' %}{% for i in (1..1000000) %}{% assign t = s | strip_html %}{% endfor %}"),
    ]

    /// Peak resident memory of this process, in bytes.
    static func peakMemory() -> Int {
        var usage = rusage()
        #if canImport(Glibc)
        getrusage(RUSAGE_SELF.rawValue, &usage)
        return Int(usage.ru_maxrss) * 1024
        #else
        getrusage(RUSAGE_SELF, &usage)
        return Int(usage.ru_maxrss)
        #endif
    }

    /// CPU time this thread has used.
    static func threadCPUTime() -> Duration {
        var t = timespec()
        clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t)
        return .seconds(t.tv_sec) + .nanoseconds(t.tv_nsec)
    }

    @Test(arguments: hostile.map(\.name))
    func stopsWithinLimits(_ name: String) throws {
        let source = try #require(Self.hostile.first { $0.name == name }).source
        let template = try Self.environment.parse(source, name: "hostile.liquid")
        let data = Self.data
        let memoryBefore = Self.peakMemory()
        // The render's own CPU time: the whole suite runs at once, so wall time on a loaded 2-core machine
        // says little; the wall clock still bounds a hang.
        let clock = ContinuousClock()
        let start = clock.now
        let cpuStart = Self.threadCPUTime()
        var error: LiquidError?
        do {
            _ = try template.render(data)
        } catch let e as LiquidError {
            error = e
        }
        let elapsed = Self.threadCPUTime() - cpuStart
        #expect(clock.now - start < .seconds(10), "\(name) took \(clock.now - start) of wall time")
        print("\(name): \(elapsed) \(error.map { "\($0.message)" } ?? "rendered")")
        #expect(error?.kind == .limitExceeded, "\(name): \(error.map { "\($0)" } ?? "rendered")")
        #expect(error?.message.contains("ResourceLimits.") == true, "the error names the limit")
        #expect(elapsed < .seconds(1), "\(name) took \(elapsed)")
        // Peak memory only rises when a case needs more than any test before it: a case that
        // allocated gigabytes shows here.
        #expect(Self.peakMemory() - memoryBefore < 128 << 20, "\(name): peak memory rose to \(Self.peakMemory() >> 20) MiB")
        #expect(Self.peakMemory() < 1 << 30, "peak memory \(Self.peakMemory() >> 20) MiB")
    }

    /// The wall-clock backstop stops work the budget does not see in time (here: an unlimited budget).
    @Test func renderTimeStopsARenderWithoutWorkLimit() throws {
        var limits = ResourceLimits()
        limits.workUnits = .max
        limits.loopIterations = .max
        limits.renderTime = .milliseconds(200)
        let template = try Environment(limits: limits).parse(
            "{% for a in (1..100000) %}{% for b in (1..100000) %}{{ a | plus: b }}{% endfor %}{% endfor %}")
        let clock = ContinuousClock()
        let start = clock.now
        #expect {
            _ = try template.render()
        } throws: { error in
            guard let error = error as? LiquidError else { return false }
            return error.kind == .limitExceeded && error.message.contains("ResourceLimits.renderTime")
        }
        #expect(clock.now - start < .seconds(1))
    }

    /// Ordinary work is far below the defaults, and the defaults are the documented ones.
    @Test func defaultsLeaveOrdinaryTemplatesAlone() throws {
        let defaults = ResourceLimits()
        #expect(defaults.valueBytes == 4 << 20)
        #expect(defaults.workUnits == 20_000_000)
        #expect(defaults.renderTime == .seconds(2))
        let env = Environment(loader: InMemoryLoader(["card": "<td>{{ p.title | upcase | truncate: 20 }} {{ p.price | times: 1.2 | round: 2 }}</td>"]))
        let products: Value = .array((0..<2_000).map { ["title": .string("Product \($0) with a long name"), "price": .double(Double($0) + 0.5)] as Value })
        let output = try env.parse("{% for p in products %}{% render 'card', p: p %}{% assign m = forloop.index | modulo: 4 %}{% if m == 0 %}<tr>{% endif %}{% endfor %}")
            .render(["products": products])
        #expect(output.count > 50_000)
        // A value at the limit is fine, one byte more is not (arrays: 64 / 16 = 4 items).
        let limited = Environment(limits: ResourceLimits(valueBytes: 64))
        let half = String(repeating: "x", count: 32)
        #expect(try limited.render("{{ '\(half)' | append: '\(half)' | size }}") == "64")
        #expect(throws: LiquidError.self) { try limited.render("{{ '\(half)' | append: '\(half)y' }}") }
        #expect(try limited.render("{% capture c %}\(half)\(half){% endcapture %}{{ c.size }}") == "64")
        #expect(throws: LiquidError.self) { try limited.render("{% capture c %}\(half)\(half)y{% endcapture %}") }
        #expect(try limited.render("{{ 'a,b,c,d' | split: ',' | join: 'xx' }}") == "axxbxxcxxd")
        #expect(throws: LiquidError.self) { try limited.render("{{ 'a,b,c,d' | split: ',' | join: '\(half)' }}") }
        #expect(throws: LiquidError.self) { try limited.render("{{ 'a,b,c,d,e' | split: ',' | size }}") }
    }
}
