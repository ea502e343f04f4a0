// Measures how fast the demo shop is generated: messages built per second on one core and on all
// cores, the summary (counts only), and serializing the messages as Segment JSON Lines.
// Usage: tailor-demo-bench [customers] [seed] [repeats]
import Foundation
import Synchronization
import TailorCore
import TailorDemo

let arguments = CommandLine.arguments
let customers = arguments.count > 1 ? Int(arguments[1])! : 10_000
let seed = arguments.count > 2 ? UInt64(arguments[2])! : 42
let repeats = arguments.count > 3 ? Int(arguments[3])! : 3
let now = ISO8601.parse("2026-11-01T12:00:00Z")!
let shop = DemoShop(seed: seed, customers: customers, now: now)

/// Process CPU time in seconds: the machine is shared, so wall-clock rates understate the generator;
/// both are printed.
func cpuSeconds() -> Double {
    var t = timespec()
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &t)
    return Double(t.tv_sec) + Double(t.tv_nsec) / 1e9
}

struct Measure {
    var seconds: Double
    var cpu: Double
    var count: Int
}

func best(_ body: () -> Int) -> Measure {
    var fastest = Measure(seconds: .infinity, cpu: .infinity, count: 0)
    for _ in 0..<repeats {
        let start = DispatchTime.now().uptimeNanoseconds
        let cpuStart = cpuSeconds()
        let count = body()
        let wall = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
        let cpu = cpuSeconds() - cpuStart
        fastest = Measure(seconds: min(fastest.seconds, wall), cpu: min(fastest.cpu, cpu), count: count)
    }
    return fastest
}

func padded(_ s: String, _ width: Int) -> String {
    s.count >= width ? s : s + String(repeating: " ", count: width - s.count)
}

func report(_ label: String, _ r: Measure, unit: String = "messages") {
    print(
        padded(label, 40)
            + String(
                format: " %10d %@: wall %6.3f s = %10.0f/s, cpu %6.3f s = %10.0f/s",
                r.count,
                unit,
                r.seconds,
                Double(r.count) / r.seconds,
                r.cpu,
                Double(r.count) / r.cpu
            )
    )
}

print("demo shop: \(customers) customers, seed \(seed), best of \(repeats)")
let sequential = best {
    var n = 0
    for m in shop.messages() { n &+= m.timestamp > now ? 0 : 1 }
    return n
}
report("messages(), one core", sequential)
// `tailor-demo-bench N SEED REPEATS messages` stops here (for profiling the generator alone).
if arguments.count > 4 && arguments[4] == "messages" { exit(0) }

let cores = ProcessInfo.processInfo.activeProcessorCount
let parallel = best {
    let chunks = cores * 8
    let total = Mutex(0)
    DispatchQueue.concurrentPerform(iterations: chunks) { c in
        let range = (customers * c / chunks)..<(customers * (c + 1) / chunks)
        var n = 0
        for i in range { n += shop.messages(forCustomer: i).count }
        total.withLock { $0 += n }
    }
    return total.withLock { $0 }
}
report("messages(forCustomer:), \(cores) cores", parallel)

let summaryTime = best { shop.summary().messages }
report("summary() (counts only)", summaryTime)

let json = best {
    var bytes = 0
    var out: [UInt8] = []
    out.reserveCapacity(1 << 16)
    for m in shop.messages() {
        JSONWriter.write(.object(m.json), into: &out)
        out.append(0x0A)
        if out.count > 1 << 16 {
            bytes += out.count
            out.removeAll(keepingCapacity: true)
        }
    }
    return bytes + out.count
}
report("messages() as JSON Lines", json, unit: "bytes")

let s = shop.summary()
print("")
print(
    "customers \(s.customers), products \(s.products), messages \(s.messages) (\(String(format: "%.1f", Double(s.messages) / Double(max(1, s.customers)))) per customer), orders \(s.orders), revenue $\(String(format: "%.2f", s.revenue)), buyers \(s.buyers)"
)
for (name, count) in s.byEvent.sorted(by: { $0.value > $1.value }) { print("  " + padded(name, 20) + String(format: "%9d", count)) }
