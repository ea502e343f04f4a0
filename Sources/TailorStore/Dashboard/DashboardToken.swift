import Crypto
public import Foundation

/// The secrets of a dashboard session: the token a browser holds in its cookie, the hash the database keeps,
/// and the CSRF token its forms carry.
public enum DashboardToken {
    /// 32 random bytes, base64url without padding.
    public static func generate() -> String {
        var rng = SystemRandomNumberGenerator()
        return base64URL(Data((0..<32).map { _ in UInt8.random(in: .min ... .max, using: &rng) }))
    }

    /// What the database stores for a token (SHA-256, hex): the stored value cannot be presented as a cookie.
    public static func hash(_ token: String) -> String {
        SHA256.hash(data: Data(token.utf8)).map { String(format: "%02x", $0) }.joined()
    }

    /// The CSRF token of a session: derived from its secret token under its own label, so that it needs no
    /// storage, differs from the stored hash, and cannot be made without the cookie.
    public static func csrf(for token: String) -> String {
        base64URL(Data(SHA256.hash(data: Data(("tailor-csrf\u{0}" + token).utf8))))
    }

    /// Compares in time that depends on the length only.
    public static func equal(_ a: String, _ b: String) -> Bool {
        let x = Array(a.utf8), y = Array(b.utf8)
        guard x.count == y.count else { return false }
        var diff: UInt8 = 0
        for i in x.indices { diff |= x[i] ^ y[i] }
        return diff == 0
    }

    static func base64URL(_ data: Data) -> String {
        data.base64EncodedString().replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_")
            .replacingOccurrences(of: "=", with: "")
    }
}
