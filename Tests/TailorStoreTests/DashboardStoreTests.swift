import Foundation
import Testing
import TailorCore
import TailorStore
import TailorTesting

/// The dashboard's users and sessions, and the name search, the same on every backend.
@Suite("Dashboard store")
struct DashboardStoreTests {
    let t0 = Date(millisecondsSince1970: 1_700_000_000_000)

    @Test(arguments: TestBackend.available)
    func usersAreUniqueByEmailAndTakeTheirSessionsWithThem(backend: TestBackend) async throws {
        try await TestDatabase.with(backend) { test in
            let db = test.stores.dashboard
            let ana = try #require(try await db.addDashboardUser(email: "ana@shop.test", role: .admin, passwordHash: "$2b$04$x", at: t0))
            #expect(ana.email == "ana@shop.test" && ana.role == .admin && ana.createdAt == t0)
            #expect(try await db.addDashboardUser(email: "ana@shop.test", role: .viewer, passwordHash: "$2b$04$y", at: t0) == nil)
            let bo = try #require(try await db.addDashboardUser(email: "bo@shop.test", role: .viewer, passwordHash: "$2b$04$z", at: t0))
            #expect(try await db.dashboardUsers().map(\.email) == ["ana@shop.test", "bo@shop.test"])
            let credentials = try #require(try await db.dashboardCredentials(email: "ana@shop.test"))
            #expect(credentials.user == ana && credentials.passwordHash == "$2b$04$x")
            #expect(try await db.dashboardCredentials(email: "nobody@shop.test") == nil)

            try await db.addDashboardSession(tokenHash: "h-ana", user: ana.id, at: t0, expiresAt: t0 + 3600)
            try await db.addDashboardSession(tokenHash: "h-bo", user: bo.id, at: t0, expiresAt: t0 + 60)
            #expect(try await db.dashboardSession(tokenHash: "h-ana", at: t0 + 10) == ana)
            #expect(try await db.dashboardSession(tokenHash: "h-ana", at: t0 + 3600) == nil, "a session ends at its expiry")
            #expect(try await db.dashboardSession(tokenHash: "h-unknown", at: t0) == nil)

            #expect(try await db.removeExpiredDashboardSessions(at: t0 + 120) == 1)
            #expect(try await db.dashboardSession(tokenHash: "h-bo", at: t0) == nil)

            #expect(try await db.removeDashboardUser(email: "ana@shop.test"))
            #expect(!(try await db.removeDashboardUser(email: "ana@shop.test")))
            #expect(try await db.dashboardSession(tokenHash: "h-ana", at: t0 + 10) == nil, "a deleted user's session is gone")
            try await db.removeDashboardSession(tokenHash: "h-unknown")
            #expect(try await db.dashboardUsers().map(\.email) == ["bo@shop.test"])
        }
    }

    @Test(arguments: TestBackend.available)
    func namesAreFoundInTheSealedTraits(backend: TestBackend) async throws {
        try await TestDatabase.with(backend) { test in
            _ = try await test.database.ingest([
                .identify(userId: "u1", traits: ["first_name": "José", "last_name": "Díaz", "email": "jose@shop.test"], at: t0, messageId: "m1"),
                .identify(userId: "u2", traits: ["name": "Anna Joseph"], at: t0 + 1, messageId: "m2"),
                .identify(userId: "u3", traits: ["city": "Paris"], at: t0 + 2, messageId: "m3"),
            ], planner: IngestPlanner())
            let search = test.stores.profileSearch
            let jose = try await search.profilesNamed("jose", scanning: 100, limit: 10)
            #expect(Set(jose.flatMap(\.userIds)) == ["u1", "u2"], "accents and case do not matter")
            let diaz = try #require(try await search.profilesNamed("DIAZ", scanning: 100, limit: 10).first)
            #expect(diaz.userIds == ["u1"] && diaz.personal.value["email"] == "jose@shop.test")
            #expect(try await search.profilesNamed("jose", scanning: 100, limit: 1).count == 1)
            #expect(try await search.profilesNamed("paris", scanning: 100, limit: 10).isEmpty, "only names are searched")
            #expect(try await search.profilesNamed("", scanning: 100, limit: 10).isEmpty)

            let ids = try await test.database.profileIDs(after: nil, limit: 10)
            let summaries = try await search.profileSummaries(ids.reversed() + [ProfileID("p_missing")])
            #expect(summaries.map(\.id) == ids.reversed())
        }
    }
}

