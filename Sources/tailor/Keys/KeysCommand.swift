import ArgumentParser
import Foundation
import TailorCore
import TailorEngine
import TailorStore

/// `tailor keys …`: named admin API keys with scopes (docs/SECURITY.md).
struct KeysCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "keys",
        abstract: "Create, list and revoke admin API keys with scopes.",
        discussion: """
            Scopes: \(APIKeyScope.names). The key given to `tailor serve` (--admin-key) holds every scope. \
            A running server notices a revocation within \(Int(APIKeyService.Options().cacheLifetime)) seconds.
            """,
        subcommands: [KeysCreateCommand.self, KeysListCommand.self, KeysRevokeCommand.self]
    )
}

/// Runs a body with an open runtime and its key service, closing it whatever happens; the service's typed
/// errors become messages.
func withKeys<T>(_ global: GlobalOptions, _ body: (APIKeyService) async throws -> T) async throws -> T {
    let runtime = try await Runtime.open(try global.settings())
    let service = APIKeyService(stores: runtime.stores, clock: runtime.clock)
    do {
        let result = try await body(service)
        await runtime.close()
        return result
    } catch let e as APIKeyError {
        await runtime.close()
        throw ValidationError(e.message)
    } catch {
        await runtime.close()
        throw error
    }
}

struct KeysCreateCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "create",
        abstract: "Create a key; prints its secret, once.",
        discussion: "Standard output holds the secret alone (for scripts); what it is goes to standard error. Tailor keeps only its hash."
    )

    @OptionGroup var global: GlobalOptions

    @Argument(help: "A name for the key (A-Z a-z 0-9 . _ -, up to 64): lists and the access log show it.")
    var name: String

    @Option(name: .customLong("scope"), help: "A scope the key has (repeatable): \(APIKeyScope.names).")
    var scopes: [String] = []

    func run() async throws {
        let created = try await withKeys(global) { try await $0.create(name: name, scopes: scopes) }
        Console.note("created key \(created.key.name) with \(Self.list(created.key.scopes)); its secret, shown once:")
        print(created.secret)
    }

    static func list(_ scopes: Set<APIKeyScope>) -> String { scopes.sorted().map(\.rawValue).joined(separator: ", ") }
}

struct KeysListCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "list",
                                                    abstract: "List keys: name, prefix, scopes, created, last used, revoked.")

    @OptionGroup var global: GlobalOptions
    @Flag(help: "Print JSON (never a secret: only its first characters).") var json = false

    func run() async throws {
        let keys = try await withKeys(global) { try await $0.keys() }
        if json {
            print(JSONWriter.string(.array(keys.map(Self.json))))
            return
        }
        if keys.isEmpty {
            print("no API keys; create one with: tailor keys create NAME --scope SCOPE")
            return
        }
        let rows = [["NAME", "PREFIX", "SCOPES", "CREATED", "LAST USED", "REVOKED"]] + keys.map { key in
            [key.name, key.prefix + "…", key.scopes.sorted().map(\.rawValue).joined(separator: ","), ISO8601.format(key.createdAt),
             key.lastUsedAt.map(ISO8601.format) ?? "never", key.revokedAt.map(ISO8601.format) ?? "-"]
        }
        let widths = (0..<6).map { column in rows.map { $0[column].count }.max() ?? 0 }
        for row in rows {
            print(zip(row, widths).map { $0.padding(toLength: $1, withPad: " ", startingAt: 0) }.joined(separator: "  ")
                .trimmingCharacters(in: .whitespaces))
        }
    }

    static func json(_ key: APIKeyRecord) -> JSONValue {
        [
            "name": .string(key.name), "prefix": .string(key.prefix), "scopes": .array(key.scopes.sorted().map { .string($0.rawValue) }),
            "created_at": .string(ISO8601.format(key.createdAt)), "last_used_at": key.lastUsedAt.map { .string(ISO8601.format($0)) } ?? .null,
            "revoked_at": key.revokedAt.map { .string(ISO8601.format($0)) } ?? .null,
        ]
    }
}

struct KeysRevokeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "revoke",
        abstract: "Revoke a key: it stops working (within seconds on a running server) and keeps its name.")

    @OptionGroup var global: GlobalOptions
    @Argument(help: "The key's name.") var name: String

    func run() async throws {
        let (key, wasLive) = try await withKeys(global) { try await $0.revoke(name: name) }
        if wasLive {
            print("revoked \(key.name)")
        } else {
            print("\(key.name) was revoked already, at \(key.revokedAt.map(ISO8601.format) ?? "-")")
        }
    }
}
