// The Swift side of Benchmarks/TailorML/run. Prints one JSON object per command.
//
//   tailor-ml-bench als TRAIN.csv TEST.csv FACTORS ITERATIONS REGULARIZATION ALPHA K RECOMMEND_USERS [--seeds N] [--timing-only]
//   tailor-ml-bench kmeans FEATURES.csv K RESTARTS
import Dispatch
import Foundation
import TailorML

@main
struct Benchmark {
    static func seconds(since start: UInt64) -> Double { Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9 }

    /// CPU seconds used by the process so far (all threads), to see through a loaded machine.
    static func cpuSeconds() -> Double {
        var usage = rusage()
        getrusage(RUSAGE_SELF.rawValue, &usage)
        return Double(usage.ru_utime.tv_sec) + Double(usage.ru_utime.tv_usec) / 1e6
    }

    static func main() throws {
        let args = CommandLine.arguments
        switch args.count > 1 ? args[1] : "" {
        case "als":
            let train = try InteractionSet.read(path: args[2])
            let test = try InteractionSet.read(path: args[3], users: train.users, items: train.items)
            var config = ImplicitALS()
            config.factors = Int(args[4])!
            config.iterations = Int(args[5])!
            config.regularization = Float(args[6])!
            config.alpha = Float(args[7])!
            let k = Int(args[8])!
            let recommendUsers = min(Int(args[9])!, train.users.count)
            let seeds = args.firstIndex(of: "--seeds").map { Int(args[$0 + 1])! } ?? 1
            let timingOnly = args.contains("--timing-only")
            // Timings from the first seed; quality averaged over `seeds` fits (small data sets are noisy).
            var start = DispatchTime.now().uptimeNanoseconds
            var cpu = cpuSeconds()
            let model = try config.fit(train.matrix)
            let trainSeconds = seconds(since: start)
            let trainCPU = cpuSeconds() - cpu
            cpu = cpuSeconds()
            start = DispatchTime.now().uptimeNanoseconds
            let lists = model.recommend(users: Array(0..<recommendUsers), count: k, excluding: train.matrix)
            let recommendSeconds = seconds(since: start)
            let recommendCPU = cpuSeconds() - cpu
            precondition(lists.count == recommendUsers)
            if timingOnly {
                print(
                    "{\"train_seconds\":\(trainSeconds),\"recommend_seconds\":\(recommendSeconds),\"train_cpu\":\(trainCPU),\"recommend_cpu\":\(recommendCPU)}"
                )
                return
            }
            var sums = [Double](repeating: 0, count: 4)
            var users = 0
            for seed in 0..<seeds {
                var seeded = config
                seeded.seed = UInt64(seed)
                let m = HeldOutEvaluation.evaluate(seed == 0 ? model : try seeded.fit(train.matrix), train: train, test: test, k: k)
                sums[0] += m.precision / Double(seeds)
                sums[1] += m.ndcg / Double(seeds)
                sums[2] += m.meanAveragePrecision / Double(seeds)
                sums[3] += m.recall / Double(seeds)
                users = m.users
            }
            let baseline = HeldOutEvaluation.evaluatePopularity(train: train, test: test, k: k)
            let out: [String: Any] = [
                "precision_at_k": sums[0], "ndcg_at_k": sums[1], "map_at_k": sums[2], "recall_at_k": sums[3], "users": users,
                "seeds": seeds, "train_seconds": trainSeconds, "recommend_seconds": recommendSeconds,
                "train_cpu_seconds": trainCPU, "recommend_cpu_seconds": recommendCPU,
                "popularity_precision_at_k": baseline.precision, "popularity_ndcg_at_k": baseline.ndcg,
            ]
            print(String(decoding: try JSONSerialization.data(withJSONObject: out, options: [.sortedKeys]), as: UTF8.self))
        case "kmeans":
            let table = try NumericTable.read(path: args[2])
            var config = KMeans(k: Int(args[3])!)
            config.restarts = Int(args[4])!
            config.standardize = false
            let start = DispatchTime.now().uptimeNanoseconds
            let cpu = cpuSeconds()
            let model = try config.fit(table.values, dimension: table.columns.count)
            let fitSeconds = seconds(since: start)
            let out: [String: Any] = [
                "inertia": model.inertia, "fit_seconds": fitSeconds, "fit_cpu_seconds": cpuSeconds() - cpu, "iterations": model.iterations,
            ]
            print(String(decoding: try JSONSerialization.data(withJSONObject: out, options: [.sortedKeys]), as: UTF8.self))
        default:
            FileHandle.standardError.write(Data("usage: tailor-ml-bench als|kmeans ...\n".utf8))
            exit(2)
        }
    }
}
