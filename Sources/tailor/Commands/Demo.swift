import ArgumentParser
import Foundation
import TailorCore
import TailorDemo
import TailorEngine
import TailorStore

/// `tailor demo`: a realistic synthetic shop, loaded through the ingest path, then a summary.
struct Demo: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Generate a realistic shop, load it, and show what Tailor computes.",
        discussion: "Creates ./tailor-demo.db (anew on each run) unless --database-url names another database, which is then added to.")

    static let defaultDatabase = "sqlite:./tailor-demo.db"

    @Option(help: "Seed of the generated shop.")
    var seed: UInt64 = 42

    @Option(help: "Number of customers.")
    var customers: Int = 10_000

    @OptionGroup var global: GlobalOptions

    func validate() throws {
        guard customers > 0 else { throw ValidationError("--customers must be positive") }
    }

    func run() async throws {
        let settings = try global.settings(defaultDatabase: Self.defaultDatabase)
        if settings.databaseURL == Self.defaultDatabase {
            for suffix in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: "./tailor-demo.db" + suffix) }
            try? FileManager.default.removeItem(atPath: Self.mailFolder)
        }
        let runtime = try await Runtime.open(settings)
        let now = runtime.clock.now()
        let shop = DemoShop(seed: seed, customers: customers, now: now)
        Console.note("generating a shop of \(customers) customers (seed \(seed)), 18 months up to \(ISO8601.format(now))")

        let ingest = IngestService(events: runtime.stores.events)
        let loop = Task { try await ingest.run() }
        let progress = Console.Progress("loading customers")
        let outcome: DemoLoader.Outcome
        do {
            try await createJourneys(runtime)
            outcome = try await DemoLoader(ingest: ingest, products: runtime.stores.products).load(shop) { progress.update($0, $1) }
        } catch {
            loop.cancel()
            await runtime.close()
            throw error
        }
        loop.cancel()

        let counts = try await runtime.stores.counts()
        let summary = shop.summary()
        print("")
        print("Tailor demo shop (seed \(seed))")
        print(summary.description)
        print("")
        print("loaded \(outcome.stored) events (\(outcome.messages - outcome.stored) were there already) in \(String(format: "%.1f", outcome.seconds)) s: "
              + "\(Int(Double(outcome.messages) / max(outcome.seconds, 0.001))) events/s")
        print("database: \(counts.profiles) profiles, \(counts.events) events, \(counts.products) products, \(counts.merges) identity merges")
        try await showSegments(runtime)
        try await createSegmentJourneys(runtime)
        print("")
        await Self.showModels(runtime: runtime, settings: settings, shop: shop)
        do {
            try await runJourneys(runtime, settings: settings)
            try await sendCampaign(runtime, settings: settings)
        } catch {
            await runtime.close()
            throw error
        }
        print("")
        print("Next: tailor serve --database-url \(settings.databaseURL)   (the admin key is printed on first start)")
        await runtime.close()
    }
}
