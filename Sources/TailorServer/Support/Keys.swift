import Foundation
import HTTPTypes
import TailorStore

/// The keys the API accepts: public write keys for ingest, secret admin keys (kept as SHA-256 hashes
/// only) for the admin API.
public struct APIKeys: Sendable {
    public var writeKeys: Set<String>
    public var adminKeyHashes: Set<String>

    public init(writeKeys: Set<String>, adminKeyHashes: Set<String>) {
        self.writeKeys = writeKeys
        self.adminKeyHashes = adminKeyHashes
    }

    /// SHA-256, hex: what is kept of a secret key (the same hash named keys are stored by, ``APIKeySecret``).
    public static func hash(_ key: String) -> String {
        APIKeySecret.hash(key)
    }

    /// A new random key, URL-safe.
    public static func generate(prefix: String) -> String {
        var rng = SystemRandomNumberGenerator()
        let alphabet = Array("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789")
        return prefix + String((0..<32).map { _ in alphabet[Int(rng.next() % UInt64(alphabet.count))] })
    }

    /// The write key of a request: the Basic-auth user name (Segment's libraries), else none.
    static func basicUser(_ headers: HTTPFields) -> String? {
        guard let value = headers[.authorization], value.lowercased().hasPrefix("basic ") else { return nil }
        guard let data = Data(base64Encoded: String(value.dropFirst(6)).trimmingCharacters(in: .whitespaces)),
              let text = String(data: data, encoding: .utf8) else { return nil }
        return String(text.split(separator: ":", maxSplits: 1, omittingEmptySubsequences: false).first ?? "")
    }

    /// The SHA-256 of the secret a request presents (`Authorization: Bearer …`), nil when it presents none.
    static func presentedHash(_ headers: HTTPFields) -> String? {
        guard let value = headers[.authorization], value.lowercased().hasPrefix("bearer ") else { return nil }
        let secret = String(value.dropFirst(7)).trimmingCharacters(in: .whitespaces)
        return secret.isEmpty ? nil : Self.hash(secret)
    }

    /// Whether a presented hash is the admin key's (every scope).
    func isAdminKey(hash presented: String) -> Bool {
        // Compare every stored hash in full, so timing says nothing about which prefix matched.
        var match = false
        for h in adminKeyHashes where constantTimeEqual(h, presented) { match = true }
        return match
    }

    func constantTimeEqual(_ a: String, _ b: String) -> Bool {
        let x = Array(a.utf8)
        let y = Array(b.utf8)
        guard x.count == y.count else { return false }
        var diff: UInt8 = 0
        for i in x.indices { diff |= x[i] ^ y[i] }
        return diff == 0
    }
}
