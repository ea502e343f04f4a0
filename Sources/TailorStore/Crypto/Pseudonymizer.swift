public import Crypto
import Foundation

/// Pseudonyms for exports (docs/PRIVACY.md, "Pseudonymized exports"): HMAC-SHA256 of an id under a key derived
/// from the master key (HKDF, its own `info`, so it is independent of the encryption, blind-index and link keys).
/// The same id gets the same pseudonym in every export of the deployment, so exports can be joined; without the
/// master key a pseudonym cannot be turned back into the id, nor computed for a guessed id.
public struct Pseudonymizer: Sendable {
    private let key: SymmetricKey

    public init(masterKey: SymmetricKey) {
        key = HKDF<SHA256>.deriveKey(inputKeyMaterial: masterKey, info: Data("tailor export pseudonyms v1".utf8), outputByteCount: 32)
    }

    /// `ps_` and the whole MAC of the id in base64url (43 characters).
    public func pseudonym(_ id: String) -> String {
        "ps_" + Base64URL.encode(Array(HMAC<SHA256>.authenticationCode(for: Data(id.utf8), using: key)))
    }
}
