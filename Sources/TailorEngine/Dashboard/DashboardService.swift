import Dispatch
public import Foundation
import HummingbirdBcrypt
public import TailorCore
public import TailorStore

/// A session just started: the token goes into the browser's cookie and nowhere else.
public struct DashboardSignIn: Sendable {
    public var token: String
    public var user: DashboardUser
    public var expiresAt: Date
}

/// The dashboard's users and sessions: creating and removing users (the CLI), signing in and out, and
/// finding the user of a session (every page). Passwords are hashed with bcrypt; sessions are kept as the
/// hash of their token and end at a fixed time after sign-in (docs/DASHBOARD.md).
public struct DashboardService: Sendable {
    public struct Options: Sendable {
        /// How long a session lasts after sign-in.
        public var sessionLifetime: TimeInterval = 12 * 3600
        /// bcrypt's cost (log2 of its rounds); tests lower it.
        public var passwordCost: UInt8 = 12
        public init() {}
    }

    /// Shortest password accepted; bcrypt reads at most 72 bytes, so longer ones are refused rather than cut.
    public static let passwordLength = 10...72

    let store: any DashboardStore
    let clock: any WallClock
    public let options: Options

    public init(store: any DashboardStore, clock: any WallClock, options: Options = Options()) {
        self.store = store
        self.clock = clock
        self.options = options
    }

    public init(stores: Stores, clock: any WallClock, options: Options = Options()) {
        self.init(store: stores.dashboard, clock: clock, options: options)
    }

    // MARK: Users

    /// Adds a user.
    /// - Throws: ``DashboardUserError`` for a malformed email, a password outside ``passwordLength`` bytes, or a
    ///   taken email; the store's `StoreError`.
    @discardableResult
    public func createUser(email: String, role: DashboardRole, password: String) async throws -> DashboardUser {
        guard let email = Self.normalizedEmail(email) else { throw DashboardUserError(.invalidEmail, "the email is not an address") }
        guard Self.passwordLength.contains(password.utf8.count), !password.utf8.contains(0) else {
            throw DashboardUserError(.invalidPassword, "a password has \(Self.passwordLength.lowerBound) to \(Self.passwordLength.upperBound) bytes")
        }
        let hash = await Self.offPool { Bcrypt.hash(password, cost: options.passwordCost) }
        guard let user = try await store.addDashboardUser(email: email, role: role, passwordHash: hash, at: clock.now()) else {
            throw DashboardUserError(.exists, "a dashboard user has this email already")
        }
        return user
    }

    public func users() async throws -> [DashboardUser] { try await store.dashboardUsers() }

    /// Removes a user and ends their sessions.
    /// - Throws: ``DashboardUserError/Code/notFound`` when no user has the email.
    public func deleteUser(email: String) async throws {
        guard let email = Self.normalizedEmail(email), try await store.removeDashboardUser(email: email) else {
            throw DashboardUserError(.notFound, "no dashboard user has this email")
        }
    }

    // MARK: Sessions

    /// Checks a password and starts a session; nil when the email or the password is wrong (which one is not
    /// said, and an unknown email costs the same bcrypt work as a wrong password).
    public func signIn(email: String, password: String) async throws -> DashboardSignIn? {
        var found: (user: DashboardUser, passwordHash: String)?
        if let normalized = Self.normalizedEmail(email) { found = try await store.dashboardCredentials(email: normalized) }
        let credentials = found
        let cost = options.passwordCost
        let valid = await Self.offPool {
            guard let credentials, password.utf8.count <= Self.passwordLength.upperBound else {
                _ = Bcrypt.hash(password.isEmpty ? "-" : String(password.prefix(72)), cost: cost)
                return false
            }
            return Bcrypt.verify(password, hash: credentials.passwordHash)
        }
        guard valid, let user = credentials?.user else { return nil }
        let now = clock.now()
        try await store.removeExpiredDashboardSessions(at: now)
        let token = DashboardToken.generate()
        let expires = now.addingTimeInterval(options.sessionLifetime)
        try await store.addDashboardSession(tokenHash: DashboardToken.hash(token), user: user.id, at: now, expiresAt: expires)
        return DashboardSignIn(token: token, user: user, expiresAt: expires)
    }

    /// The user whose session `token` is, while it lasts.
    public func user(session token: String) async throws -> DashboardUser? {
        guard !token.isEmpty, token.utf8.count <= 128 else { return nil }
        return try await store.dashboardSession(tokenHash: DashboardToken.hash(token), at: clock.now())
    }

    public func signOut(session token: String) async throws {
        try await store.removeDashboardSession(tokenHash: DashboardToken.hash(token))
    }

    // MARK: Helpers

    /// Trimmed and lower-cased; nil unless it looks like `local@domain` without spaces.
    public static func normalizedEmail(_ text: String) -> String? {
        let email = text.trimmingCharacters(in: .whitespacesAndNewlines).lowercased()
        let parts = email.split(separator: "@", omittingEmptySubsequences: false)
        guard email.utf8.count <= 254, parts.count == 2, !parts[0].isEmpty, parts[1].contains("."), !parts[1].hasPrefix("."),
              !parts[1].hasSuffix("."), !email.contains(where: { $0.isWhitespace || $0.isNewline || $0 == "\u{0}" }) else { return nil }
        return email
    }

    /// bcrypt takes a quarter of a second on purpose: it runs on a Dispatch thread, not the cooperative pool.
    static func offPool<T: Sendable>(_ work: @escaping @Sendable () -> T) async -> T {
        await withCheckedContinuation { continuation in
            DispatchQueue.global(qos: .userInitiated).async { continuation.resume(returning: work()) }
        }
    }
}
