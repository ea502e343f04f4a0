import Foundation
import Testing
import TailorCore
import TailorEngine
import TailorStore
import TailorTesting

/// The key service on both backends: scopes checked with messages that list the valid ones, the secret never
/// stored, the short cache a revocation outlives by seconds at most, and a use recorded at most once a minute.
@Suite("API key service")
struct APIKeyServiceTests {
    let t0 = Date(millisecondsSince1970: 1_700_000_000_000)

    @Test(arguments: TestBackend.available)
    func theServiceChecksScopesKeepsOnlyTheHashAndCachesBriefly(backend: TestBackend) async throws {
        try await TestDatabase.with(backend) { test in
            let clock = ManualClock(t0)
            let service = APIKeyService(stores: test.stores, clock: clock)
            let created = try await service.create(name: "reporting", scopes: ["reports", "segments", "reports"])
            #expect(created.secret.hasPrefix("tk_") && created.secret.count == 43)
            #expect(created.key.prefix == String(created.secret.prefix(9)) && created.key.scopes == [.reports, .segments])
            let hash = APIKeySecret.hash(created.secret)
            #expect(try await test.stores.apiKeys.apiKey(hash: hash)?.name == "reporting")
            #expect(!(try await test.stores.apiKeys.apiKeys().contains { $0.prefix == created.secret }), "the secret itself is not stored")

            await #expect(throws: APIKeyError(.unknownScope, "unknown scope 'profiles'; the scopes are \(APIKeyScope.names)")) {
                try await service.create(name: "x", scopes: ["profiles"])
            }
            await #expect { try await service.create(name: "x", scopes: []) } throws: { ($0 as? APIKeyError)?.code == .noScope }
            await #expect { try await service.create(name: "bad name", scopes: ["reports"]) } throws: { ($0 as? APIKeyError)?.code == .invalidName }
            await #expect { try await service.create(name: "reporting", scopes: ["reports"]) } throws: { ($0 as? APIKeyError)?.code == .exists }
            await #expect { try await service.revoke(name: "nobody") } throws: { ($0 as? APIKeyError)?.code == .notFound }

            // The first use is recorded; the next ones within a minute are not written.
            #expect(try await service.authenticate(hash: hash)?.name == "reporting")
            #expect(try await test.stores.apiKeys.apiKey(hash: hash)?.lastUsedAt == t0)
            clock.advance(by: 30)
            #expect(try await service.authenticate(hash: hash) != nil)
            #expect(try await test.stores.apiKeys.apiKey(hash: hash)?.lastUsedAt == t0)
            clock.advance(by: 31)
            #expect(try await service.authenticate(hash: hash) != nil)
            #expect(try await test.stores.apiKeys.apiKey(hash: hash)?.lastUsedAt == t0 + 61)
            #expect(try await service.authenticate(hash: APIKeySecret.hash("tk_unknown")) == nil)

            // A revocation elsewhere (another process: another service) is seen once the cache entry is older than its lifetime.
            let other = APIKeyService(stores: test.stores, clock: clock)
            let (revoked, wasLive) = try await other.revoke(name: "reporting")
            #expect(wasLive && revoked.isRevoked)
            #expect(try await other.revoke(name: "reporting").wasLive == false)
            clock.advance(by: 1)
            #expect(try await service.authenticate(hash: hash) != nil, "still cached")
            clock.advance(by: 5)
            #expect(try await service.authenticate(hash: hash) == nil, "revoked once the cache entry expires")
        }
    }
}
