public import Foundation
public import TailorCore
public import TailorStore

/// A key just created: the secret is shown to its creator once and kept nowhere.
public struct APIKeyCreated: Sendable {
    public var key: APIKeyRecord
    public var secret: String
}

/// The named admin API keys (docs/SECURITY.md): creating, listing and revoking them (the CLI), and finding the
/// key behind a presented secret (the server, through a short cache, recording its use at most once per
/// ``Options/useInterval``).
public struct APIKeyService: Sendable {
    public struct Options: Sendable {
        /// How long the server trusts what it read of a key: a revocation takes effect within this time.
        public var cacheLifetime: TimeInterval = 5
        /// The shortest time between two recorded uses of one key (`last_used_at`).
        public var useInterval: TimeInterval = 60
        /// The most keys cached at once; past it the cache starts over.
        public var cacheCapacity = 1024
        public init() {}
    }

    /// The characters a name may have, and its length: it appears in the access log as `key:<name>`.
    public static let nameLength = 1...64

    let store: any APIKeyStore
    let clock: any WallClock
    let options: Options
    let cache: APIKeyCache

    public init(store: any APIKeyStore, clock: any WallClock, options: Options = Options()) {
        self.store = store
        self.clock = clock
        self.options = options
        self.cache = APIKeyCache()
    }

    public init(stores: Stores, clock: any WallClock, options: Options = Options()) {
        self.init(store: stores.apiKeys, clock: clock, options: options)
    }

    // MARK: Managing keys

    /// Creates a key with a new secret.
    /// - Throws: ``APIKeyError`` for an invalid name, an unknown scope, no scope or a taken name; the store's
    ///   `StoreError`.
    public func create(name: String, scopes names: [String]) async throws -> APIKeyCreated {
        let name = try Self.checkedName(name)
        let scopes = try Self.scopes(names)
        let secret = APIKeySecret.generate()
        guard let key = try await store.addAPIKey(name: name, prefix: APIKeySecret.prefix(of: secret), hash: APIKeySecret.hash(secret),
                                                  scopes: scopes, at: clock.now()) else {
            throw APIKeyError(.exists, "a key named '\(name)' exists already (revoked keys keep their names)")
        }
        return APIKeyCreated(key: key, secret: secret)
    }

    /// Every key, revoked ones included, by name.
    public func keys() async throws -> [APIKeyRecord] { try await store.apiKeys() }

    /// Revokes a key; revoking it again changes nothing. Returns the key and whether it was live until now.
    /// - Throws: ``APIKeyError/Code/notFound`` when no key has the name.
    public func revoke(name: String) async throws -> (key: APIKeyRecord, wasLive: Bool) {
        let now = clock.now()
        let name = name.trimmingCharacters(in: .whitespaces)
        guard let (key, revokedNow) = try await store.revokeAPIKey(name: name, at: now) else {
            throw APIKeyError(.notFound, "no key is named '\(Self.quotable(name))'; `tailor keys list` shows them")
        }
        cache.forget(keyID: key.id)
        return (key, revokedNow)
    }

    /// The scopes named, each once.
    /// - Throws: ``APIKeyError`` naming the valid scopes for an unknown one, or when none is given.
    public static func scopes(_ names: [String]) throws -> Set<APIKeyScope> {
        var out: Set<APIKeyScope> = []
        for name in names {
            guard let scope = APIKeyScope(rawValue: name.trimmingCharacters(in: .whitespaces)) else {
                throw APIKeyError(.unknownScope, "unknown scope '\(quotable(name))'; the scopes are \(APIKeyScope.names)")
            }
            out.insert(scope)
        }
        guard !out.isEmpty else { throw APIKeyError(.noScope, "a key needs at least one scope: \(APIKeyScope.names)") }
        return out
    }

    static func checkedName(_ name: String) throws -> String {
        let name = name.trimmingCharacters(in: .whitespaces)
        let allowed = name.unicodeScalars.allSatisfy { ($0.isASCII && ($0.properties.isAlphabetic || ("0"..."9").contains($0))) || "._-".unicodeScalars.contains($0) }
        guard nameLength.contains(name.count), allowed else {
            throw APIKeyError(.invalidName, "a key's name has \(nameLength.lowerBound) to \(nameLength.upperBound) characters from A-Z a-z 0-9 . _ -")
        }
        return name
    }

    /// Text from the command line put into a message: cut short, control characters dropped.
    static func quotable(_ text: String) -> String {
        String(String.UnicodeScalarView(text.unicodeScalars.filter { $0.value >= 0x20 && $0.value != 0x7F }.prefix(64)))
    }

    // MARK: Authenticating

    /// The live key whose secret hashes to `hash`, nil for an unknown or revoked one. Reads the store at most once
    /// per ``Options/cacheLifetime`` for a known key, and records its use at most once per ``Options/useInterval``.
    public func authenticate(hash: String) async throws -> APIKeyRecord? {
        let now = clock.now()
        let key: APIKeyRecord
        if let cached = cache.key(hash: hash, at: now, lifetime: options.cacheLifetime) {
            key = cached
        } else {
            guard let read = try await store.apiKey(hash: hash) else { return nil }
            cache.keep(read, hash: hash, at: now, capacity: options.cacheCapacity)
            key = read
        }
        guard !key.isRevoked else { return nil }
        if cache.claimUse(of: key, at: now, interval: options.useInterval) {
            try await store.markAPIKeyUsed(id: key.id, at: now)
        }
        return key
    }
}
