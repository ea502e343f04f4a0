public import Crypto
public import Foundation
public import TailorCore

/// Encrypts personal fields at rest (AES-256-GCM) and computes blind indexes (HMAC-SHA256) so that a
/// profile can still be found by email without storing the email in clear.
///
/// Both keys are derived from one master key with HKDF, so configuration holds a single secret. A sealed
/// value starts with a key version byte, which leaves room for rotation.
public struct FieldCipher: Sendable {
    package static let version: UInt8 = 1
    private let encryptionKey: SymmetricKey
    private let indexKey: SymmetricKey

    public init(masterKey: SymmetricKey) {
        encryptionKey = HKDF<SHA256>.deriveKey(inputKeyMaterial: masterKey, info: Data("tailor field encryption v1".utf8), outputByteCount: 32)
        indexKey = HKDF<SHA256>.deriveKey(inputKeyMaterial: masterKey, info: Data("tailor blind index v1".utf8), outputByteCount: 32)
    }

    /// A new random master key.
    public static func generateMasterKey() -> SymmetricKey { SymmetricKey(size: .bits256) }

    public func seal(_ plaintext: [UInt8]) throws -> Data {
        do {
            let box = try AES.GCM.seal(plaintext, using: encryptionKey)
            guard let combined = box.combined else { throw StoreError(.encryption, "AES-GCM produced no combined box") }
            var out = Data([Self.version])
            out.append(combined)
            return out
        } catch let e as StoreError {
            throw e
        } catch {
            throw StoreError(.encryption, "could not encrypt a personal field")
        }
    }

    public func open(_ sealed: Data) throws -> [UInt8] {
        guard sealed.first == Self.version else { throw StoreError(.encryption, "unknown key version in an encrypted field") }
        do {
            let box = try AES.GCM.SealedBox(combined: sealed.dropFirst())
            return Array(try AES.GCM.open(box, using: encryptionKey))
        } catch {
            throw StoreError(.encryption, "could not decrypt a personal field (wrong key or corrupted data)")
        }
    }

    /// Seals a JSON object; nil for an empty one.
    public func sealJSON(_ object: JSONObject) throws -> Data? {
        object.isEmpty ? nil : try seal(JSONWriter.bytes(.object(object)))
    }

    public func openJSON(_ sealed: Data?) throws -> JSONObject {
        guard let sealed, !sealed.isEmpty else { return [:] }
        let bytes = try open(sealed)
        guard case .object(let o) = try JSONParser.parse(bytes) else { throw StoreError(.corruptRow, "encrypted field is not an object") }
        return o
    }

    /// A keyed hash of a personal value, for equality lookups: same input, same index; not reversible.
    public func blindIndex(_ value: String) -> String {
        let mac = HMAC<SHA256>.authenticationCode(for: Data(value.utf8), using: indexKey)
        let digits = Array("0123456789abcdef".utf8)
        var out = [UInt8]()
        out.reserveCapacity(40)
        for byte in mac.prefix(20) {
            out.append(digits[Int(byte >> 4)])
            out.append(digits[Int(byte & 0xF)])
        }
        return String(decoding: out, as: UTF8.self)
    }

    /// The key under which an identity is stored: emails by blind index, other ids as they are.
    public func storageKey(_ identity: Identity) -> String {
        identity.kind == .email ? blindIndex(identity.value) : identity.value
    }
}

/// Where the master key comes from: a base64 value in configuration, or a key file that is created
/// (mode 0600) on first run.
public enum MasterKeySource {
    public static func load(base64: String?, keyFile: String) throws -> (key: SymmetricKey, created: Bool) {
        if let base64, !base64.isEmpty {
            guard let data = Data(base64Encoded: base64), data.count == 32 else {
                throw StoreError(.encryption, "TAILOR_ENCRYPTION_KEY must be 32 bytes in base64")
            }
            return (SymmetricKey(data: data), false)
        }
        let fm = FileManager.default
        if let data = fm.contents(atPath: keyFile) {
            guard let text = String(data: data, encoding: .utf8),
                  let raw = Data(base64Encoded: text.trimmingCharacters(in: .whitespacesAndNewlines)), raw.count == 32 else {
                throw StoreError(.encryption, "key file \(keyFile) does not hold a 32-byte base64 key")
            }
            return (SymmetricKey(data: raw), false)
        }
        let key = FieldCipher.generateMasterKey()
        let text = key.withUnsafeBytes { Data($0).base64EncodedString() } + "\n"
        let directory = (keyFile as NSString).deletingLastPathComponent
        if !directory.isEmpty { try? fm.createDirectory(atPath: directory, withIntermediateDirectories: true) }
        guard fm.createFile(atPath: keyFile, contents: Data(text.utf8), attributes: [.posixPermissions: 0o600]) else {
            throw StoreError(.encryption, "could not create key file \(keyFile)")
        }
        return (key, true)
    }
}
