public import Foundation

/// A named admin API key. The secret itself is never stored: only its SHA-256 (`key_hash`) and the first few
/// characters (``prefix``), so that people can tell their keys apart.
public struct APIKeyRecord: Sendable, Hashable {
    public var id: Int64
    /// Unique among all keys, revoked ones included; the access log names the key by it (`key:<name>`).
    public var name: String
    /// The secret's first characters, shown in lists.
    public var prefix: String
    public var scopes: Set<APIKeyScope>
    public var createdAt: Date
    /// When the key last authenticated a request, to the minute (the server records a use at most once a minute).
    public var lastUsedAt: Date?
    /// When it stopped working; nil while it works.
    public var revokedAt: Date?

    public init(id: Int64, name: String, prefix: String, scopes: Set<APIKeyScope>, createdAt: Date, lastUsedAt: Date? = nil,
                revokedAt: Date? = nil) {
        self.id = id
        self.name = name
        self.prefix = prefix
        self.scopes = scopes
        self.createdAt = createdAt
        self.lastUsedAt = lastUsedAt
        self.revokedAt = revokedAt
    }

    public var isRevoked: Bool { revokedAt != nil }
}

/// The named admin API keys (docs/SECURITY.md). Each operation is one transaction.
public protocol APIKeyStore: Sendable {
    /// Adds a key; nil when the name is taken (by a live or a revoked key).
    func addAPIKey(name: String, prefix: String, hash: String, scopes: Set<APIKeyScope>, at: Date) async throws -> APIKeyRecord?
    /// Every key, revoked ones included, by name.
    func apiKeys() async throws -> [APIKeyRecord]
    /// The key whose secret has this SHA-256 (hex), revoked or not; nil for none.
    func apiKey(hash: String) async throws -> APIKeyRecord?
    /// Revokes a key; returns it as it is afterwards (a key revoked before keeps its first revocation time) and
    /// whether this call revoked it; nil when no key has the name.
    func revokeAPIKey(name: String, at: Date) async throws -> (key: APIKeyRecord, revokedNow: Bool)?
    /// Records that a key was used at `at` (a later time never goes back).
    func markAPIKeyUsed(id: Int64, at: Date) async throws
}

/// The SQL both adapters share.
package enum APIKeySQL {
    package static let columns = "id, name, prefix, scopes, created_at, last_used_at, revoked_at"
}
