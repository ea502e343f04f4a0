import ArgumentParser
import Foundation
import TailorCore
import TailorMail
import TailorStore

/// `tailor mail suppress add|remove|list|check`: the suppression list (kept by blind index: `list`
/// shows indexes, never addresses).
struct MailSuppressCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "suppress",
        abstract: "Manage the suppression list (addresses Tailor never mails).",
        subcommands: [Add.self, Remove.self, List.self, Check.self]
    )

    struct Add: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Suppress addresses.")
        @OptionGroup var global: GlobalOptions
        @Option(help: "hard_bounce, complaint, unsubscribe or manual.") var reason: String = "manual"
        @Argument(help: "Addresses.") var addresses: [String]

        func run() async throws {
            guard let reason = SuppressionReason(rawValue: reason) else {
                throw ValidationError("--reason must be one of \(SuppressionReason.allCases.map(\.rawValue).joined(separator: ", "))")
            }
            // Only bare addresses: anything else would be stored as a key no message can ever match. The error
            // names the argument's position, not its text (addresses are personal data).
            for (i, address) in addresses.enumerated()
            where (try? MailAddress(address.trimmingCharacters(in: .whitespaces))) == nil || address.contains("<") {
                throw ValidationError("address \(i + 1) of \(addresses.count) is not an email address (local@domain); nothing was added")
            }
            try await withMailStore(global) { store, clock in
                let added = try await store.suppress(addresses.map {
                    SuppressionEntry(key: store.suppressionKey(forAddress: $0), reason: reason, source: "cli", createdAt: clock.now())
                })
                print("suppressed \(added) new, \(addresses.count - added) already listed")
            }
        }
    }

    struct Remove: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Remove addresses from the list.")
        @OptionGroup var global: GlobalOptions
        @Argument(help: "Addresses.") var addresses: [String]

        func run() async throws {
            try await withMailStore(global) { store, _ in
                var removed = 0
                for address in addresses {
                    if try await store.unsuppress(key: store.suppressionKey(forAddress: address)) { removed += 1 }
                }
                print("removed \(removed), \(addresses.count - removed) were not listed")
            }
        }
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List the suppressed blind indexes with reason, source and time.")
        @OptionGroup var global: GlobalOptions

        func run() async throws {
            try await withMailStore(global) { store, _ in
                var after: String?
                while true {
                    let page = try await store.suppressions(after: after, limit: 1000)
                    for e in page { print("\(e.key)\t\(e.reason.rawValue)\t\(e.source ?? "")\t\(ISO8601.format(e.createdAt))") }
                    guard let last = page.last else { break }
                    after = last.key
                }
            }
        }
    }

    struct Check: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Say whether addresses are suppressed (exit 1 if any is).")
        @OptionGroup var global: GlobalOptions
        @Argument(help: "Addresses.") var addresses: [String]

        func run() async throws {
            let anySuppressed = try await withMailStore(global) { store, _ -> Bool in
                let keys = addresses.map { store.suppressionKey(forAddress: $0) }
                let found = try await store.suppressions(keys: keys)
                for (address, key) in zip(addresses, keys) {
                    print("\(address)\t\(found[key].map { "suppressed (\($0.reason.rawValue))" } ?? "not suppressed")")
                }
                return !found.isEmpty
            }
            if anySuppressed { throw ExitCode(1) }
        }
    }
}

/// Opens the database as a ``MailStore`` for the length of `body`.
func withMailStore<T>(_ global: GlobalOptions, _ body: (any MailStore, any WallClock) async throws -> T) async throws -> T {
    let runtime = try await Runtime.open(try global.settings())
    let store = runtime.stores.mail
    do {
        let result = try await body(store, runtime.clock)
        await runtime.close()
        return result
    } catch {
        await runtime.close()
        throw error
    }
}
