import Foundation
import Testing
import TailorCore
import TailorStore
import TailorTesting

/// Named admin API keys, the same on every backend: unique names, lookup by hash, revocation that keeps the
/// first time, uses that never go back.
@Suite("API key store")
struct APIKeyStoreTests {
    let t0 = Date(millisecondsSince1970: 1_700_000_000_000)

    @Test(arguments: TestBackend.available)
    func keysAreUniqueByNameFoundByHashAndRevokedOnce(backend: TestBackend) async throws {
        try await TestDatabase.with(backend) { test in
            let db = test.stores.apiKeys
            let ci = try #require(try await db.addAPIKey(name: "ci", prefix: "tk_abcdef", hash: "h-ci", scopes: [.segments, .reports], at: t0))
            #expect(ci.name == "ci" && ci.prefix == "tk_abcdef" && ci.scopes == [.segments, .reports] && ci.createdAt == t0)
            #expect(ci.lastUsedAt == nil && ci.revokedAt == nil)
            #expect(try await db.addAPIKey(name: "ci", prefix: "tk_other", hash: "h-other", scopes: [.privacy], at: t0) == nil)
            _ = try #require(try await db.addAPIKey(name: "backup", prefix: "tk_zzzzzz", hash: "h-b", scopes: Set(APIKeyScope.allCases), at: t0 + 1))
            #expect(try await db.apiKeys().map(\.name) == ["backup", "ci"])
            #expect(try await db.apiKeys().first?.scopes == Set(APIKeyScope.allCases))
            #expect(try await db.apiKey(hash: "h-ci") == ci)
            #expect(try await db.apiKey(hash: "h-unknown") == nil)

            try await db.markAPIKeyUsed(id: ci.id, at: t0 + 120)
            try await db.markAPIKeyUsed(id: ci.id, at: t0 + 60)
            #expect(try await db.apiKey(hash: "h-ci")?.lastUsedAt == t0 + 120, "a use never goes back in time")

            let revoked = try #require(try await db.revokeAPIKey(name: "ci", at: t0 + 300))
            #expect(revoked.key.revokedAt == t0 + 300 && revoked.key.isRevoked && revoked.revokedNow)
            let again = try #require(try await db.revokeAPIKey(name: "ci", at: t0 + 300))
            #expect(again.key.revokedAt == t0 + 300 && !again.revokedNow, "revoking twice keeps the first time")
            #expect(try await db.revokeAPIKey(name: "ci", at: t0 + 900)?.key.revokedAt == t0 + 300)
            #expect(try await db.revokeAPIKey(name: "nobody", at: t0) == nil)
            #expect(try await db.apiKey(hash: "h-ci")?.isRevoked == true)
            #expect(try await db.addAPIKey(name: "ci", prefix: "tk_again", hash: "h-again", scopes: [.segments], at: t0) == nil,
                    "a revoked key keeps its name")
        }
    }
}
