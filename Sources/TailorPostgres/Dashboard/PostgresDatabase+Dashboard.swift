public import Foundation
import PostgresNIO
public import TailorCore
public import TailorStore

// MARK: - DashboardStore

extension PostgresDatabase {
    public func addDashboardUser(email: String, role: DashboardRole, passwordHash: String, at: Date) async throws -> DashboardUser? {
        let email = PostgresText.clean(email)
        return try await withContext("adding a dashboard user") {
            try await self.client.withConnection { conn in
                try await self.rows("""
                    INSERT INTO dashboard_users (email, role, password_hash, created_at)
                    VALUES (\(email), \(role.rawValue), \(passwordHash), \(at.millisecondsSince1970))
                    ON CONFLICT (email) DO NOTHING RETURNING id, email, role, created_at
                    """, on: conn).first.map(Self.dashboardUser)
            }
        }
    }

    public func dashboardUsers() async throws -> [DashboardUser] {
        try await withContext("reading dashboard users") {
            try await self.client.withConnection { conn in
                try await self.rows("SELECT id, email, role, created_at FROM dashboard_users ORDER BY email", on: conn).map(Self.dashboardUser)
            }
        }
    }

    public func dashboardCredentials(email: String) async throws -> (user: DashboardUser, passwordHash: String)? {
        let email = PostgresText.clean(email)
        return try await withContext("reading a dashboard user") {
            try await self.client.withConnection { conn in
                guard let r = try await self.rows("SELECT id, email, role, created_at, password_hash FROM dashboard_users WHERE email = \(email)",
                                                  on: conn).first else { return nil }
                return (try Self.dashboardUser(r), try r[4].decode(String.self))
            }
        }
    }

    public func removeDashboardUser(email: String) async throws -> Bool {
        let email = PostgresText.clean(email)
        return try await withContext("removing a dashboard user") {
            // The user's sessions go with it (ON DELETE CASCADE), in the same statement.
            try await self.client.withConnection { conn in
                !(try await self.rows("DELETE FROM dashboard_users WHERE email = \(email) RETURNING id", on: conn).isEmpty)
            }
        }
    }

    public func addDashboardSession(tokenHash: String, user: Int64, at: Date, expiresAt: Date) async throws {
        try await withContext("starting a dashboard session") {
            try await self.client.withConnection { conn in
                _ = try await self.rows("""
                    INSERT INTO dashboard_sessions (token_hash, user_id, created_at, expires_at)
                    VALUES (\(tokenHash), \(user), \(at.millisecondsSince1970), \(expiresAt.millisecondsSince1970))
                    """, on: conn)
            }
        }
    }

    public func dashboardSession(tokenHash: String, at now: Date) async throws -> DashboardUser? {
        try await withContext("reading a dashboard session") {
            try await self.client.withConnection { conn in
                try await self.rows("""
                    SELECT u.id, u.email, u.role, u.created_at FROM dashboard_sessions s JOIN dashboard_users u ON u.id = s.user_id
                    WHERE s.token_hash = \(tokenHash) AND s.expires_at > \(now.millisecondsSince1970)
                    """, on: conn).first.map(Self.dashboardUser)
            }
        }
    }

    public func removeDashboardSession(tokenHash: String) async throws {
        try await withContext("ending a dashboard session") {
            try await self.client.withConnection { conn in
                _ = try await self.rows("DELETE FROM dashboard_sessions WHERE token_hash = \(tokenHash)", on: conn)
            }
        }
    }

    @discardableResult
    public func removeExpiredDashboardSessions(at now: Date) async throws -> Int {
        try await withContext("removing expired dashboard sessions") {
            try await self.client.withConnection { conn in
                try await self.rows("DELETE FROM dashboard_sessions WHERE expires_at <= \(now.millisecondsSince1970) RETURNING 1", on: conn).count
            }
        }
    }

    static func dashboardUser(_ r: PostgresRandomAccessRow) throws -> DashboardUser {
        let id = try r[0].decode(Int64.self)
        guard let role = DashboardRole(rawValue: try r[2].decode(String.self)) else {
            throw StoreError(.corruptRow, "dashboard user \(id): unknown role")
        }
        return DashboardUser(id: id, email: try r[1].decode(String.self), role: role,
                             createdAt: Date(millisecondsSince1970: try r[3].decode(Int64.self)))
    }
}
