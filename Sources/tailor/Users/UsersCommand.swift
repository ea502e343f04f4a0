import ArgumentParser
import Foundation
import TailorCore
import TailorEngine
import TailorStore

/// `tailor users …`: the people who sign in to the dashboard (docs/DASHBOARD.md).
struct UsersCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "users",
        abstract: "Create, list and delete dashboard users.",
        subcommands: [UsersCreateCommand.self, UsersListCommand.self, UsersDeleteCommand.self]
    )
}

/// Runs a body with an open runtime and its dashboard service, closing it whatever happens; the service's
/// typed errors become messages.
func withDashboard<T>(_ global: GlobalOptions, _ body: (DashboardService) async throws -> T) async throws -> T {
    let runtime = try await Runtime.open(try global.settings())
    let service = DashboardService(stores: runtime.stores, clock: runtime.clock)
    do {
        let result = try await body(service)
        await runtime.close()
        return result
    } catch let e as DashboardUserError {
        await runtime.close()
        throw ValidationError(e.message)
    } catch {
        await runtime.close()
        throw error
    }
}

struct UsersCreateCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "create",
        abstract: "Create a dashboard user.",
        discussion: """
            The password is asked for twice at a terminal (not echoed). For scripts, pass --password-stdin and write \
            the password as the first line of standard input; it is never taken as an argument, where other users \
            of the machine could read it.
            """
    )

    @OptionGroup var global: GlobalOptions

    @Argument(help: "The email the user signs in with.")
    var email: String

    @Option(help: "admin, marketer or viewer.")
    var role: String

    @Flag(name: .customLong("password-stdin"), help: "Read the password from the first line of standard input.")
    var passwordStdin = false

    func run() async throws {
        guard let role = DashboardRole(rawValue: role) else {
            throw ValidationError("--role is admin, marketer or viewer, not '\(role)'")
        }
        let password = try PasswordInput.read(fromStdin: passwordStdin)
        let user = try await withDashboard(global) { try await $0.createUser(email: email, role: role, password: password) }
        print("created \(user.role) \(user.email)")
    }
}

struct UsersListCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "list", abstract: "List dashboard users: email, role, created.")

    @OptionGroup var global: GlobalOptions

    func run() async throws {
        let users = try await withDashboard(global) { try await $0.users() }
        if users.isEmpty {
            print("no dashboard users; create one with: tailor users create EMAIL --role admin")
            return
        }
        let width = max(5, users.map(\.email.count).max() ?? 0)
        print("EMAIL".padding(toLength: width, withPad: " ", startingAt: 0) + "  ROLE      CREATED")
        for user in users {
            print(user.email.padding(toLength: width, withPad: " ", startingAt: 0) + "  "
                  + user.role.rawValue.padding(toLength: 8, withPad: " ", startingAt: 0) + "  " + ISO8601.format(user.createdAt))
        }
    }
}

struct UsersDeleteCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "delete", abstract: "Delete a dashboard user and end their sessions.")

    @OptionGroup var global: GlobalOptions

    @Argument(help: "The user's email.")
    var email: String

    func run() async throws {
        try await withDashboard(global) { try await $0.deleteUser(email: email) }
        print("deleted \(email.trimmingCharacters(in: .whitespaces).lowercased())")
    }
}
