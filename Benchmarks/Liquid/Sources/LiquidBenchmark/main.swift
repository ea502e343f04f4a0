// Parses and renders each golden-liquid benchmark fixture repeatedly and prints one JSON line per
// fixture: microseconds per parse and per render, and allocations per render.
//
// Usage: LiquidBenchmark FIXTURES_DIR [fixture ...]
import Foundation
import Liquid
import MallocCounter

let arguments = CommandLine.arguments
guard arguments.count >= 2 else {
    FileHandle.standardError.write(Data("usage: LiquidBenchmark FIXTURES_DIR [fixture ...]\n".utf8))
    exit(2)
}
let root = URL(fileURLWithPath: arguments[1])
let fixtures = arguments.count > 2 ? Array(arguments[2...]) : ["001", "002", "004", "005", "006"]
/// CPU time of this thread in seconds: robust against other processes competing for the cores.
func threadCPUTime() -> Double {
    var ts = timespec()
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts)
    return Double(ts.tv_sec) + Double(ts.tv_nsec) / 1e9
}

/// Runs `body` in batches until about `budget` seconds of CPU time have been used; returns the
/// best (lowest) microseconds per call over the batches.
func measure(budget: Double = 0.7, _ body: () throws -> Void) rethrows -> Double {
    for _ in 0..<20 { try body() }
    var used = 0.0
    var best = Double.infinity
    let batch = 50
    while used < budget {
        let start = threadCPUTime()
        for _ in 0..<batch { try body() }
        let t = threadCPUTime() - start
        used += t
        best = min(best, t / Double(batch) * 1e6)
    }
    return best
}

for fixture in fixtures {
    let dir = root.appendingPathComponent(fixture)
    let templates = dir.appendingPathComponent("templates")
    let source = try String(contentsOf: templates.appendingPathComponent("index.liquid"), encoding: .utf8)
    let data = try Value(json: String(contentsOf: dir.appendingPathComponent("data.json"), encoding: .utf8))
    let environment = Environment(loader: DirectoryLoader(directory: templates))
    // LIQUID_BENCH_RENDER_ONLY=1 skips the parse measurement (for profiling renders).
    let renderOnly = ProcessInfo.processInfo.environment["LIQUID_BENCH_RENDER_ONLY"] != nil
    let parseMicros = renderOnly ? 0 : try measure { _ = try environment.parse(source, name: "index.liquid") }
    let template = try environment.parse(source, name: "index.liquid")
    var sink = 0
    let renderMicros = try measure { sink &+= try template.render(data).utf8.count }
    // Allocations per render, measured after warm-up (partials are cached by then).
    let runs = 200
    let before = malloc_counter_allocations()
    for _ in 0..<runs { sink &+= try template.render(data).utf8.count }
    let allocations = Double(malloc_counter_allocations() - before) / Double(runs)
    print(
        #"{"fixture": "\#(fixture)", "parse_us": \#(parseMicros), "render_us": \#(renderMicros), "allocs_per_render": \#(allocations), "bytes": \#(sink % 1)}"#
    )
}
