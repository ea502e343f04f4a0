import Crypto
import Foundation

/// The secret of a named API key: what its holder presents (`Authorization: Bearer tk_…`), what the database
/// keeps of it (the SHA-256, hex), and the first characters lists show.
public enum APIKeySecret {
    /// How a named key's secret starts (the key given to `tailor serve` starts `ak_`).
    public static let marker = "tk_"
    /// How many characters of the secret lists show: the marker and six more, too few to guess the rest from.
    public static let prefixLength = 9

    /// A new secret: the marker and 40 random characters from 62 (about 238 bits).
    public static func generate() -> String {
        var rng = SystemRandomNumberGenerator()
        let alphabet = Array("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789")
        return marker + String((0..<40).map { _ in alphabet[Int(rng.next(upperBound: UInt64(alphabet.count)))] })
    }

    /// What the database stores for a secret (SHA-256, hex); the same hash `tailor serve` keeps of its admin key.
    public static func hash(_ secret: String) -> String {
        SHA256.hash(data: Data(secret.utf8)).map { String(format: "%02x", $0) }.joined()
    }

    public static func prefix(of secret: String) -> String { String(secret.prefix(prefixLength)) }
}
