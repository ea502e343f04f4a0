public import Foundation
public import TailorCore

/// A person who signs in to the dashboard (not a profile: the people who use Tailor, not its customers).
public struct DashboardUser: Sendable, Hashable {
    public var id: Int64
    /// Normalized (trimmed, lower-case); the sign-in name.
    public var email: String
    public var role: DashboardRole
    public var createdAt: Date

    public init(id: Int64, email: String, role: DashboardRole, createdAt: Date) {
        self.id = id
        self.email = email
        self.role = role
        self.createdAt = createdAt
    }
}

/// The dashboard's users and their sessions.
///
/// Passwords arrive hashed (bcrypt) and session tokens as their SHA-256: neither a password nor a token
/// that works is ever stored. Each operation is one transaction.
public protocol DashboardStore: Sendable {
    /// Adds a user; nil when the email is taken.
    func addDashboardUser(email: String, role: DashboardRole, passwordHash: String, at: Date) async throws -> DashboardUser?
    /// Every user, by email.
    func dashboardUsers() async throws -> [DashboardUser]
    /// A user with the hash of their password, to check a sign-in.
    func dashboardCredentials(email: String) async throws -> (user: DashboardUser, passwordHash: String)?
    /// Removes a user and every session of theirs; false when there was none.
    func removeDashboardUser(email: String) async throws -> Bool
    /// Records a session (`tokenHash` is the SHA-256 of the token the browser holds).
    func addDashboardSession(tokenHash: String, user: Int64, at: Date, expiresAt: Date) async throws
    /// The user of a session that has not expired at `now`; nil for an unknown or expired one.
    func dashboardSession(tokenHash: String, at now: Date) async throws -> DashboardUser?
    /// Ends a session (signing out); ending an unknown one does nothing.
    func removeDashboardSession(tokenHash: String) async throws
    /// Removes the sessions expired at `now`; returns how many.
    @discardableResult func removeExpiredDashboardSessions(at now: Date) async throws -> Int
}
