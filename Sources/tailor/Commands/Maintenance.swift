import ArgumentParser
import Foundation
import TailorStore

/// `tailor migrate`: applies the database migrations not applied yet.
struct Migrate: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Apply database migrations.")

    @OptionGroup var global: GlobalOptions

    func run() async throws {
        let runtime = try await Runtime.open(try global.settings(), migrate: false)
        let applied: [String]
        do {
            applied = try await runtime.stores.migrate()
        } catch {
            await runtime.close()
            throw error
        }
        print(applied.isEmpty ? "database is up to date" : "applied: \(applied.joined(separator: ", "))")
        await runtime.close()
    }
}

/// `tailor rebuild`: recomputes every profile's traits and state from the event log.
struct Rebuild: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Recompute every profile's traits and state from its events.")

    @OptionGroup var global: GlobalOptions

    func run() async throws {
        let runtime = try await Runtime.open(try global.settings())
        let progress = Console.Progress("rebuilding")
        let started = Date()
        let count = try await runtime.stores.events.rebuildProfiles { done, total in progress.update(done, total) }
        print("rebuilt \(count) profiles in \(String(format: "%.1f", Date().timeIntervalSince(started))) s")
        await runtime.close()
    }
}
