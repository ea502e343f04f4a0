public import Foundation
import GRDB
public import TailorCore
public import TailorStore

// MARK: - DashboardStore

extension SQLiteDatabase {
    public func addDashboardUser(email: String, role: DashboardRole, passwordHash: String, at: Date) async throws -> DashboardUser? {
        try await durableWrite { db in
            try db.execute(sql: """
                INSERT INTO dashboard_users (email, role, password_hash, created_at) VALUES (?, ?, ?, ?) ON CONFLICT (email) DO NOTHING
                """, arguments: [email, role.rawValue, passwordHash, at.millisecondsSince1970])
            guard db.changesCount == 1 else { return nil }
            return DashboardUser(id: db.lastInsertedRowID, email: email, role: role, createdAt: Date(millisecondsSince1970: at.millisecondsSince1970))
        }
    }

    public func dashboardUsers() async throws -> [DashboardUser] {
        try await pool.read { db in
            try Row.fetchAll(db, sql: "SELECT id, email, role, created_at FROM dashboard_users ORDER BY email").map(Self.dashboardUser)
        }
    }

    public func dashboardCredentials(email: String) async throws -> (user: DashboardUser, passwordHash: String)? {
        try await pool.read { db in
            try Row.fetchOne(db, sql: "SELECT id, email, role, created_at, password_hash FROM dashboard_users WHERE email = ?",
                             arguments: [email]).map { (try Self.dashboardUser($0), $0[4] as String) }
        }
    }

    public func removeDashboardUser(email: String) async throws -> Bool {
        try await durableWrite { db in
            try db.execute(sql: "DELETE FROM dashboard_sessions WHERE user_id IN (SELECT id FROM dashboard_users WHERE email = ?)",
                           arguments: [email])
            try db.execute(sql: "DELETE FROM dashboard_users WHERE email = ?", arguments: [email])
            return db.changesCount > 0
        }
    }

    public func addDashboardSession(tokenHash: String, user: Int64, at: Date, expiresAt: Date) async throws {
        try await durableWrite { db in
            try db.execute(sql: "INSERT INTO dashboard_sessions (token_hash, user_id, created_at, expires_at) VALUES (?, ?, ?, ?)",
                           arguments: [tokenHash, user, at.millisecondsSince1970, expiresAt.millisecondsSince1970])
        }
    }

    public func dashboardSession(tokenHash: String, at now: Date) async throws -> DashboardUser? {
        try await pool.read { db in
            try Row.fetchOne(db, sql: """
                SELECT u.id, u.email, u.role, u.created_at FROM dashboard_sessions s JOIN dashboard_users u ON u.id = s.user_id
                WHERE s.token_hash = ? AND s.expires_at > ?
                """, arguments: [tokenHash, now.millisecondsSince1970]).map(Self.dashboardUser)
        }
    }

    public func removeDashboardSession(tokenHash: String) async throws {
        try await durableWrite { db in
            try db.execute(sql: "DELETE FROM dashboard_sessions WHERE token_hash = ?", arguments: [tokenHash])
        }
    }

    @discardableResult
    public func removeExpiredDashboardSessions(at now: Date) async throws -> Int {
        try await durableWrite { db in
            try db.execute(sql: "DELETE FROM dashboard_sessions WHERE expires_at <= ?", arguments: [now.millisecondsSince1970])
            return db.changesCount
        }
    }

    static func dashboardUser(_ row: Row) throws -> DashboardUser {
        guard let role = DashboardRole(rawValue: row[2]) else { throw StoreError(.corruptRow, "dashboard user \(row[0] as Int64): unknown role") }
        return DashboardUser(id: row[0], email: row[1], role: role, createdAt: Date(millisecondsSince1970: row[3]))
    }
}
