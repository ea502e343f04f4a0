package import Foundation
package import TailorCore

/// How both adapters store a consent entry: the columns in this order; the proof sealed.
package enum ConsentRecord {
    /// `owner` is the profile the entry belongs to now (following merges).
    package static let columns = "purpose, status, decided_at, source, lawful_basis, expires_at, proof, recorded_at"

    package static func entry(owner: String, purpose: String, status: String, decidedAt: Int64, source: String, lawfulBasis: String,
                              expiresAt: Int64?, proof: Data?, recordedAt: Int64, cipher: FieldCipher) throws -> ConsentEntry {
        guard let purpose = ConsentPurpose(rawValue: purpose), let status = ConsentStatus(rawValue: status),
              let source = ConsentSource(rawValue: source), let basis = LawfulBasis(rawValue: lawfulBasis) else {
            throw StoreError(.corruptRow, "consent entry of \(owner): unknown purpose, status, source or basis")
        }
        return ConsentEntry(profileID: ProfileID(owner), purpose: purpose, status: status, at: Date(millisecondsSince1970: decidedAt),
                            source: source, lawfulBasis: basis, expiresAt: expiresAt.map(Date.init(millisecondsSince1970:)),
                            proof: try cipher.openJSON(proof), recordedAt: Date(millisecondsSince1970: recordedAt))
    }
}
